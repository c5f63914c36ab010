using System.Numerics.Tensors;

namespace DigitApi.Imaging;

/// <summary>
/// MNIST's own normalisation applied to one digit: crop to its ink, thicken pen strokes that would
/// vanish at 20 px, fit the longer side to 20 px keeping the aspect ratio (anti-aliased; a digit a reader stretched
/// to fill a square is narrowed first, as the caller says), and paste
/// into 28x28 so that the centre of mass falls on pixel (14, 14), as it does in MNIST.
/// </summary>
public static class DigitNormalizer
{
    public const int Size = 28;
    public const int FitSize = 20;

    // Stroke widths measured the same way on MNIST: median 2.85 px, 5th percentile 2.1 px.
    private const double ThinStroke = 2.0;
    private const double TargetStroke = 2.7;

    /// <summary>Returns 784 values in [0, 1], ink bright, row-major.</summary>
    /// <param name="ink">The extracted ink.</param>
    /// <param name="labels">Component labels of <paramref name="ink"/>'s mask.</param>
    /// <param name="keep">The labels that make up this digit.</param>
    /// <param name="box">The union of the kept components' boxes.</param>
    /// <param name="widthFactor">The digit's width is taken as this share of its stored width before the fit (below 1:
    /// narrowed, for a digit a reader stretched to fill a square).</param>
    public static float[] Normalize(InkImage ink, int[] labels, IReadOnlySet<int> keep, PixelBox box, double widthFactor = 1)
    {
        var region = DigitRegion.Around(ink, labels, keep, box.Grown(1));
        try
        {
            // Width of a stroke of area A and outline P is about 2A/P.
            var (area, outline) = region.CountOutline(box);
            var strokeWidth = outline == 0 ? 0 : 2.0 * area / outline;
            var width = box.Width * widthFactor;
            var scale = (double)FitSize / Math.Max(width, box.Height);
            var radius = 0;
            if (strokeWidth * scale < ThinStroke)
            {
                radius = (int)Math.Ceiling(((TargetStroke / scale) - strokeWidth) / 2);
                radius = Math.Clamp(radius, 0, Math.Max(1, Math.Max(box.Width, box.Height) / 8));
                scale = (double)FitSize / (Math.Max(width, box.Height) + (2 * radius));
            }

            // The crop: the box and one pixel, and room for the thickened strokes (a wider region only then).
            var cropArea = box.Grown(radius + 1);
            if (radius > 0)
            {
                region.Dispose();
                region = DigitRegion.Around(ink, labels, keep, cropArea);
            }

            var (cw, ch) = (cropArea.Width, cropArea.Height);
            var crop = region.DigitInk();
            if (radius > 0)
            {
                crop = Dilate(crop, cw, ch, radius);
            }

            var tw = Math.Clamp((int)Math.Round(cw * scale * widthFactor), 1, Size);
            var th = Math.Clamp((int)Math.Round(ch * scale), 1, Size);
            var fitted = AreaResampler.Resample(crop, cw, ch, tw, th);
            var max = fitted.Max();
            if (max <= 0)
            {
                return new float[Size * Size];
            }

            return PasteByCentreOfMass(fitted, tw, th, 1f / max);
        }
        finally
        {
            region.Dispose();
        }
    }

    // Separable square max filter (a thicker pen): the crop in a zero frame as wide as the radius, read as one long
    // row, then the largest value in each window of 2r + 1 along it and in each window of 2r + 1 rows down. A window
    // along the long row runs into the next row only at the frame's columns; the digit's own pixels see their row
    // alone. Ink is never negative, so the frame's zeros never win.
    internal static float[] Dilate(float[] source, int w, int h, int radius)
    {
        var (fw, fh) = (w + (2 * radius), h + (2 * radius));
        var framed = new float[fw * fh];
        for (var y = 0; y < h; y++)
        {
            source.AsSpan(y * w, w).CopyTo(framed.AsSpan(((y + radius) * fw) + radius));
        }

        // rows[j]: the window of framed pixels j .. j + 2r, centred on pixel j + r; columns[j]: the window of rows
        // j, j + fw, ..., so that digit pixel (x, y) ends up at columns[(y * fw) + x].
        var (first, second) = (GC.AllocateUninitializedArray<float>(framed.Length), GC.AllocateUninitializedArray<float>(framed.Length));
        var (rows, rowCount) = WindowMax(framed, framed.Length, (2 * radius) + 1, 1, first, second);
        var (columns, _) = WindowMax(rows, rowCount, (2 * radius) + 1, fw, rows == first ? second : first, framed);

        var result = GC.AllocateUninitializedArray<float>(source.Length);
        for (var y = 0; y < h; y++)
        {
            columns.AsSpan(y * fw, w).CopyTo(result.AsSpan(y * w));
        }

        return result;
    }

    // The largest of values[j], values[j + stride], ..., values[j + (window - 1) * stride] for every j where the
    // window fits: windows of 2, 4, 8, ... by doubling, then the whole window as two overlapping ones of the
    // largest power of two (a maximum may count a value twice), so log2(window) passes rather than window - 1.
    // Writes only into the two scratch arrays and returns the one holding the result, with its length.
    private static (float[] Result, int Count) WindowMax(float[] values, int count, int window, int stride, float[] scratch, float[] spare)
    {
        var (current, length, span) = (values, count, 1);
        var (target, other) = (scratch, spare);
        while (span < window)
        {
            var shift = Math.Min(span, window - span) * stride;
            TensorPrimitives.Max(current.AsSpan(0, length - shift), current.AsSpan(shift, length - shift), target.AsSpan(0, length - shift));
            (current, length, span) = (target, length - shift, span + Math.Min(span, window - span));
            (target, other) = (other, current);
        }

        return (current, length);
    }

    private static float[] PasteByCentreOfMass(float[] fitted, int tw, int th, float gain)
    {
        double mass = 0, mx = 0, my = 0;
        for (var y = 0; y < th; y++)
        {
            for (var x = 0; x < tw; x++)
            {
                var v = fitted[(y * tw) + x];
                mass += v;
                mx += v * x;
                my += v * y;
            }
        }

        var left = Math.Clamp((int)Math.Round(14 - (mx / mass)), 0, Size - tw);
        var top = Math.Clamp((int)Math.Round(14 - (my / mass)), 0, Size - th);
        var result = new float[Size * Size];
        for (var y = 0; y < th; y++)
        {
            for (var x = 0; x < tw; x++)
            {
                result[((top + y) * Size) + left + x] = Math.Min(1f, fitted[(y * tw) + x] * gain);
            }
        }

        return result;
    }
}
