using DigitApi.Common;
using DigitApi.Inference;
using Microsoft.Extensions.Options;

namespace DigitApi.Hosting;

/// <summary>How long a stopping replica waits for accepted requests to finish.</summary>
public sealed class ShutdownOptions
{
    public const string SectionName = "Shutdown";

    public int DrainTimeoutSeconds { get; set; } = 25;
}

/// <summary>Counts the requests being served, so that shutdown can wait for them.</summary>
public sealed class InFlightRequests
{
    private int _count;
    private TaskCompletionSource _idle = NewIdleSignal(completed: true);

    public int Count => Volatile.Read(ref _count);

    public void Enter()
    {
        if (Interlocked.Increment(ref _count) == 1)
        {
            Interlocked.Exchange(ref _idle, NewIdleSignal(completed: false));
        }
    }

    public void Exit()
    {
        if (Interlocked.Decrement(ref _count) == 0)
        {
            Volatile.Read(ref _idle).TrySetResult();
        }
    }

    /// <summary>Completes when no request is in flight, or when the timeout passes.</summary>
    public async Task<bool> WaitForIdleAsync(TimeSpan timeout)
    {
        while (Count > 0)
        {
            var idle = Volatile.Read(ref _idle).Task;
            if (await Task.WhenAny(idle, Task.Delay(timeout)) != idle)
            {
                return false;
            }
        }

        return true;
    }

    private static TaskCompletionSource NewIdleSignal(bool completed)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            signal.SetResult();
        }

        return signal;
    }
}

/// <summary>
/// On SIGTERM (ApplicationStopping): readiness turns unhealthy at once and new requests get 503 with
/// Retry-After and Connection: close; every request already accepted is served to the end, bounded by
/// <see cref="ShutdownOptions.DrainTimeoutSeconds"/>; only then are the models unloaded.
/// </summary>
public sealed partial class GracefulShutdown(
    InFlightRequests inFlight,
    ModelRegistry registry,
    IHostApplicationLifetime lifetime,
    IOptions<ShutdownOptions> options,
    ILogger<GracefulShutdown> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopping.Register(registry.BeginShutdown);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var pending = inFlight.Count;
        var drained = await inFlight.WaitForIdleAsync(TimeSpan.FromSeconds(options.Value.DrainTimeoutSeconds));
        LogDrained(logger, pending, drained);
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Shutdown: {Pending} request(s) were in flight; drained: {Drained}")]
    private static partial void LogDrained(ILogger logger, int pending, bool drained);
}

public static class GracefulShutdownExtensions
{
    /// <summary>Register after the inference services: hosted services stop in reverse order, so the drain runs before the models unload.</summary>
    public static IServiceCollection AddGracefulShutdown(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ShutdownOptions>().BindConfiguration(ShutdownOptions.SectionName);
        var drain = configuration.GetValue(ShutdownOptions.SectionName + ":" + nameof(ShutdownOptions.DrainTimeoutSeconds), new ShutdownOptions().DrainTimeoutSeconds);
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(drain + 5));
        services.AddSingleton<InFlightRequests>();
        services.AddHostedService<GracefulShutdown>();
        return services;
    }

    /// <summary>Tracks every request; refuses new ones once stopping began (probes and scrapes still answer).</summary>
    public static IApplicationBuilder UseGracefulShutdown(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Is<InfrastructureEndpoint>())
        {
            await next(context);
            return;
        }

        var inFlight = context.RequestServices.GetRequiredService<InFlightRequests>();
        inFlight.Enter();
        try
        {
            if (context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested)
            {
                await ErrorResponses.WriteAsync(context, ProblemKinds.ShuttingDown,
                    "This replica is shutting down and accepts no new work; retry, and another replica will answer.", retryAfterSeconds: 5);
                return;
            }

            await next(context);
        }
        finally
        {
            inFlight.Exit();
        }
    });
}
