namespace DigitApi.Imaging;

/// <summary>The encoded formats DigitApi accepts, recognised from their leading bytes.</summary>
public enum ImageFormat
{
    Unknown,
    Png,
    Jpeg,
    Gif,
    Bmp,
    Webp,
}

public static class ImageFormatSniffer
{
    public static IReadOnlyList<string> SupportedMediaTypes { get; } =
        ["image/png", "image/jpeg", "image/gif", "image/bmp", "image/webp"];

    /// <summary>Recognises the format from the magic bytes; the declared content type is never trusted.</summary>
    public static ImageFormat Sniff(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return ImageFormat.Png;
        }

        if (data.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return ImageFormat.Jpeg;
        }

        if (data.StartsWith("GIF87a"u8) || data.StartsWith("GIF89a"u8))
        {
            return ImageFormat.Gif;
        }

        if (data.StartsWith("BM"u8) && data.Length >= 26)
        {
            return ImageFormat.Bmp;
        }

        if (data.Length >= 12 && data.StartsWith("RIFF"u8) && data[8..12].SequenceEqual("WEBP"u8))
        {
            return ImageFormat.Webp;
        }

        return ImageFormat.Unknown;
    }
}
