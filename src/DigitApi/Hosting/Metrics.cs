using DigitApi.Inference;
using OpenTelemetry.Metrics;

namespace DigitApi.Hosting;

/// <summary>
/// Prometheus metrics at /metrics from System.Diagnostics.Metrics: ASP.NET Core's request instruments
/// (by route, status and model), Kestrel's connections, the rate limiter's decisions, the .NET runtime's own
/// (GC collections, pause time and heap, thread pool queue, CPU time: meter System.Runtime, read only when
/// scraped), and DigitApi's inference instruments (durations, batch sizes, queue depth, rejections, model load time).
/// </summary>
public static class Metrics
{
    public static IServiceCollection AddDigitApiMetrics(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(InferenceMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.RateLimiting", "System.Runtime")
            .AddView("http.server.request.duration", new ExplicitBucketHistogramConfiguration
            {
                Boundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
            })
            .AddPrometheusExporter());
        return services;
    }

    public static IEndpointConventionBuilder MapDigitApiMetrics(this IEndpointRouteBuilder routes) =>
        routes.MapPrometheusScrapingEndpoint("/metrics").AsInfrastructure().ExcludeFromDescription();

    /// <summary>Adds the model to this request's http.server.request.duration measurement.</summary>
    public static void TagModel(this HttpContext context, string model) =>
        context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMetricsTagsFeature>()?.Tags.Add(new("model", model));
}
