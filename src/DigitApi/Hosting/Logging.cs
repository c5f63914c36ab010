using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace DigitApi.Hosting;

public static class Logging
{
    /// <summary>Serilog under ILogger: readable console in Development, compact JSON elsewhere.</summary>
    public static WebApplicationBuilder AddDigitApiLogging(this WebApplicationBuilder builder)
    {
        var development = builder.Environment.IsDevelopment();
        builder.Services.AddSerilog((services, logger) =>
        {
            logger.ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext()
                .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning);
            // Console writes happen on the async sink's own thread, not on the request's (one line per request
            // at thousands of requests per second); the sink flushes when the host disposes the logger.
            if (development)
            {
                logger.WriteTo.Async(sink => sink.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}"));
            }
            else
            {
                logger.WriteTo.Async(sink => sink.Console(new RenderedCompactJsonFormatter()));
            }
        }, preserveStaticLogger: true); // each host owns its logger: disposing one never closes another's (Serilog's static Log is not used)
        return builder;
    }

    /// <summary>
    /// One line per request: method, path, status, elapsed, and the model and digit when there is one.
    /// Answered requests log at Debug (at thousands per second the line costs a fifth of a small request's
    /// CPU; /metrics counts them), refused ones at Information, overload at Warning, failures at Error.
    /// </summary>
    public static IApplicationBuilder UseDigitApiRequestLogging(this IApplicationBuilder app) =>
        app.UseSerilogRequestLogging(options =>
        {
            options.Logger = app.ApplicationServices.GetRequiredService<Serilog.ILogger>(); // the host's own, not Serilog's static Log
            options.MessageTemplate = "HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0} ms";
            options.GetLevel = (context, _, error) => RequestLevel(context, error);
        });

    internal static LogEventLevel RequestLevel(HttpContext context, Exception? error)
    {
        var status = context.Response.StatusCode;
        return error is not null || (status >= 500 && status != 503) ? LogEventLevel.Error
            // Overload and shutdown (503) are the service protecting itself, not failing.
            : status == 503 ? LogEventLevel.Warning
            : status >= 400 ? LogEventLevel.Information
            : context.Is<InfrastructureEndpoint>() ? LogEventLevel.Verbose
                : LogEventLevel.Debug;
    }
}
