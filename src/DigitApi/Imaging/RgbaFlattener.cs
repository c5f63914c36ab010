using System.Runtime.InteropServices;

namespace DigitApi.Imaging;

/// <summary>
/// Turns decoded RGBA (unpremultiplied) into gray, flattening transparency onto the background that
/// contrasts with the strokes: white behind dark ink, black behind light ink, so that a white-on-transparent
/// drawing does not vanish.
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
        foreach (var pixel in pixels)
        {
            if (pixel >> 24 > 127)
            {
                opaqueLuma += Luma(pixel);
                opaqueCount++;
            }
        }

        return (opaqueLuma, opaqueCount, pixels.Length - opaqueCount);
    }

    private static void Flatten(ReadOnlySpan<uint> pixels, uint background, Span<byte> gray)
    {
        for (var i = 0; i < pixels.Length; i++)
        {
            var alpha = pixels[i] >> 24;
            gray[i] = (byte)DivideBy255((Luma(pixels[i]) * alpha) + (background * (255 - alpha)));
        }
    }

    // Little-endian RGBA: red is the low byte.
    private static uint Luma(uint pixel) =>
        (((pixel & 0xFF) * RedWeight) + (((pixel >> 8) & 0xFF) * GreenWeight) + (((pixel >> 16) & 0xFF) * BlueWeight) + 128) >> 8;

    // (t + (t >> 8)) >> 8 with t = v + 128 is v / 255 rounded, exactly, for every v up to 255 * 255.
    private static uint DivideBy255(uint value)
    {
        var t = value + 128;
        return (t + (t >> 8)) >> 8;
    }
}
