namespace DigitApi.Imaging;

/// <summary>
/// A low-resolution scan enlarged smoothly (bilinear, bicubic or Lanczos, as image libraries enlarge by default: an 8x8
/// scan saved at 28x28 or 280x280) brought back to about its own pixels, so that the digit is read, and judged, as the
/// scan itself is rather than as a blurred drawing.
/// </summary>
public static class SmoothEnlargement
{
    // The sources looked for: 8x8 scans (the UCI optical digits' block counts), found at 8 pixels when enlarged
    // bilinearly or bicubically and at up to 12 when by Lanczos, whose ringing neither copies. A larger source (a
    // 16-px postal scan) is left alone: read from its enlargement it loses little, and a 28x28 digit or picture
    // enlarged smoothly would be taken for one more often.
    private const int MinSource = 8;
    private const int MaxSource = 12;

    // A source is looked for only this many times smaller than the image: a 16-px postal scan, smooth itself, is not
    // read again from 8-12 of its pixels (its stretched 1s would go as 8s).
    private const double MinEnlargement = 2.5;

    // The share of the image's variance that a source of n pixels a side, enlarged again, may leave unexplained: an 8x8
    // scan enlarged bilinearly, bicubically or by Lanczos to 28-280 pixels leaves under 2 % at n = 8; a 28x28 MNIST
    // digit at least 5 % at n = 16 (one in a few dozen of those enlarged smoothly less), a drawing, a photo or a
    // form's bitmap 10 % or more.
    private const double MaxUnexplained = 0.03;

    // An enlargement changes gradually from one pixel to the next: summed along rows and columns, its second differences
    // are a fraction of its first (0.25-0.6 for an 8x8 scan enlarged 3.5 to 35 times), where grain, noise and sharp
    // edges make them as large or larger (1.3-1.7 for photos of paper and drawings, 1.4 for MNIST's digits, 0.7 for
    // those blurred).
    private const double MaxRoughness = 0.65;

    // Roughness is measured along about this many rows and as many columns.
    private const int RoughnessLines = 8;

    // The error is measured on a grid of about this many of the image's pixels.
    private const int ProbeCount = 1024;

    /// <summary>
    /// For an image that changes gradually from pixel to pixel, the fewest pixels (8 to 12 on the longer side, the
    /// aspect kept), sampled at their centres, whose enlargement explains all but <see cref="MaxUnexplained"/> of its
    /// variance; the image itself when none does, when it is rough or blank, or when it is less than 2.5 times such a
    /// scan.
    /// </summary>
    public static GrayImage Undo(GrayImage image)
    {
        var largest = Math.Min(MaxSource, (int)(Math.Max(image.Width, image.Height) / MinEnlargement));
        if (largest < MinSource)
        {
            return image;
        }

        // Most images are not enlargements at all: they are rough, or the largest source cannot explain them.
        if (Roughness(image) >= MaxRoughness)
        {
            return image;
        }

        var probes = Probe(image);
        var largestSource = Source(image, largest);
        if (!Explains(largestSource, probes))
        {
            return image;
        }

        for (var n = MinSource; n < largest; n++)
        {
            var source = Source(image, n);
            if (Explains(source, probes))
            {
                return source;
            }
        }

        return largestSource;
    }

    // The image sampled bilinearly at the centres of n pixels along its longer side (the aspect kept).
    private static GrayImage Source(GrayImage image, int n)
    {
        var (w, h, p) = (image.Width, image.Height, image.Pixels);
        var (sw, sh) = w >= h ? (n, Math.Max(1, (int)Math.Round((double)n * h / w))) : (Math.Max(1, (int)Math.Round((double)n * w / h)), n);
        var (columns, rows) = (new Axis(sw, w, 1), new Axis(sh, h, 1));
        var pixels = new byte[sw * sh];
        for (var y = 0; y < sh; y++)
        {
            var (top, bottom, fy) = rows.Linear[y];
            for (var x = 0; x < sw; x++)
            {
                var (left, right, fx) = columns.Linear[x];
                var upper = Lerp(p[(top * w) + left], p[(top * w) + right], fx);
                var lower = Lerp(p[(bottom * w) + left], p[(bottom * w) + right], fx);
                pixels[(y * sw) + x] = (byte)Math.Round(Lerp(upper, lower, fy));
            }
        }

        return new GrayImage(sw, sh, pixels) { SourceScaleX = image.SourceScaleX * w / sw, SourceScaleY = image.SourceScaleY * h / sh };
    }

