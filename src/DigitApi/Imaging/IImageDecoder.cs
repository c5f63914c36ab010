namespace DigitApi.Imaging;

/// <summary>Turns encoded image bytes into a grayscale working image, and back to PNG for display.</summary>
public interface IImageDecoder
{
    /// <summary>Decodes, orients, flattens transparency and reduces to the working size.</summary>
    /// <exception cref="ImageRejectedException">Unsupported, broken or oversized input.</exception>
    GrayImage Decode(ReadOnlySpan<byte> encoded);

    /// <summary>Encodes a grayscale image as PNG.</summary>
    byte[] EncodePng(GrayImage image);
}
