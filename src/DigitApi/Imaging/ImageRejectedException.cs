using DigitApi.Common;

namespace DigitApi.Imaging;

/// <summary>Why an upload cannot become a digit; each reason is one kind of problem.</summary>
public enum ImageRejection
{
    /// <summary>The bytes are not an image in an accepted format (415).</summary>
    UnsupportedFormat,

    /// <summary>The format is recognised but the data are broken (400).</summary>
    Undecodable,

    /// <summary>Too many pixels or frames, checked from the header before decoding (413).</summary>
    TooLarge,

    /// <summary>Within the size limits, but its decoding would cost more than the service spends on one image (422).</summary>
    TooCostly,

    /// <summary>Decoded fine, but there is no ink on it (422).</summary>
    NoDigitFound,
}

public sealed class ImageRejectedException(ImageRejection reason, string message) : DigitApiException(KindOf(reason), message)
{
    public ImageRejection Reason { get; } = reason;

    private static ProblemKind KindOf(ImageRejection reason) => reason switch
    {
        ImageRejection.UnsupportedFormat => ProblemKinds.UnsupportedImageFormat,
        ImageRejection.Undecodable => ProblemKinds.UndecodableImage,
        ImageRejection.TooLarge => ProblemKinds.ImageTooLarge,
        ImageRejection.TooCostly => ProblemKinds.ImageTooCostly,
        _ => ProblemKinds.NoDigitFound,
    };
}
