using DigitApi.Common;

namespace DigitApi.Uploads;

public sealed class MissingImageException(string message) : DigitApiException(message)
{
    public override int StatusCode => StatusCodes.Status400BadRequest;

    public override string Kind => "missing-image";

    public override string Title => "No image in the request";
}

public sealed class UploadTooLargeException(string message) : DigitApiException(message)
{
    public override int StatusCode => StatusCodes.Status413PayloadTooLarge;

    public override string Kind => "too-large";

    public override string Title => "Upload too large";
}

public sealed class UnsupportedUploadException(string message) : DigitApiException(message)
{
    public override int StatusCode => StatusCodes.Status415UnsupportedMediaType;

    public override string Kind => "unsupported-media-type";

    public override string Title => "Unsupported media type";
}

public sealed class MalformedUploadException(string message) : DigitApiException(message)
{
    public override int StatusCode => StatusCodes.Status400BadRequest;

    public override string Kind => "malformed-upload";

    public override string Title => "Malformed upload";

    public override bool ClosesConnection => true;
}

/// <summary>The client sent its body too slowly or stopped; the connection is closed with the answer.</summary>
public sealed class UploadTooSlowException(string message) : DigitApiException(message)
{
    public override int StatusCode => StatusCodes.Status408RequestTimeout;

    public override string Kind => "upload-too-slow";

    public override string Title => "Upload too slow";

    public override bool ClosesConnection => true;
}
