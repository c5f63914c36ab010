using Microsoft.AspNetCore.Mvc;

namespace DigitApi.Hosting;

/// <summary>Writes an error outside the endpoint pipeline (middleware): ProblemDetails, with a trace id.</summary>
public static class ErrorResponses
{
    /// <param name="context">The request being refused.</param>
    /// <param name="problem">What to answer.</param>
    /// <param name="retryAfterSeconds">Sent as <c>Retry-After</c> when given (overload, rate limit, shutdown).</param>
    public static async Task WriteAsync(HttpContext context, ProblemDetails problem, int? retryAfterSeconds = null)
    {
        SetStatus(context.Response, problem.Status ?? StatusCodes.Status500InternalServerError, retryAfterSeconds);
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }

    /// <summary>The status line and headers of an error answer; every error writer goes through here.</summary>
    /// <param name="response">The response, not yet started.</param>
    /// <param name="status">The HTTP status.</param>
    /// <param name="retryAfterSeconds">Sent as <c>Retry-After</c> when given.</param>
    /// <param name="closeConnection">Ends the connection after the answer (a body left unread, e.g. a stalled upload).</param>
    public static void SetStatus(HttpResponse response, int status, int? retryAfterSeconds, bool closeConnection = false)
    {
        response.StatusCode = status;
        if (retryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (closeConnection)
        {
            response.Headers.Connection = "close";
        }
    }
}
