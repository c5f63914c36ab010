namespace DigitApi.Imaging;

/// <summary>
/// Finds the ink on a grayscale image whatever the paper: decides polarity, removes uneven
/// background (shadows, off-white paper, vignetting), stretches contrast and thresholds.
/// </summary>
public static class InkExtractor
{
    /// <summary>Below this peak contrast (of 255) an image is treated as blank paper.</summary>
    public const int MinInkContrast = 40;

    /// <summary>Returns null when the image holds no ink worth the name.</summary>
    public static InkImage? Extract(GrayImage image)
    {
        var (w, h) = (image.Width, image.Height);
        var values = ToBrightInk(image);
        SubtractBackground(values, w, h);

        var histogram = new int[256];
        foreach (var v in values)
        {
            histogram[v]++;
        }

        // Otsu separates ink from the remaining paper texture; the floor stops it splitting pure noise.
        // The peak is the ink's strength: the top of the classes Otsu found, or the brightest 0.1 % when
        // thin strokes are outnumbered by leftover shading. A quarter of it lifts the threshold above
        // such shading.
        var otsu = Math.Max(OtsuThreshold(histogram), 20);
        var peak = Math.Max(PercentileAbove(histogram, otsu, 0.9), Percentile(histogram, 0.999));
        if (peak < MinInkContrast)
        {
            return null;
        }

        var threshold = Math.Max(otsu, peak / 4);

        var mask = new bool[values.Length];
        var ink = new byte[values.Length];
        var softFloor = threshold / 3;
        var stretch = 255.0 / peak;
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            mask[i] = v > threshold;
            ink[i] = v <= softFloor ? (byte)0 : (byte)Math.Min(255, (int)((v * stretch) + 0.5));
        }

        return new InkImage(w, h, ink, mask);
    }

    // Ink is the minority: whichever tail of the histogram lies farther from the median is the ink.
    private static byte[] ToBrightInk(GrayImage image)
    {
        var histogram = new int[256];
        foreach (var p in image.Pixels)
        {
            histogram[p]++;
        }

        var median = Percentile(histogram, 0.5);
        var darkTail = median - Percentile(histogram, 0.002);
        var lightTail = Percentile(histogram, 0.998) - median;
        var values = (byte[])image.Pixels.Clone();
        if (darkTail > lightTail)
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = (byte)(255 - values[i]);
            }
        }

        return values;
    }

    // Background = per-block median, eroded over neighbouring blocks so that blocks full of ink
    // take their neighbours' paper level; bilinearly interpolated and subtracted.
    private static void SubtractBackground(byte[] values, int w, int h)
    {
        var block = Math.Max(8, Math.Max(w, h) / 8);
        var bx = (w + block - 1) / block;
        var by = (h + block - 1) / block;
        var medians = new int[bx * by];
        var histogram = new int[256];
        for (var j = 0; j < by; j++)
        {
            for (var i = 0; i < bx; i++)
            {
                Array.Clear(histogram);
                for (var y = j * block; y < Math.Min(h, (j + 1) * block); y++)
                {
                    for (var x = i * block; x < Math.Min(w, (i + 1) * block); x++)
                    {
                        histogram[values[(y * w) + x]]++;
                    }
                }

                medians[(j * bx) + i] = Percentile(histogram, 0.5);
            }
        }

        var background = new int[bx * by];
        for (var j = 0; j < by; j++)
        {
            for (var i = 0; i < bx; i++)
            {
                var min = 255;
                for (var dj = -1; dj <= 1; dj++)
                {
                    for (var di = -1; di <= 1; di++)
                    {
                        var (ni, nj) = (i + di, j + dj);
                        if (ni >= 0 && nj >= 0 && ni < bx && nj < by)
                        {
                            min = Math.Min(min, medians[(nj * bx) + ni]);
                        }
                    }
                }

                background[(j * bx) + i] = min;
            }
        }

        if (background.All(b => b == 0))
        {
            return;
        }

        // Bilinear weights depend on x or y alone: computed once per column and per row, not per pixel.
        var (i0, i1, tx) = InterpolationTaps(w, block, bx);
        for (var y = 0; y < h; y++)
        {
            var fy = Math.Clamp(((y + 0.5) / block) - 0.5, 0, by - 1);
            var j0 = (int)fy;
            var j1 = Math.Min(j0 + 1, by - 1);
            var ty = fy - j0;
            var upper = background.AsSpan(j0 * bx, bx);
            var lower = background.AsSpan(j1 * bx, bx);
            var row = values.AsSpan(y * w, w);
            for (var x = 0; x < w; x++)
            {
                var top = upper[i0[x]] + ((upper[i1[x]] - upper[i0[x]]) * tx[x]);
                var bottom = lower[i0[x]] + ((lower[i1[x]] - lower[i0[x]]) * tx[x]);
                var bg = top + ((bottom - top) * ty);
                row[x] = (byte)Math.Max(0, row[x] - (int)(bg + 0.5));
            }
        }
    }

    private static (int[] I0, int[] I1, double[] T) InterpolationTaps(int size, int block, int blocks)
    {
        var (i0, i1, t) = (new int[size], new int[size], new double[size]);
        for (var x = 0; x < size; x++)
        {
            var f = Math.Clamp(((x + 0.5) / block) - 0.5, 0, blocks - 1);
            i0[x] = (int)f;
            i1[x] = Math.Min(i0[x] + 1, blocks - 1);
            t[x] = f - i0[x];
        }

        return (i0, i1, t);
    }

    internal static int Percentile(int[] histogram, double fraction)
    {
        long total = 0;
        foreach (var c in histogram)
        {
            total += c;
        }

        var target = (long)Math.Ceiling(total * fraction);
        long seen = 0;
        for (var v = 0; v < histogram.Length; v++)
        {
            seen += histogram[v];
            if (seen >= Math.Max(1, target))
            {
                return v;
            }
        }

        return histogram.Length - 1;
    }

    private static int PercentileAbove(int[] histogram, int threshold, double fraction)
    {
        var above = new int[256];
        Array.Copy(histogram, threshold + 1, above, threshold + 1, 255 - threshold);
        return above.Sum() == 0 ? 0 : Percentile(above, fraction);
    }

    internal static int OtsuThreshold(int[] histogram)
    {
        long total = 0, sum = 0;
        for (var v = 0; v < 256; v++)
        {
            total += histogram[v];
            sum += (long)v * histogram[v];
        }

        long weightBelow = 0, sumBelow = 0;
        var best = 0.0;
        var threshold = 0;
        for (var t = 0; t < 256; t++)
        {
            weightBelow += histogram[t];
            if (weightBelow == 0)
            {
                continue;
            }

            var weightAbove = total - weightBelow;
            if (weightAbove == 0)
            {
                break;
            }

            sumBelow += (long)t * histogram[t];
            var meanBelow = (double)sumBelow / weightBelow;
            var meanAbove = (double)(sum - sumBelow) / weightAbove;
            var between = (double)weightBelow * weightAbove * (meanBelow - meanAbove) * (meanBelow - meanAbove);
            if (between > best)
            {
                best = between;
                threshold = t;
            }
        }

        return threshold;
    }
}
