using DigitApi.Common;

namespace DigitApi.Hosting;

/// <summary>
/// The status line and headers of every error answer, and the writer for errors refused by middleware (outside
/// any endpoint): ProblemDetails through the problem-details service, with a trace id.
/// </summary>
public static class ErrorResponses
{
    /// <param name="context">The request being refused.</param>
    /// <param name="problem">The kind of problem.</param>
    /// <param name="detail">What happened and what to do.</param>
    /// <param name="retryAfterSeconds">Sent as <c>Retry-After</c> when given (overload, rate limit, shutdown).</param>
    public static Task WriteAsync(HttpContext context, ProblemKind problem, string detail, int? retryAfterSeconds = null)
    {
        SetStatus(context.Response, problem.Status, retryAfterSeconds, problem.ClosesConnection);
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        return problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem.With(detail) }).AsTask();
    }

    /// <summary>An expected failure refused by middleware.</summary>
    public static Task WriteAsync(HttpContext context, DigitApiException error) =>
        WriteAsync(context, error.Problem, error.Message, error.RetryAfterSeconds);

    /// <summary>The status line and headers of an expected failure's answer.</summary>
    public static void SetStatus(HttpResponse response, DigitApiException error) =>
        SetStatus(response, error.Problem.Status, error.RetryAfterSeconds, error.Problem.ClosesConnection);

    /// <param name="response">The response, not yet started.</param>
    /// <param name="status">The HTTP status.</param>
    /// <param name="retryAfterSeconds">Sent as <c>Retry-After</c> when given.</param>
    /// <param name="closeConnection">Ends the connection after the answer (a body left unread, e.g. a stalled upload).</param>
    public static void SetStatus(HttpResponse response, int status, int? retryAfterSeconds = null, bool closeConnection = false)
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
