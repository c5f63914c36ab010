namespace DigitApi.Imaging;

/// <summary>
/// Exact area-coverage resampling of a float buffer, the anti-aliasing MNIST's own normalisation used.
/// Kept here rather than in the image library so that the normaliser stays library-free (DESIGN.md).
/// </summary>
public static class AreaResampler
{
    public static float[] Resample(float[] source, int sw, int sh, int tw, int th)
    {
        var horizontal = Weights(sw, tw);
        var vertical = Weights(sh, th);
        var rows = new float[sh * tw];
        for (var y = 0; y < sh; y++)
        {
            for (var x = 0; x < tw; x++)
            {
                var sum = 0f;
                foreach (var (index, weight) in horizontal[x])
                {
                    sum += source[(y * sw) + index] * weight;
                }

                rows[(y * tw) + x] = sum;
            }
        }

        var result = new float[tw * th];
        for (var y = 0; y < th; y++)
        {
            for (var x = 0; x < tw; x++)
            {
                var sum = 0f;
                foreach (var (index, weight) in vertical[y])
                {
                    sum += rows[(index * tw) + x] * weight;
                }

                result[(y * tw) + x] = sum;
            }
        }

        return result;
    }

    // For each target cell, the source cells it covers and the fraction of the cell each covers.
    // Upscaling degrades to linear interpolation so that tiny inputs do not turn blocky.
    private static List<(int Index, float Weight)>[] Weights(int sourceSize, int targetSize)
    {
        var scale = (double)sourceSize / targetSize;
        var weights = new List<(int, float)>[targetSize];
        for (var t = 0; t < targetSize; t++)
        {
            var list = new List<(int, float)>();
            if (scale >= 1)
            {
                var start = t * scale;
                var end = (t + 1) * scale;
                for (var s = (int)start; s < Math.Min(sourceSize, (int)Math.Ceiling(end)); s++)
                {
                    var overlap = Math.Min(end, s + 1) - Math.Max(start, s);
                    if (overlap > 0)
                    {
                        list.Add((s, (float)(overlap / scale)));
                    }
                }
            }
            else
            {
                var centre = Math.Clamp(((t + 0.5) * scale) - 0.5, 0, sourceSize - 1);
                var s0 = (int)centre;
                var s1 = Math.Min(s0 + 1, sourceSize - 1);
                var f = (float)(centre - s0);
                list.Add((s0, 1 - f));
                if (s1 != s0)
                {
                    list.Add((s1, f));
                }
            }

            weights[t] = list;
        }

        return weights;
    }
}
