namespace DigitApi.Imaging;

/// <summary>
/// A low-resolution scan enlarged smoothly (bilinear, bicubic or Lanczos, as image libraries enlarge by default: an 8x8
/// scan saved at 28x28 or 280x280) brought back to about its own pixels, so that the digit is read, and judged, as the
/// scan itself is rather than as a blurred drawing.
/// </summary>
public static class SmoothEnlargement
{
    /// <summary>The largest source looked for: scans of 8 to 16 pixels a side (what the model cards' line for
    /// low-resolution scans covers).</summary>
    public const int MaxSource = 16;

    private const int MinSource = 8;

    // The share of the image's variance that a source of n pixels a side, enlarged again, may leave unexplained: an 8x8
    // scan enlarged bilinearly, bicubically or by Lanczos to 28-280 pixels leaves under 2 % at n = 8; a 28x28 MNIST
    // digit at least 5 % at n = 16, a drawing, a photo or a form's bitmap 10 % or more.
    private const double MaxUnexplained = 0.03;

    // An enlargement changes gradually from one pixel to the next: summed along rows and columns, its second differences
    // are a fraction of its first (0.25-0.6 for an 8x8 scan enlarged 3.5 to 35 times), where grain, noise and sharp
    // edges make them as large or larger (1.3-1.7 for photos of paper and drawings, 1.4 for MNIST's digits, 0.7 for
    // those blurred).
    private const double MaxRoughness = 0.65;

    // The error is measured on a grid of about this many of the image's pixels.
    private const int ProbeCount = 4096;

    /// <summary>
    /// For an image that changes gradually from pixel to pixel, the fewest pixels (8 to 16 on the longer side, the
    /// aspect kept), sampled at their centres, whose enlargement explains all but <see cref="MaxUnexplained"/> of its
    /// variance; the image itself when none does, when it is rough, blank, or no larger than such a scan.
    /// </summary>
    public static GrayImage Undo(GrayImage image)
    {
        if (Math.Max(image.Width, image.Height) <= MaxSource)
        {
            return image;
        }

        // Most images are not enlargements at all: they are rough, or the largest source cannot explain them.
        if (Roughness(image) >= MaxRoughness)
        {
            return image;
        }

        var probes = Probe(image);
        if (!Explains(Source(image, MaxSource), probes))
        {
            return image;
        }

        for (var n = MinSource; n < MaxSource; n++)
        {
            var source = Source(image, n);
            if (Explains(source, probes))
            {
                return source;
            }
        }

        return Source(image, MaxSource);
    }

    // The image sampled bilinearly at the centres of n pixels along its longer side (the aspect kept).
    private static GrayImage Source(GrayImage image, int n)
    {
        var (w, h) = (image.Width, image.Height);
        var (sw, sh) = w >= h ? (n, Math.Max(1, (int)Math.Round((double)n * h / w))) : (Math.Max(1, (int)Math.Round((double)n * w / h)), n);
        var pixels = new byte[sw * sh];
        for (var y = 0; y < sh; y++)
        {
            for (var x = 0; x < sw; x++)
            {
                pixels[(y * sw) + x] = (byte)Math.Round(Bilinear(image.Pixels, w, h, (((x + 0.5) * w) / sw) - 0.5, (((y + 0.5) * h) / sh) - 0.5));
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
        var (w, h, sw, sh) = (image.Width, image.Height, source.Width, source.Height);
        double linear = 0, cubic = 0;
        for (var y = step / 2; y < h; y += step)
        {
            for (var x = step / 2; x < w; x += step)
            {
                var (sx, sy) = ((((x + 0.5) * sw) / w) - 0.5, (((y + 0.5) * sh) / h) - 0.5);
                var dl = image[x, y] - Bilinear(source.Pixels, sw, sh, sx, sy);
                var dc = image[x, y] - Math.Clamp(Bicubic(source.Pixels, sw, sh, sx, sy), 0, 255);
                (linear, cubic) = (linear + (dl * dl), cubic + (dc * dc));
            }
        }

        return Math.Min(linear, cubic) < MaxUnexplained * probes.Variance;
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

    // Second differences along rows and columns over first differences, summed as magnitudes; infinite for a flat image.
    private static double Roughness(GrayImage image)
    {
        var (w, h, p) = (image.Width, image.Height, image.Pixels);
        long first = 0, second = 0;
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                var at = (y * w) + x;
                if (x > 0)
                {
                    first += Math.Abs(p[at] - p[at - 1]);
                    second += x > 1 ? Math.Abs(p[at] - (2 * p[at - 1]) + p[at - 2]) : 0;
                }

                if (y > 0)
                {
                    first += Math.Abs(p[at] - p[at - w]);
                    second += y > 1 ? Math.Abs(p[at] - (2 * p[at - w]) + p[at - (2 * w)]) : 0;
                }
            }
        }

        return first == 0 ? double.PositiveInfinity : (double)second / first;
    }

    // The value at (x, y) between pixel centres by cubic convolution (Catmull-Rom), the border repeated outwards.
    private static double Bicubic(byte[] pixels, int w, int h, double x, double y)
    {
        var (x0, y0) = ((int)Math.Floor(x), (int)Math.Floor(y));
        Span<double> wx = stackalloc double[4];
        Span<double> wy = stackalloc double[4];
        CatmullRom(x - x0, wx);
        CatmullRom(y - y0, wy);
        double value = 0;
        for (var j = 0; j < 4; j++)
        {
            var row = Math.Clamp(y0 - 1 + j, 0, h - 1) * w;
            for (var i = 0; i < 4; i++)
            {
                value += wy[j] * wx[i] * pixels[row + Math.Clamp(x0 - 1 + i, 0, w - 1)];
            }
        }

        return value;
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

    // The value at (x, y) between pixel centres, the border repeated outwards.
    private static double Bilinear(byte[] pixels, int w, int h, double x, double y)
    {
        x = Math.Clamp(x, 0, w - 1);
        y = Math.Clamp(y, 0, h - 1);
        var (x0, y0) = ((int)x, (int)y);
        var (x1, y1) = (Math.Min(x0 + 1, w - 1), Math.Min(y0 + 1, h - 1));
        var (fx, fy) = (x - x0, y - y0);
        var top = pixels[(y0 * w) + x0] + ((pixels[(y0 * w) + x1] - pixels[(y0 * w) + x0]) * fx);
        var bottom = pixels[(y1 * w) + x0] + ((pixels[(y1 * w) + x1] - pixels[(y1 * w) + x0]) * fx);
        return top + ((bottom - top) * fy);
    }
}
