using System.Diagnostics;
using DigitApi.Common;
using DigitApi.Imaging;
using DigitApi.Inference;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace DigitApi.Hosting;

public static class ProblemHandling
{
    /// <summary>Prefix of every problem <c>type</c>; the kinds are listed in docs/api.md.</summary>
    public const string TypePrefix = "/problems/";

    /// <summary>RFC 7807 bodies for every error, with a trace id and never a stack trace.</summary>
    public static IServiceCollection AddDigitApiProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Extensions.TryAdd("traceId", Activity.Current?.Id ?? context.HttpContext.TraceIdentifier);
            if (context.ProblemDetails.Type is null or "" || context.ProblemDetails.Type.StartsWith("https://tools.ietf.org", StringComparison.Ordinal))
            {
                context.ProblemDetails.Type = TypePrefix + KindOf(context.ProblemDetails.Status ?? 500);
            }
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        return services;
    }

    public static ProblemDetails Create(int status, string kind, string title, string detail) =>
        new() { Status = status, Type = TypePrefix + kind, Title = title, Detail = detail };

    /// <summary>The problem a rejected image becomes.</summary>
    public static ProblemDetails FromRejection(ImageRejectedException rejection) => rejection.Reason switch
    {
        ImageRejection.UnsupportedFormat => Create(StatusCodes.Status415UnsupportedMediaType, "unsupported-image-format", "Unsupported image format", rejection.Message),
        ImageRejection.Undecodable => Create(StatusCodes.Status400BadRequest, "undecodable-image", "The image could not be decoded", rejection.Message),
        ImageRejection.TooLarge => Create(StatusCodes.Status413PayloadTooLarge, "image-too-large", "Image too large", rejection.Message),
        ImageRejection.TooCostly => Create(StatusCodes.Status422UnprocessableEntity, "image-too-costly", "Image too costly to decode", rejection.Message),
        _ => Create(StatusCodes.Status422UnprocessableEntity, "no-digit-found", "No digit found", rejection.Message),
    };

    /// <summary>
    /// An upload with ink that does not look like a digit: 422 with the best guess as extension members
    /// (<c>digit</c>, <c>confidence</c>, <c>notADigitScore</c>, <c>model</c>).
    /// </summary>
    public static ProblemDetails NotADigit(Prediction guess, string what = "The image")
    {
        var problem = NotADigit($"{what} does not look like a handwritten digit. Send a photo, scan or drawing of one digit 0-9, cropped to it");
        problem.Extensions["digit"] = guess.Digit;
        problem.Extensions["confidence"] = guess.Confidence;
        problem.Extensions["notADigitScore"] = guess.NotADigitScore;
        problem.Extensions["model"] = guess.Model;
        return problem;
    }

    /// <summary>Ink that does not look like a digit; the detail says what it was, and the caller adds the best guess.</summary>
    public static ProblemDetails NotADigit(string detail) =>
        Create(StatusCodes.Status422UnprocessableEntity, "not-a-digit", "Not a digit",
            $"{detail}; add {AlwaysAnswerQuery}=true to get the best guess anyway, flagged uncertain.");

    /// <summary>The query flag that turns a not-a-digit answer into a 200 flagged uncertain.</summary>
    public const string AlwaysAnswerQuery = "alwaysAnswer";

    public static ProblemDetails FromException(DigitApiException error) => Create(error.StatusCode, error.Kind, error.Title, error.Message);

    private static string KindOf(int status) => status switch
    {
        400 => "bad-request",
        404 => "not-found",
        405 => "method-not-allowed",
        413 => "too-large",
        415 => "unsupported-media-type",
        429 => "rate-limited",
        503 => "unavailable",
        _ => status >= 500 ? "unexpected-error" : "client-error",
    };
}

/// <summary>Turns expected failures into their ProblemDetails, and anything else into a bare 500.</summary>
public sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (httpContext.RequestAborted.IsCancellationRequested)
        {
            return true; // The client has gone (a cancelled read or a reset connection); there is nobody to answer.
        }

        var (problem, retryAfter) = exception switch
        {
            DigitApiException e => (ProblemHandling.FromException(e), e.RetryAfterSeconds),
            ImageRejectedException e => (ProblemHandling.FromRejection(e), null),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                (ProblemHandling.Create(413, "too-large", "Upload too large", "The request body is larger than the service accepts."), null),
            BadHttpRequestException e => (ProblemHandling.Create(e.StatusCode, "bad-request", "Bad request", $"The request could not be read: {e.Message}"), (int?)null),
            _ => (ProblemHandling.Create(500, "unexpected-error", "Unexpected error", "The server failed to handle the request. It has been logged; quote the traceId if you report it."), null),
        };

        if (problem.Status >= 500 && exception is not DigitApiException)
        {
            LogUnhandled(logger, exception, httpContext.Request.Path);
        }

        ErrorResponses.SetStatus(httpContext.Response, problem.Status!.Value, retryAfter, exception is DigitApiException { ClosesConnection: true });

        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    [LoggerMessage(EventId = 50, Level = LogLevel.Error, Message = "Unhandled error on {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string path);
}
