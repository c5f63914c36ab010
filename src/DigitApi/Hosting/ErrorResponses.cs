using Microsoft.AspNetCore.Mvc;

namespace DigitApi.Hosting;

/// <summary>Writes an error outside the endpoint pipeline (middleware): ProblemDetails, with a trace id.</summary>
public static class ErrorResponses
{
    public static async Task WriteAsync(HttpContext context, ProblemDetails problem)
    {
        context.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }
}
