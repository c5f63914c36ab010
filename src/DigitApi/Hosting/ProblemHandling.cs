using System.Diagnostics;
using DigitApi.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace DigitApi.Hosting;

/// <summary>
/// The one way from a failure to its RFC 7807 answer. An expected failure is a <see cref="DigitApiException"/>
/// of one of the <see cref="ProblemKinds"/>: handlers return it (<see cref="ToResult"/>), and one thrown
/// elsewhere reaches <see cref="ProblemExceptionHandler"/>, which writes the same answer.
/// </summary>
public static class ProblemHandling
{
    /// <summary>RFC 7807 bodies for every error, with a trace id and never a stack trace.</summary>
    public static IServiceCollection AddDigitApiProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Extensions.TryAdd("traceId", Activity.Current?.Id ?? context.HttpContext.TraceIdentifier);
            // A problem ASP.NET Core writes itself keeps its title and gets the type of its status.
            if (context.ProblemDetails.Type is null or "" || context.ProblemDetails.Type.StartsWith("https://tools.ietf.org", StringComparison.Ordinal))
            {
                context.ProblemDetails.Type = ProblemKinds.ForStatus(context.ProblemDetails.Status ?? 500).Type;
            }
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        return services;
    }

    /// <summary>An expected failure as a handler's result: its ProblemDetails, and its Retry-After and Connection headers.</summary>
    public static ProblemHttpResult ToResult(this DigitApiException error, HttpContext context)
    {
        ErrorResponses.SetStatus(context.Response, error);
        return TypedResults.Problem(error.ToProblemDetails());
    }
}

/// <summary>Answers an exception no handler returned: an expected failure as its own problem, anything else a bare 500.</summary>
public sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (httpContext.RequestAborted.IsCancellationRequested)
        {
            return true; // The client has gone (a cancelled read or a reset connection); there is nobody to answer.
        }

        var problem = Describe(exception);
        if (exception is DigitApiException error)
        {
            ErrorResponses.SetStatus(httpContext.Response, error);
        }
        else
        {
            if (problem.Status >= 500)
            {
                LogUnhandled(logger, exception, httpContext.Request.Path);
            }

            ErrorResponses.SetStatus(httpContext.Response, problem.Status!.Value);
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    private static ProblemDetails Describe(Exception exception)
    {
        switch (exception)
        {
            case DigitApiException error:
                return error.ToProblemDetails();
            case BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }:
                return ProblemKinds.TooLarge.With("The request body is larger than the service accepts.");
            case BadHttpRequestException error:
                var problem = ProblemKinds.BadRequest.With($"The request could not be read: {error.Message}");
                problem.Status = error.StatusCode; // Kestrel's own status (400, 408, 431, ...)
                return problem;
            default:
                return ProblemKinds.UnexpectedError.With("The server failed to handle the request. It has been logged; quote the traceId if you report it.");
        }
    }

    [LoggerMessage(EventId = 50, Level = LogLevel.Error, Message = "Unhandled error on {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string path);
}
