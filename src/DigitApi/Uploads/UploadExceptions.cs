using DigitApi.Common;

namespace DigitApi.Uploads;

public sealed class MissingImageException(string message) : DigitApiException(ProblemKinds.MissingImage, message);

public sealed class UploadTooLargeException(string message) : DigitApiException(ProblemKinds.TooLarge, message);

public sealed class UnsupportedUploadException(string message) : DigitApiException(ProblemKinds.UnsupportedMediaType, message);

/// <summary>The body does not parse; the connection is closed with the answer.</summary>
public sealed class MalformedUploadException(string message) : DigitApiException(ProblemKinds.MalformedUpload, message);

/// <summary>The client sent its body too slowly or stopped; the connection is closed with the answer.</summary>
public sealed class UploadTooSlowException(string message) : DigitApiException(ProblemKinds.UploadTooSlow, message);
