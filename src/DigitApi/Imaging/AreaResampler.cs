using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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

    internal static void ToSingle(ReadOnlySpan<byte> bytes, Span<float> floats)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= bytes.Length - Vector256<byte>.Count; i += Vector256<byte>.Count)
            {
                var (low, high) = Vector256.Widen(Vector256.Create(bytes.Slice(i, Vector256<byte>.Count)));
                var (a, b) = Vector256.Widen(low);
                var (c, d) = Vector256.Widen(high);
                var step = Vector256<float>.Count;
                Vector256.ConvertToSingle(a.AsInt32()).CopyTo(floats.Slice(i));
                Vector256.ConvertToSingle(b.AsInt32()).CopyTo(floats.Slice(i + step));
                Vector256.ConvertToSingle(c.AsInt32()).CopyTo(floats.Slice(i + (2 * step)));
                Vector256.ConvertToSingle(d.AsInt32()).CopyTo(floats.Slice(i + (3 * step)));
            }
        }

        for (; i < bytes.Length; i++)
        {
            floats[i] = bytes[i];
        }
    }

    /// <summary>
    /// For each target cell, the source cells it covers and the fraction of the cell each covers, flat:
    /// the taps of cell t are <c>Index[Start[t]..Start[t + 1]]</c>. Upscaling degrades to linear
    /// interpolation so that tiny inputs do not turn blocky.
    /// </summary>
    private sealed class Taps
    {
        // Sixteen targets whose taps all lie within this many source values are summed from two registers.
        private const int Window = 32;

        private readonly Lazy<(int[] Index, float[] Weight, int Count)> _padded;
        private readonly Lazy<(int[] First, int[] Offset)?> _windows;

        private Taps(int[] start, int[] index, float[] weight)
        {
            Start = start;
            Index = index;
            Weight = weight;
            _padded = new(Pad, LazyThreadSafetyMode.None);
            _windows = new(Windows, LazyThreadSafetyMode.None);
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
            var t = Avx512F.IsSupported && _windows.Value is not null ? ApplyRoundedPermuted(source, target) : 0;
            t = Avx2.IsSupported ? ApplyRoundedGathered(source, target, t) : t;
            for (; t < target.Length; t++)
            {
                target[t] = (byte)Math.Clamp((int)(WeightedSum(source, t) + 0.5f), 0, 255);
            }
        }

        // 32 target pixels at a time: tap k of eight neighbouring targets is one gather. The taps are padded to
        // the same count with zero weights, and summed in the scalar order, so the result is the same to the bit.
        private unsafe int ApplyRoundedGathered(ReadOnlySpan<float> source, Span<byte> target, int t)
        {
            var (index, weight, count) = _padded.Value;
            var size = target.Length;
            fixed (float* values = source)
            {
                for (; t <= size - Vector256<byte>.Count; t += Vector256<byte>.Count)
                {
                    var a = Rounded(values, index, weight, count, size, t);
                    var b = Rounded(values, index, weight, count, size, t + 8);
                    var c = Rounded(values, index, weight, count, size, t + 16);
                    var d = Rounded(values, index, weight, count, size, t + 24);
                    Vector256.Narrow(Vector256.Narrow(a, b).AsUInt16(), Vector256.Narrow(c, d).AsUInt16()).CopyTo(target.Slice(t));
                }
            }

            return t;
        }

        private static unsafe Vector256<int> Rounded(float* values, int[] index, float[] weight, int count, int size, int t)
        {
            var rounded = Vector256.ConvertToInt32(Sums(values, index, weight, count, size, t) + Vector256.Create(0.5f));
            return Vector256.Min(Vector256.Max(rounded, Vector256<int>.Zero), Vector256.Create(255));
        }

        // The weighted sums of targets t..t+7, tap by tap in the scalar order (tap k of eight targets is one gather).
        private static unsafe Vector256<float> Sums(float* values, int[] index, float[] weight, int count, int size, int t)
        {
            var sum = Vector256<float>.Zero;
            for (var k = 0; k < count; k++)
            {
                var at = (k * size) + t;
                var taps = Avx2.GatherVector256(values, Vector256.Create(index.AsSpan(at, 8)), 4);
                sum += taps * Vector256.Create(weight.AsSpan(at, 8));
            }

            return sum;
        }

        // Sixteen targets at a time where their taps lie within one window of source values: each tap is a
        // two-register permute instead of a gather. Same sums in the same order as the gathers, so the same bytes.
        private int ApplyRoundedPermuted(ReadOnlySpan<float> source, Span<byte> target)
        {
            var (_, weight, count) = _padded.Value;
            var (first, offset) = _windows.Value!.Value;
            var size = target.Length;
            var t = 0;
            for (var g = 0; g < first.Length && first[g] + Window <= source.Length; g++, t += Vector512<float>.Count)
            {
                var lower = Vector512.Create(source.Slice(first[g], Vector512<float>.Count));
                var upper = Vector512.Create(source.Slice(first[g] + Vector512<float>.Count, Vector512<float>.Count));
                var sum = Vector512<float>.Zero;
                for (var k = 0; k < count; k++)
                {
                    var taps = Avx512F.PermuteVar16x32x2(lower, Vector512.Create(offset.AsSpan(((g * count) + k) * Vector512<int>.Count, Vector512<int>.Count)), upper);
                    sum += taps * Vector512.Create(weight.AsSpan((k * size) + t, Vector512<float>.Count));
                }

                var rounded = Vector512.ConvertToInt32(sum + Vector512.Create(0.5f));
                rounded = Vector512.Min(Vector512.Max(rounded, Vector512<int>.Zero), Vector512.Create(255));
                Avx512F.ConvertToVector128Byte(rounded).CopyTo(target.Slice(t));
            }

            return t;
        }

        // For each whole group of sixteen targets: its first source index, and every tap's offset from it; null when
        // some group's taps spread over more than a window (strong reductions), which the gathers then serve.
        private (int[] First, int[] Offset)? Windows()
        {
            var (index, _, count) = _padded.Value;
            var targets = Start.Length - 1;
            var groups = targets / Vector512<float>.Count;
            var (first, offset) = (new int[groups], new int[groups * count * Vector512<int>.Count]);
            for (var g = 0; g < groups; g++)
            {
                var t0 = g * Vector512<float>.Count;
                first[g] = index[t0];
                for (var k = 0; k < count; k++)
                {
                    for (var lane = 0; lane < Vector512<int>.Count; lane++)
                    {
                        var relative = index[(k * targets) + t0 + lane] - first[g];
                        if (relative is < 0 or >= Window)
                        {
                            return null;
                        }

                        offset[(((g * count) + k) * Vector512<int>.Count) + lane] = relative;
                    }
                }
            }

            return (first, offset);
        }

        // The taps as count planes of one tap per target: plane k holds every target's k-th tap (index, weight),
        // or its first tap's index with weight 0 where it has fewer.
        private (int[] Index, float[] Weight, int Count) Pad()
        {
            var targets = Start.Length - 1;
            var count = 0;
            for (var t = 0; t < targets; t++)
            {
                count = Math.Max(count, Start[t + 1] - Start[t]);
            }

            var (index, weight) = (new int[count * targets], new float[count * targets]);
            for (var t = 0; t < targets; t++)
            {
                for (var k = 0; k < count; k++)
                {
                    var tap = Start[t] + k;
                    index[(k * targets) + t] = tap < Start[t + 1] ? Index[tap] : Index[Start[t]];
                    weight[(k * targets) + t] = tap < Start[t + 1] ? Weight[tap] : 0f;
                }
            }

            return (index, weight, count);
        }

        public void Apply(ReadOnlySpan<float> source, Span<float> target)
        {
            var t = Avx2.IsSupported ? ApplyGathered(source, target) : 0;
            for (; t < target.Length; t++)
            {
                target[t] = WeightedSum(source, t);
            }
        }

        // As ApplyRoundedGathered, eight targets at a time, without rounding.
        private unsafe int ApplyGathered(ReadOnlySpan<float> source, Span<float> target)
        {
            var (index, weight, count) = _padded.Value;
            var t = 0;
            fixed (float* values = source)
            {
                for (; t <= target.Length - Vector256<float>.Count; t += Vector256<float>.Count)
                {
                    Sums(values, index, weight, count, target.Length, t).CopyTo(target.Slice(t));
                }
            }

            return t;
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
