using DigitApi.Hosting;
using DigitApi.Inference;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace DigitApi.Endpoints;

public static class HealthEndpoints
{
    /// <summary>The readiness probe's path, also asked by the container's health check (<see cref="HealthProbe"/>).</summary>
    public const string ReadyPath = "/health/ready";

    /// <summary>Liveness (the process answers) and readiness (models loaded and warmed up).</summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false })
            .AsInfrastructure().WithTags("Health").WithSummary("Liveness: 200 while the process runs");
        routes.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = c => c.Tags.Contains(ModelsHealthCheck.ReadyTag) })
            .AsInfrastructure().WithTags("Health").WithSummary("Readiness: 200 once every model is loaded and has passed its warm-up check");
        return routes;
    }
}