    // Whether the source, enlarged again, explains all but MaxUnexplained of the image's variance on the probing grid:
    // enlarged bilinearly or bicubically (Catmull-Rom, its overshoot clipped to the pixels' range), whichever comes
    // closer, as the enlargement was made one way or the other.
    private static bool Explains(GrayImage source, Probes probes)
    {
        var (image, step) = (probes.Image, probes.Step);
        var (columns, rows) = (new Axis(image.Width, source.Width, step), new Axis(image.Height, source.Height, step));
        var (sw, p) = (source.Width, source.Pixels);
        var (linearDown, cubicDown) = (new double[sw], new double[sw]);
        double linear = 0, cubic = 0;
        var unexplained = MaxUnexplained * probes.Variance;

        // The errors only add up: once both reach the limit, no later row can bring either back under it.
        for (var ky = 0; ky < rows.Count && Math.Min(linear, cubic) < unexplained; ky++)
        {
            // The source enlarged down to this row first, column by column; then across to each probe.
            var (top, bottom, fy) = rows.Linear[ky];
            for (var c = 0; c < sw; c++)
            {
                linearDown[c] = Lerp(p[(top * sw) + c], p[(bottom * sw) + c], fy);
                var down = 0.0;
                for (var j = 0; j < 4; j++)
                {
                    down += rows.CubicWeights[(ky * 4) + j] * p[(rows.CubicAt[(ky * 4) + j] * sw) + c];
                }

                cubicDown[c] = down;
            }

            var row = (((step / 2) + (ky * step)) * image.Width) + (step / 2);
            for (var kx = 0; kx < columns.Count; kx++)
            {
                var (left, right, fx) = columns.Linear[kx];
                var across = 0.0;
                for (var i = 0; i < 4; i++)
                {
                    across += columns.CubicWeights[(kx * 4) + i] * cubicDown[columns.CubicAt[(kx * 4) + i]];
                }

                var pixel = image.Pixels[row + (kx * step)];
                var dl = pixel - Lerp(linearDown[left], linearDown[right], fx);
                var dc = pixel - Math.Clamp(across, 0, 255);
                (linear, cubic) = (linear + (dl * dl), cubic + (dc * dc));
            }
        }

        return Math.Min(linear, cubic) < unexplained;
    }

    // Where the pixels of one side (every step-th from the middle of the first step: the probes; or all of them) fall,
    // centre to centre, on another of sourceSide pixels, and which of those, weighted how, interpolate there: the two
    // nearest (bilinear) and the four nearest (Catmull-Rom), the border repeated outwards.
    private sealed class Axis
    {
        public Axis(int side, int sourceSide, int step)
        {
            Count = ((side - (step / 2)) + step - 1) / step;
            Linear = new (int, int, double)[Count];
            CubicAt = new int[Count * 4];
            CubicWeights = new double[Count * 4];
            for (var k = 0; k < Count; k++)
            {
                var at = ((((step / 2) + (k * step)) + 0.5) * sourceSide / side) - 0.5;
                var clamped = Math.Clamp(at, 0, sourceSide - 1);
                var near = (int)clamped;
                Linear[k] = (near, Math.Min(near + 1, sourceSide - 1), clamped - near);
                var before = (int)Math.Floor(at);
                CatmullRom(at - before, CubicWeights.AsSpan(k * 4, 4));
                for (var i = 0; i < 4; i++)
                {
                    CubicAt[(k * 4) + i] = Math.Clamp(before - 1 + i, 0, sourceSide - 1);
                }
            }
        }

        public int Count { get; }

        public (int Near, int Next, double Fraction)[] Linear { get; }

        public int[] CubicAt { get; }

        public double[] CubicWeights { get; }
    }

    // The pixels the error is measured on (every step-th pixel each way, from the middle of the first step) and their
    // variance (summed).
    private sealed record Probes(GrayImage Image, int Step, double Variance);

    private static Probes Probe(GrayImage image)
    {
        var (w, h) = (image.Width, image.Height);
        var step = Math.Max(1, (int)Math.Ceiling(Math.Sqrt((double)w * h / ProbeCount)));
        double sum = 0, sumOfSquares = 0, count = 0;
        for (var y = step / 2; y < h; y += step)
        {
            for (var x = step / 2; x < w; x += step)
            {
                double v = image[x, y];
                (sum, sumOfSquares, count) = (sum + v, sumOfSquares + (v * v), count + 1);
            }
        }

        return new Probes(image, step, sumOfSquares - (sum * sum / count));
    }

    // Second differences over first differences, summed as magnitudes, along about RoughnessLines rows and as many
    // columns evenly spread; infinite for an image flat along all of them.
    private static double Roughness(GrayImage image)
    {
        var (w, h, p) = (image.Width, image.Height, image.Pixels);
        long first = 0, second = 0;
        for (var y = h / RoughnessLines / 2; y < h; y += Math.Max(1, h / RoughnessLines))
        {
            var (f, s) = Differences(p, y * w, 1, w);
            (first, second) = (first + f, second + s);
        }

        for (var x = w / RoughnessLines / 2; x < w; x += Math.Max(1, w / RoughnessLines))
        {
            var (f, s) = Differences(p, x, w, h);
            (first, second) = (first + f, second + s);
        }

        return first == 0 ? double.PositiveInfinity : (double)second / first;
    }

    // The first and second differences, summed as magnitudes, along one line of count pixels from start, stride apart.
    private static (long First, long Second) Differences(byte[] pixels, int start, int stride, int count)
    {
        long first = 0, second = 0;
        var (at, previous, before) = (start + stride, (int)pixels[start], 0);
        for (var i = 1; i < count; i++, at += stride)
        {
            var value = (int)pixels[at];
            var difference = value - previous;
            first += Math.Abs(difference);
            second += i > 1 ? Math.Abs(difference - before) : 0;
            (previous, before) = (value, difference);
        }

        return (first, second);
    }

    // The weights of the four pixels around a point t of the way from the second to the third.
    private static void CatmullRom(double t, Span<double> weights)
    {
        var (t2, t3) = (t * t, t * t * t);
        weights[0] = 0.5 * (-t3 + (2 * t2) - t);
        weights[1] = 0.5 * ((3 * t3) - (5 * t2) + 2);
        weights[2] = 0.5 * ((-3 * t3) + (4 * t2) + t);
        weights[3] = 0.5 * (t3 - t2);
    }

    private static double Lerp(double from, double to, double t) => from + ((to - from) * t);
}
