using System.Buffers;
using System.Numerics.Tensors;

namespace DigitApi.Imaging;

/// <summary>
/// Exact area-coverage resampling, the anti-aliasing MNIST's own normalisation used: for the digit
/// (float buffers) and for reducing decoded images to the working size (8-bit buffers). Kept here
/// rather than in the image library so that the normaliser stays library-free (DESIGN.md), and
/// because the library's own Gray8 scaler measured far slower than this on our images.
/// </summary>
public static class AreaResampler
{
    /// <summary>Resamples a float image (the digit's ink): down the columns first, as the 8-bit version does.</summary>
    public static float[] Resample(float[] source, int sw, int sh, int tw, int th)
    {
        var horizontal = Taps.For(sw, tw);
        var vertical = Taps.For(sh, th);
        var result = GC.AllocateUninitializedArray<float>(tw * th);
        var rented = ArrayPool<float>.Shared.Rent(sw);
        try
        {
            var sum = rented.AsSpan(0, sw);
            for (var y = 0; y < th; y++)
            {
                sum.Clear();
                for (var k = vertical.Start[y]; k < vertical.Start[y + 1]; k++)
                {
                    TensorPrimitives.MultiplyAdd(source.AsSpan(vertical.Index[k] * sw, sw), vertical.Weight[k], sum, sum);
                }

                horizontal.Apply(sum, result.AsSpan(y * tw, tw));
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }

        return result;
    }

    /// <summary>Reduces (or enlarges) an 8-bit image; each target pixel is the area-weighted mean of what it covers.</summary>
    /// <remarks>
    /// Columns first, with SIMD over whole rows (the bulk of the work when a large image shrinks), then the
    /// few taps along each target row; the working rows come from the pool, so only the result is allocated.
    /// </remarks>
    public static byte[] Resample(ReadOnlySpan<byte> source, int sw, int sh, int tw, int th)
    {
        var horizontal = Taps.For(sw, tw);
        var vertical = Taps.For(sh, th);
        var result = GC.AllocateUninitializedArray<byte>(tw * th);
        var rented = ArrayPool<float>.Shared.Rent(2 * sw);
        try
        {
            var line = rented.AsSpan(0, sw);
            var sum = rented.AsSpan(sw, sw);
            var converted = -1; // the source row in line: a row on the border of two targets serves both
            for (var y = 0; y < th; y++)
            {
                sum.Clear();
                for (var k = vertical.Start[y]; k < vertical.Start[y + 1]; k++)
                {
                    if (vertical.Index[k] != converted)
                    {
                        converted = vertical.Index[k];
                        ToSingle(source.Slice(converted * sw, sw), line);
                    }

                    TensorPrimitives.MultiplyAdd(line, vertical.Weight[k], sum, sum);
                }

                horizontal.ApplyRounded(sum, result.AsSpan(y * tw, tw));
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }

        return result;
    }

    internal static void ToSingle(ReadOnlySpan<byte> bytes, Span<float> floats) =>
        TensorPrimitives.ConvertTruncating(bytes, floats);

    /// <summary>
    /// For each target cell, the source cells it covers and the fraction of the cell each covers, flat:
    /// the taps of cell t are <c>Index[Start[t]..Start[t + 1]]</c>. Upscaling degrades to linear
    /// interpolation so that tiny inputs do not turn blocky.
    /// </summary>
    private sealed class Taps
    {
        private Taps(int[] start, int[] index, float[] weight)
        {
            Start = start;
            Index = index;
            Weight = weight;
        }

        public int[] Start { get; }

        public int[] Index { get; }

        public float[] Weight { get; }

        public static Taps For(int sourceSize, int targetSize)
        {
            var scale = (double)sourceSize / targetSize;
            var start = new int[targetSize + 1];
            var index = new List<int>(targetSize * 3);
            var weight = new List<float>(targetSize * 3);
            for (var t = 0; t < targetSize; t++)
            {
                start[t] = index.Count;
                if (scale >= 1)
                {
                    var from = t * scale;
                    var to = (t + 1) * scale;
                    for (var s = (int)from; s < Math.Min(sourceSize, (int)Math.Ceiling(to)); s++)
                    {
                        var overlap = Math.Min(to, s + 1) - Math.Max(from, s);
                        if (overlap > 0)
                        {
                            index.Add(s);
                            weight.Add((float)(overlap / scale));
                        }
                    }
                }
                else
                {
                    var centre = Math.Clamp(((t + 0.5) * scale) - 0.5, 0, sourceSize - 1);
                    var s0 = (int)centre;
                    var s1 = Math.Min(s0 + 1, sourceSize - 1);
                    var f = (float)(centre - s0);
                    index.Add(s0);
                    weight.Add(1 - f);
                    if (s1 != s0)
                    {
                        index.Add(s1);
                        weight.Add(f);
                    }
                }
            }

            start[targetSize] = index.Count;
            return new Taps(start, [.. index], [.. weight]);
        }

        public void ApplyRounded(ReadOnlySpan<float> source, Span<byte> target)
        {
            for (var t = 0; t < target.Length; t++)
            {
                target[t] = (byte)Math.Clamp((int)(WeightedSum(source, t) + 0.5f), 0, 255);
            }
        }

        public void Apply(ReadOnlySpan<float> source, Span<float> target)
        {
            for (var t = 0; t < target.Length; t++)
            {
                target[t] = WeightedSum(source, t);
            }
        }

        // The area-weighted mean of the source values target pixel t covers.
        private float WeightedSum(ReadOnlySpan<float> source, int t)
        {
            var sum = 0f;
            for (var k = Start[t]; k < Start[t + 1]; k++)
            {
                sum += source[Index[k]] * Weight[k];
            }

            return sum;
        }
    }
}
