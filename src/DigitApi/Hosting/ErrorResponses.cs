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
        context.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        if (retryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }
}
