using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace DigitApi.Imaging;

/// <summary>
/// Turns decoded RGBA (unpremultiplied) into gray, flattening transparency onto the background that
/// contrasts with the strokes: white behind dark ink, black behind light ink, so that a white-on-transparent
/// drawing does not vanish. Eight pixels at a time where the CPU has 256-bit vectors (a 280x280 canvas is
/// 78,400 pixels per request).
/// </summary>
public static class RgbaFlattener
{
    // ITU-R BT.601 luma in 8.8 fixed point.
    private const uint RedWeight = 77, GreenWeight = 150, BlueWeight = 29;

    public static byte[] ToGray(ReadOnlySpan<byte> rgba, int width, int height)
    {
        var pixels = MemoryMarshal.Cast<byte, uint>(rgba[..(width * height * 4)]);
        var (opaqueLuma, opaqueCount, transparentCount) = Survey(pixels);
        var lightStrokes = transparentCount > pixels.Length / 20 && opaqueCount > 0 && opaqueLuma / opaqueCount > 127;
        var gray = GC.AllocateUninitializedArray<byte>(pixels.Length);
        Flatten(pixels, lightStrokes ? 0u : 255u, gray);
        return gray;
    }

    // Sum of luma and count of the mostly opaque pixels, and the count of the mostly transparent ones.
    private static (long OpaqueLuma, long OpaqueCount, long TransparentCount) Survey(ReadOnlySpan<uint> pixels)
    {
        long opaqueLuma = 0, opaqueCount = 0;
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // Each lane adds at most 255 per step: summed per chunk of 2^20 pixels, far from overflowing 32 bits.
            const int Chunk = 1 << 20;
            var vectorEnd = pixels.Length - (pixels.Length % Vector256<uint>.Count);
            for (var chunk = 0; chunk < vectorEnd; chunk += Chunk)
            {
                var lumaSum = Vector256<uint>.Zero;
                var countSum = Vector256<uint>.Zero;
                for (i = chunk; i < Math.Min(vectorEnd, chunk + Chunk); i += Vector256<uint>.Count)
                {
                    var v = Vector256.Create(pixels.Slice(i, Vector256<uint>.Count));
                    var opaque = Vector256.GreaterThan(v >>> 24, Vector256.Create(127u));
                    lumaSum += Luma(v) & opaque;
                    countSum -= opaque; // an all-ones lane is -1
                }

                opaqueLuma += Vector256.Sum(lumaSum);
                opaqueCount += Vector256.Sum(countSum);
            }

            i = vectorEnd;
        }

        for (; i < pixels.Length; i++)
        {
            if (pixels[i] >> 24 > 127)
            {
                opaqueLuma += Luma(pixels[i]);
                opaqueCount++;
            }
        }

        return (opaqueLuma, opaqueCount, pixels.Length - opaqueCount);
    }

    private static void Flatten(ReadOnlySpan<uint> pixels, uint background, Span<byte> gray)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var step = Vector256<uint>.Count;
            for (; i <= pixels.Length - (4 * step); i += 4 * step)
            {
                var a = Blend(Vector256.Create(pixels.Slice(i, step)), background);
                var b = Blend(Vector256.Create(pixels.Slice(i + step, step)), background);
                var c = Blend(Vector256.Create(pixels.Slice(i + (2 * step), step)), background);
                var d = Blend(Vector256.Create(pixels.Slice(i + (3 * step), step)), background);
                Vector256.Narrow(Vector256.Narrow(a, b), Vector256.Narrow(c, d)).CopyTo(gray.Slice(i));
            }
        }

        for (; i < pixels.Length; i++)
        {
            var alpha = pixels[i] >> 24;
            gray[i] = (byte)DivideBy255((Luma(pixels[i]) * alpha) + (background * (255 - alpha)));
        }
    }

    private static Vector256<uint> Blend(Vector256<uint> pixel, uint background)
    {
        var alpha = pixel >>> 24;
        return DivideBy255((Luma(pixel) * alpha) + (Vector256.Create(background) * (Vector256.Create(255u) - alpha)));
    }

    // Little-endian RGBA: red is the low byte.
    private static uint Luma(uint pixel) =>
        (((pixel & 0xFF) * RedWeight) + (((pixel >> 8) & 0xFF) * GreenWeight) + (((pixel >> 16) & 0xFF) * BlueWeight) + 128) >> 8;

    private static Vector256<uint> Luma(Vector256<uint> pixel)
    {
        var mask = Vector256.Create(0xFFu);
        return (((pixel & mask) * RedWeight) + (((pixel >>> 8) & mask) * GreenWeight) + (((pixel >>> 16) & mask) * BlueWeight) + Vector256.Create(128u)) >>> 8;
    }

    // (t + (t >> 8)) >> 8 with t = v + 128 is v / 255 rounded, exactly, for every v up to 255 * 255.
    private static uint DivideBy255(uint value)
    {
        var t = value + 128;
        return (t + (t >> 8)) >> 8;
    }

    private static Vector256<uint> DivideBy255(Vector256<uint> value)
    {
        var t = value + Vector256.Create(128u);
        return (t + (t >>> 8)) >>> 8;
    }
}
