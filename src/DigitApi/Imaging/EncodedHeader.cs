using System.Buffers.Binary;

namespace DigitApi.Imaging;

/// <summary>
/// What an image's own header says, read before any decoder runs: the size and interlacing of a PNG (a height
/// beyond libpng's own limit would otherwise read as damage), and a JPEG's frame and number of scans.
/// </summary>
public readonly record struct EncodedHeader(int Width, int Height, bool Interlaced, bool Progressive, int Components, int Scans)
{
    private const byte MarkerSof0 = 0xC0;
    private const byte MarkerSof2 = 0xC2;
    private const byte MarkerSof10 = 0xCA;
    private const byte MarkerSos = 0xDA;
    private const byte MarkerEoi = 0xD9;

    /// <summary>The header, or null when the format keeps it where this does not look (Skia reads those).</summary>
    /// <param name="encoded">The upload.</param>
    /// <param name="format">Its sniffed format.</param>
    /// <param name="maxScans">Stop counting a progressive JPEG's scans beyond this many.</param>
    public static EncodedHeader? Read(ReadOnlySpan<byte> encoded, ImageFormat format, int maxScans) => format switch
    {
        ImageFormat.Png => ReadPng(encoded),
        ImageFormat.Jpeg => ReadJpeg(encoded, maxScans),
        _ => null,
    };

    // Signature, then the IHDR chunk: length, "IHDR", width, height, depth, colour type, compression, filter, interlace.
    private static EncodedHeader? ReadPng(ReadOnlySpan<byte> png) =>
        png.Length >= 29 && png.Slice(12, 4).SequenceEqual("IHDR"u8)
            ? new EncodedHeader(BinaryPrimitives.ReadInt32BigEndian(png[16..]), BinaryPrimitives.ReadInt32BigEndian(png[20..]), png[28] == 1, false, 0, 0)
            : null;

    /// <summary>
    /// Walks the JPEG's marker segments up to its frame header; for a progressive frame it goes on through the
    /// entropy-coded data and counts the scans (SOS markers), up to <paramref name="maxScans"/> + 1. A baseline
    /// JPEG has its scans' cost bounded by its size, so it stops at the frame header.
    /// </summary>
    private static EncodedHeader? ReadJpeg(ReadOnlySpan<byte> jpeg, int maxScans)
    {
        EncodedHeader? frame = null;
        var scans = 0;
        var at = 2;
        while (at + 4 <= jpeg.Length)
        {
            if (jpeg[at] != 0xFF)
            {
                // Entropy-coded data: on to the next marker (0xFF not followed by a stuffed 0 or a restart marker).
                var next = jpeg[(at + 1)..].IndexOf((byte)0xFF);
                if (next < 0)
                {
                    break;
                }

                at += next + 1;
                continue;
            }

            var marker = jpeg[at + 1];
            if (marker == 0xFF || marker == 0x00 || marker is >= 0xD0 and <= 0xD7)
            {
                at += marker == 0xFF ? 1 : 2; // fill byte, stuffed zero, restart marker
                continue;
            }

            if (marker == MarkerEoi)
            {
                break;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(jpeg[(at + 2)..]);
            if (marker is >= MarkerSof0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC && at + 10 <= jpeg.Length)
            {
                var progressive = marker is MarkerSof2 or MarkerSof10 or 0xC6 or 0xCE;
                frame = new EncodedHeader(BinaryPrimitives.ReadUInt16BigEndian(jpeg[(at + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(jpeg[(at + 5)..]),
                    false, progressive, jpeg[at + 9], progressive ? 0 : 1);
                if (!progressive)
                {
                    return frame;
                }
            }
            else if (marker == MarkerSos && ++scans > maxScans)
            {
                break;
            }

            at += 2 + length;
        }

        return frame is { } found ? found with { Scans = found.Progressive ? scans : 1 } : null;
    }
}
