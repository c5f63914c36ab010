using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DigitApi.Inference;

/// <summary>Readiness: every model loaded and warmed up, and the service not shutting down.</summary>
public sealed class ModelsHealthCheck(ModelRegistry registry) : IHealthCheck
{
    public const string ReadyTag = "ready";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (registry.IsReady)
        {
            return Task.FromResult(HealthCheckResult.Healthy("All models loaded and warmed up."));
        }

        var reason = registry.IsStopping ? "shutting down"
            : registry.Failures.Count > 0 ? string.Join("; ", registry.Failures.Select(f => $"{f.Key}: {f.Value}"))
            : "loading models";
        return Task.FromResult(HealthCheckResult.Unhealthy(reason));
    }
}
