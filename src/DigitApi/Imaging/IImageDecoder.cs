namespace DigitApi.Imaging;

/// <summary>Turns encoded image bytes into a grayscale working image, and back to PNG for display.</summary>
public interface IImageDecoder
{
    /// <summary>Decodes, orients, flattens transparency and reduces to the working size.</summary>
    /// <param name="encoded">The upload.</param>
    /// <param name="clock">The request's decode time, checked between the stages; none: no limit.</param>
    /// <exception cref="ImageRejectedException">Unsupported, broken or oversized input, or the clock ran out.</exception>
    /// <exception cref="OperationCanceledException">The client has gone.</exception>
    GrayImage Decode(ReadOnlySpan<byte> encoded, DecodeClock? clock = null);

    /// <summary>Encodes a grayscale image as PNG.</summary>
    byte[] EncodePng(GrayImage image);
}
