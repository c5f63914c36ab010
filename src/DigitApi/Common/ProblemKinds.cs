using Microsoft.AspNetCore.Mvc;

namespace DigitApi.Common;

/// <summary>A kind of problem the service answers with: its RFC 7807 <c>type</c>, title and HTTP status.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Name">The stable short name; the problem's <c>type</c> is <c>/problems/{Name}</c>.</param>
/// <param name="Title">The problem's title, the same for every occurrence; the detail says what happened.</param>
/// <param name="ClosesConnection">The answer also closes the connection (the rest of the request body is not read).</param>
public sealed record ProblemKind(int Status, string Name, string Title, bool ClosesConnection = false)
{
    /// <summary>Prefix of every problem <c>type</c>.</summary>
    public const string TypePrefix = "/problems/";

    public string Type => TypePrefix + Name;

    /// <summary>This kind of problem, with what happened and what to do.</summary>
    public ProblemDetails With(string detail) => new() { Status = Status, Type = Type, Title = Title, Detail = detail };
}

/// <summary>
/// Every problem the service answers with, listed once: expected failures (<see cref="DigitApiException"/>),
/// refusals written by middleware, and the statuses ASP.NET Core produces itself. docs/api.md tabulates them.
/// </summary>
public static class ProblemKinds
{
    // 400
    public static readonly ProblemKind BadRequest = new(StatusCodes.Status400BadRequest, "bad-request", "Bad request");
    public static readonly ProblemKind MissingImage = new(StatusCodes.Status400BadRequest, "missing-image", "No image in the request");
    public static readonly ProblemKind EmptyPart = new(StatusCodes.Status400BadRequest, "missing-image", "No image in the part");
    public static readonly ProblemKind MalformedUpload = new(StatusCodes.Status400BadRequest, "malformed-upload", "Malformed upload", ClosesConnection: true);
    public static readonly ProblemKind UndecodableImage = new(StatusCodes.Status400BadRequest, "undecodable-image", "The image could not be decoded");
    public static readonly ProblemKind BadInferenceRequest = new(StatusCodes.Status400BadRequest, "bad-inference-request", "Inference request refused");

    // 401, 404, 405, 408
    public static readonly ProblemKind Unauthorized = new(StatusCodes.Status401Unauthorized, "unauthorized", "API key required");
    public static readonly ProblemKind UnknownModel = new(StatusCodes.Status404NotFound, "unknown-model", "Unknown model");
    public static readonly ProblemKind NotFound = new(StatusCodes.Status404NotFound, "not-found", "Not Found");
    public static readonly ProblemKind MethodNotAllowed = new(StatusCodes.Status405MethodNotAllowed, "method-not-allowed", "Method Not Allowed");
    public static readonly ProblemKind UploadTooSlow = new(StatusCodes.Status408RequestTimeout, "upload-too-slow", "Upload too slow", ClosesConnection: true);

    // 413, 415
    public static readonly ProblemKind TooLarge = new(StatusCodes.Status413PayloadTooLarge, "too-large", "Upload too large");
    public static readonly ProblemKind TooManyInputs = new(StatusCodes.Status413PayloadTooLarge, "too-many-inputs", "Too many inputs");
    public static readonly ProblemKind ImageTooLarge = new(StatusCodes.Status413PayloadTooLarge, "image-too-large", "Image too large");
    public static readonly ProblemKind UnsupportedMediaType = new(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Unsupported media type");
    public static readonly ProblemKind UnsupportedImageFormat = new(StatusCodes.Status415UnsupportedMediaType, "unsupported-image-format", "Unsupported image format");

    // 422
    public static readonly ProblemKind NoDigitFound = new(StatusCodes.Status422UnprocessableEntity, "no-digit-found", "No digit found");
    public static readonly ProblemKind NotADigit = new(StatusCodes.Status422UnprocessableEntity, "not-a-digit", "Not a digit");
    public static readonly ProblemKind TooManyDigits = new(StatusCodes.Status422UnprocessableEntity, "too-many-digits", "Too many digits");
    public static readonly ProblemKind ImageTooCostly = new(StatusCodes.Status422UnprocessableEntity, "image-too-costly", "Image too costly to decode");

    // 429, 5xx
    public static readonly ProblemKind RateLimited = new(StatusCodes.Status429TooManyRequests, "rate-limited", "Too many requests");
    public static readonly ProblemKind Overloaded = new(StatusCodes.Status503ServiceUnavailable, "overloaded", "Service overloaded");
    public static readonly ProblemKind NotReady = new(StatusCodes.Status503ServiceUnavailable, "not-ready", "Model not ready");
    public static readonly ProblemKind ShuttingDown = new(StatusCodes.Status503ServiceUnavailable, "shutting-down", "Shutting down", ClosesConnection: true);
    public static readonly ProblemKind Unavailable = new(StatusCodes.Status503ServiceUnavailable, "unavailable", "Service Unavailable");
    public static readonly ProblemKind UnexpectedError = new(StatusCodes.Status500InternalServerError, "unexpected-error", "Unexpected error");
    public static readonly ProblemKind ClientError = new(StatusCodes.Status400BadRequest, "client-error", "Client error");

    /// <summary>The kind of a problem ASP.NET Core writes itself (status-code pages, the rate limiter's bare 429), by status.</summary>
    public static ProblemKind ForStatus(int status) => status switch
    {
        400 => BadRequest,
        404 => NotFound,
        405 => MethodNotAllowed,
        413 => TooLarge,
        415 => UnsupportedMediaType,
        429 => RateLimited,
        503 => Unavailable,
        _ => status >= 500 ? UnexpectedError : ClientError,
    };
}
