using Microsoft.AspNetCore.WebUtilities;

namespace DigitApi.OpenInference;

/// <summary>
/// Every error under /v2 in the protocol's shape, <c>{"error": "..."}</c>, instead of ProblemDetails:
/// the exception handler, status-code pages, rate limiting, API keys and shutdown all write their
/// errors through the problem-details service, and this writer comes before the default one. Decided by the
/// group's prefix rather than endpoint metadata, because a path under /v2 that matches no endpoint (404, 405)
/// has no metadata and must still answer in the protocol's shape.
/// </summary>
public sealed class OpenInferenceErrorWriter : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => context.HttpContext.Request.Path.StartsWithSegments(OpenInferenceEndpoints.Prefix);

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var request = context.HttpContext.Request;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        var message = problem.Detail
            ?? $"{problem.Title ?? ReasonPhrases.GetReasonPhrase(status)}: {request.Method} {request.Path}";
        context.HttpContext.Response.StatusCode = status;
        return new ValueTask(context.HttpContext.Response.WriteAsJsonAsync(new InferenceError(message)));
    }
}
