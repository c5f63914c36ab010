using System.Numerics.Tensors;

namespace DigitApi.Imaging;

/// <summary>
/// MNIST's own normalisation applied to one digit: crop to its ink, thicken pen strokes that would
/// vanish at 20 px, fit the longer side to 20 px keeping the aspect ratio (anti-aliased), and paste
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
    public static float[] Normalize(InkImage ink, int[] labels, IReadOnlySet<int> keep, PixelBox box)
    {
        var region = DigitRegion.Around(ink, labels, keep, box.Grown(1));
        try
        {
            // Width of a stroke of area A and outline P is about 2A/P.
            var (area, outline) = region.CountOutline(box);
            var strokeWidth = outline == 0 ? 0 : 2.0 * area / outline;
            var scale = (double)FitSize / Math.Max(box.Width, box.Height);
            var radius = 0;
            if (strokeWidth * scale < ThinStroke)
            {
                radius = (int)Math.Ceiling(((TargetStroke / scale) - strokeWidth) / 2);
                radius = Math.Clamp(radius, 0, Math.Max(1, Math.Max(box.Width, box.Height) / 8));
                scale = (double)FitSize / (Math.Max(box.Width, box.Height) + (2 * radius));
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

            var tw = Math.Clamp((int)Math.Round(cw * scale), 1, Size);
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

    // Separable square max filter (a thicker pen): the crop in a zero frame as wide as the radius, then the maximum
    // of 2r + 1 shifted copies of the whole frame, along rows and then along columns. Reading the frame as one long
    // row lets a window run into the next row, but only at the frame's columns; the digit's own pixels see their
    // row alone. Ink is never negative, so the frame's zeros never win.
    internal static float[] Dilate(float[] source, int w, int h, int radius)
    {
        var (fw, fh) = (w + (2 * radius), h + (2 * radius));
        var framed = new float[fw * fh];
        for (var y = 0; y < h; y++)
        {
            source.AsSpan(y * w, w).CopyTo(framed.AsSpan(((y + radius) * fw) + radius));
        }

        var inner = framed.Length - (2 * radius);
        var rows = new float[framed.Length];
        var rowMax = rows.AsSpan(radius, inner);
        framed.AsSpan(0, inner).CopyTo(rowMax);
        for (var k = 1; k <= 2 * radius; k++)
        {
            TensorPrimitives.Max(rowMax, framed.AsSpan(k, inner), rowMax);
        }

        var columnMax = framed.AsSpan(radius * fw, h * fw);
        rows.AsSpan(0, h * fw).CopyTo(columnMax);
        for (var k = 1; k <= 2 * radius; k++)
        {
            TensorPrimitives.Max(columnMax, rows.AsSpan(k * fw, h * fw), columnMax);
        }

        var result = new float[source.Length];
        for (var y = 0; y < h; y++)
        {
            columnMax.Slice((y * fw) + radius, w).CopyTo(result.AsSpan(y * w));
        }

        return result;
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
