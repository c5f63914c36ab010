using System.Threading.RateLimiting;
using DigitApi.Hosting;
using DigitApi.Inference;
using Microsoft.Extensions.Options;

namespace DigitApi.Admission;

/// <summary>
/// Sheds load at the door: beyond the configured concurrency and waiting line, an inference request is
/// refused with 503 and Retry-After before its body is read or decoded, so that overload costs almost no CPU
/// and the requests already admitted keep a bounded latency. The model queues behind it
/// (<c>Inference:QueueCapacity</c>) remain the last line.
/// </summary>
public sealed class AdmissionControl : IDisposable
{
    private readonly ConcurrencyLimiter _limiter;
    private readonly InferenceMetrics _metrics;

    public AdmissionControl(IOptions<AdmissionOptions> options, InferenceMetrics metrics)
    {
        _metrics = metrics;
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = options.Value.EffectiveMaxConcurrentRequests,
            QueueLimit = options.Value.EffectiveQueueLength,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    /// <summary>Requests waiting for a turn now.</summary>
    public long Waiting => _limiter.GetStatistics()?.CurrentQueuedCount ?? 0;

    public static bool Applies(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && (request.Path.StartsWithSegments("/predict") || request.Path.StartsWithSegments("/v2/models"));

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!Applies(context.Request))
        {
            await next(context);
            return;
        }

        RateLimitLease lease;
        try
        {
            lease = await _limiter.AcquireAsync(1, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            _metrics.Rejected("all", "client_gone");
            return; // The client left while waiting: nobody to answer.
        }

        using (lease)
        {
            if (!lease.IsAcquired)
            {
                _metrics.Rejected("all", "admission");
                await ErrorResponses.WriteAsync(context, ProblemHandling.Create(
                    StatusCodes.Status503ServiceUnavailable, "overloaded", "Service overloaded",
                    "The service is at capacity and its waiting line is full. Retry after 1 s."), retryAfterSeconds: 1);
                return;
            }

            await next(context);
        }
    }

    public void Dispose() => _limiter.Dispose();
}

public static class AdmissionExtensions
{
    public static IServiceCollection AddAdmissionControl(this IServiceCollection services)
    {
        services.AddOptions<AdmissionOptions>().BindConfiguration(AdmissionOptions.SectionName)
            .Validate(o => o.MaxConcurrentRequests >= 0 && o.QueueLength >= 0, "Admission:MaxConcurrentRequests and QueueLength must not be negative.")
            .ValidateOnStart();
        services.AddSingleton<AdmissionControl>();
        return services;
    }

    public static IApplicationBuilder UseAdmissionControl(this IApplicationBuilder app)
    {
        var admission = app.ApplicationServices.GetRequiredService<AdmissionControl>();
        return app.Use((context, next) => admission.InvokeAsync(context, next));
    }
}
