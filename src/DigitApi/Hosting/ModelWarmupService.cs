using System.Diagnostics;
using System.Reflection;
using DigitApi.Imaging;
using DigitApi.Inference;

namespace DigitApi.Hosting;

/// <summary>
/// Loads every model at startup and proves it right before the service reports ready: a small set of
/// known digits, embedded in this assembly, goes through the full pipeline (decode, normalise, infer)
/// and must come out as labelled. A broken model file or preprocessing bug keeps the service unready
/// instead of serving wrong answers. It joins Imaging and Inference, so it lives here with the rest of the
/// composition, and neither of them depends on the other.
/// </summary>
public sealed partial class ModelWarmupService(
    ModelRegistry registry,
    DigitPreprocessor preprocessor,
    IHostApplicationLifetime lifetime,
    ILogger<ModelWarmupService> logger) : IHostedService
{
    private const string ResourcePrefix = "DigitApi.Inference.WarmupDigits.";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        // The warm-up digits are decoded and normalised on another core while the models load.
        var warmupDigits = Task.Run(() => LoadWarmupDigits(preprocessor), cancellationToken);
        try
        {
            registry.Load();
        }
        catch (CudaUnavailableException ex)
        {
            // A configuration this machine cannot serve: one line that says what to fix, exit code 1, no stack
            // trace, never ready. The host is stopped once it has started: stopping it while it starts would
            // fail the start with an exception of its own.
            LogCudaUnavailable(logger, ex.Message);
            Environment.ExitCode = 1;
            lifetime.ApplicationStarted.Register(lifetime.StopApplication);
            return Task.CompletedTask;
        }

        var digits = warmupDigits.GetAwaiter().GetResult();
        foreach (var runner in registry.Runners.ToList())
        {
            var wrong = Check(runner, digits);
            if (wrong.Count == 0)
            {
                registry.MarkWarmedUp(runner.Card.Name);
            }
            else
            {
                registry.MarkFailed(runner.Card.Name, $"warm-up check failed on {string.Join(", ", wrong)}");
            }
        }

        var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        using var process = Process.GetCurrentProcess();
        var sinceStartMs = (DateTime.Now - process.StartTime).TotalMilliseconds;
        LogStartup(logger, registry.IsReady, elapsedMs, sinceStartMs);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        registry.BeginShutdown();
        await registry.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The embedded known digits, each run through the real decoder and normaliser.</summary>
    public static List<(string Name, int Label, float[] Pixels)> LoadWarmupDigits(DigitPreprocessor preprocessor)
    {
        var assembly = Assembly.GetExecutingAssembly();
        var digits = new List<(string, int, float[])>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order())
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var name = resource[ResourcePrefix.Length..];
            // Files are named "<label>-<what>.png".
            var label = name[0] - '0';
            digits.Add((name, label, preprocessor.Prepare(buffer.ToArray()).Pixels));
        }

        return digits;
    }

    // One digit at a time, each awaited: the queue may be as short as one job (Inference:QueueCapacity), and
    // nothing else is queued while the service is not ready.
    private static List<string> Check(ModelRunner runner, List<(string Name, int Label, float[] Pixels)> digits)
    {
        var wrong = new List<string>();
        foreach (var (name, label, pixels) in digits)
        {
            var logits = runner.RunAsync(DigitClassifier.ToTensor(runner.Card, [pixels]), 1, CancellationToken.None).GetAwaiter().GetResult();
            var predicted = Prediction.TopOf(logits);
            if (predicted != label)
            {
                wrong.Add($"{name} (got {predicted})");
            }
        }

        return wrong;
    }

    [LoggerMessage(EventId = 11, Level = LogLevel.Critical, Message = "{Reason:l} The service stops.")]
    private static partial void LogCudaUnavailable(ILogger logger, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information,
        Message = "Models loaded and warmed up: ready={Ready} in {ElapsedMs:F0} ms ({SinceProcessStartMs:F0} ms since process start)")]
    private static partial void LogStartup(ILogger logger, bool ready, double elapsedMs, double sinceProcessStartMs);
}

public static class ModelWarmup
{
    /// <summary>Loads the models at startup and marks each ready once it reads the known digits right (<see cref="ModelWarmupService"/>).</summary>
    public static IServiceCollection AddModelWarmup(this IServiceCollection services) => services.AddHostedService<ModelWarmupService>();
}
