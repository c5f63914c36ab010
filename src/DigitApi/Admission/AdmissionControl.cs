using System.Threading.RateLimiting;
using DigitApi.Common;
using DigitApi.Hosting;
using DigitApi.Inference;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace DigitApi.Admission;

/// <summary>
/// Sheds load in two steps. At the door, an inference request beyond the number the service holds at once
/// (<see cref="AdmissionOptions.MaxConcurrentRequests"/> + <see cref="AdmissionOptions.QueueLength"/>) is refused
/// with 503 and Retry-After before its body is read, so that overload costs almost no CPU. Inside, a request
/// takes one of the places at work only once its body has been read (<see cref="AdmissionExtensions.AdmitAsync"/>):
/// a client that uploads slowly, or stalls, holds no place that decoding and inference need. The model queues
/// behind it (<c>Inference:QueueCapacity</c>) remain the last line.
/// </summary>
public sealed class AdmissionControl : IDisposable
{
    private readonly ConcurrencyLimiter _door;
    private readonly ConcurrencyLimiter _work;
    private readonly InferenceMetrics _metrics;

    public AdmissionControl(IOptions<AdmissionOptions> options, InferenceMetrics metrics)
    {
        _metrics = metrics;
        var (working, waiting) = (options.Value.EffectiveMaxConcurrentRequests, options.Value.EffectiveQueueLength);
        _door = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = working + waiting, QueueLimit = 0 });
        _work = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = working,
            QueueLimit = waiting,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    /// <summary>Requests read and waiting for a place at work now.</summary>
    public long Waiting => _work.GetStatistics()?.CurrentQueuedCount ?? 0;

    /// <summary>Whether another inference request would be let in now.</summary>
    public bool HasRoom => (_door.GetStatistics()?.CurrentAvailablePermits ?? 1) > 0;

    /// <summary>Inference endpoints (<see cref="EndpointConventions.AsInference"/>) wait for a turn; everything else passes.</summary>
    public static bool Applies(HttpRequest request) => request.HttpContext.Is<InferenceEndpoint>();

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!Applies(context.Request))
        {
            await next(context);
            return;
        }

        using var entry = _door.AttemptAcquire();
        if (!entry.IsAcquired)
        {
            _metrics.Rejected("all", "admission");
            await ErrorResponses.WriteAsync(context, new OverloadedException());
            return;
        }

        using var ticket = new Ticket(this);
        context.Features.Set(ticket);
        await next(context);
    }

    public void Dispose()
    {
        _door.Dispose();
        _work.Dispose();
    }

    /// <summary>A request inside the door; it takes a place at work once, and gives it back when the request ends.</summary>
    internal sealed class Ticket(AdmissionControl admission) : IDisposable
    {
        private RateLimitLease? _lease;

        public async ValueTask EnterAsync(CancellationToken cancellationToken)
        {
            if (_lease is not null)
            {
                return;
            }

            try
            {
                _lease = await admission._work.AcquireAsync(1, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                admission._metrics.Rejected("all", "client_gone");
                throw;
            }

            if (!_lease.IsAcquired)
            {
                admission._metrics.Rejected("all", "admission");
                throw new OverloadedException();
            }
        }

        public void Dispose() => _lease?.Dispose();
    }
}

/// <summary>The service is at capacity and its waiting line is full.</summary>
public sealed class OverloadedException()
    : DigitApiException(ProblemKinds.Overloaded, "The service is at capacity and its waiting line is full. Retry after 1 s.", retryAfterSeconds: 1);

/// <summary>Readiness includes room: a replica whose door is full is not ready for more traffic.</summary>
public sealed class AdmissionHealthCheck(AdmissionControl admission) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(admission.HasRoom
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("Every place for inference requests is taken (Admission:MaxConcurrentRequests + QueueLength)."));
}

public static class AdmissionExtensions
{
    public static IServiceCollection AddAdmissionControl(this IServiceCollection services)
    {
        services.AddOptions<AdmissionOptions>().BindConfiguration(AdmissionOptions.SectionName)
            .Validate(o => o.MaxConcurrentRequests >= 0 && o.QueueLength >= 0, "Admission:MaxConcurrentRequests and QueueLength must not be negative.")
            .ValidateOnStart();
        services.AddSingleton<AdmissionControl>();
        services.AddHealthChecks().AddCheck<AdmissionHealthCheck>("admission", tags: [ModelsHealthCheck.ReadyTag]);
        return services;
    }

    public static IApplicationBuilder UseAdmissionControl(this IApplicationBuilder app)
    {
        var admission = app.ApplicationServices.GetRequiredService<AdmissionControl>();
        return app.Use((context, next) => admission.InvokeAsync(context, next));
    }

    /// <summary>
    /// Takes a place among the requests at work, waiting in line for one; call it once the request's body is read.
    /// Nothing happens for requests the door does not apply to.
    /// </summary>
    /// <exception cref="OverloadedException">The waiting line is full.</exception>
    public static ValueTask AdmitAsync(this HttpContext context, CancellationToken cancellationToken) =>
        context.Features.Get<AdmissionControl.Ticket>()?.EnterAsync(cancellationToken) ?? ValueTask.CompletedTask;
}
