using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace DigitApi.Inference;

/// <summary>The loaded models, their state, and whether the service as a whole is ready.</summary>
public sealed partial class ModelRegistry(
    ModelCatalog catalog,
    SessionFactory sessions,
    IOptions<InferenceOptions> options,
    InferenceMetrics metrics,
    ILogger<ModelRegistry> logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ModelRunner> _runners = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _failures = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _warmedUp = new(StringComparer.OrdinalIgnoreCase);
    private volatile bool _loaded;
    private volatile bool _stopping;

    /// <summary>Every model is loaded and warmed up, and the service is not shutting down.</summary>
    public bool IsReady => _loaded && !_stopping && _failures.Count == 0 && _warmedUp.Count == catalog.Cards.Count;

    public bool IsStopping => _stopping;

    /// <summary>The model is loaded, has passed its warm-up check, and the service is not shutting down.</summary>
    public bool IsModelReady(string model) => _loaded && !_stopping && !_failures.ContainsKey(model) && _warmedUp.Contains(model);

    /// <summary>Why a model is unavailable, by model name.</summary>
    public IReadOnlyDictionary<string, string> Failures => _failures;

    public IEnumerable<ModelRunner> Runners => _runners.Values;

    /// <summary>Creates the sessions of every model. A broken model file marks that model failed; a provider
    /// that cannot be had (Provider=Cuda without CUDA) throws, so that startup stops.</summary>
    public void Load()
    {
        // ProcessorCount honours the container's CPU quota (cgroup cpu.max), rounded up: the pool is sized from it.
        // The gen-0 budget is set from outside (DOTNET_GCgen0size in the container); the log shows whether it took.
        var gen0Budget = GC.GetConfigurationVariables().TryGetValue("GCGen0MaxBudget", out var budget) ? Convert.ToInt64(budget) : 0;
        LogCpu(logger, Environment.ProcessorCount, System.Runtime.GCSettings.IsServerGC ? "server" : "workstation",
            gen0Budget / (1024.0 * 1024), options.Value.EffectiveIntraOpThreads, options.Value.AllowSpinning);
        foreach (var card in catalog.Cards)
        {
            var started = Stopwatch.GetTimestamp();
            if (!catalog.HasIntactFile(card))
            {
                MarkFailed(card.Name, $"'{card.File}' is missing or its sha256 does not match the model card");
                continue;
            }

            try
            {
                var runner = new ModelRunner(card, catalog.PathOf(card), sessions, options.Value, metrics);
                _runners[card.Name] = runner;
                var elapsed = Stopwatch.GetElapsedTime(started);
                metrics.Loaded(card.Name, elapsed);
                var bindsIo = options.Value.BindsIo(runner.Provider);
                LogLoaded(logger, card.Name, runner.Provider, runner.Workers, options.Value.EffectiveIntraOpThreads,
                    runner.QueueDelay.TotalMilliseconds, bindsIo, elapsed.TotalMilliseconds);
            }
            catch (Microsoft.ML.OnnxRuntime.OnnxRuntimeException ex)
            {
                MarkFailed(card.Name, $"ONNX Runtime could not load '{card.File}': {ex.Message}");
            }
        }

        metrics.QueueDepth = () => _runners.Values.Select(r => new Measurement<int>(r.QueuedRows, new KeyValuePair<string, object?>("model", r.Card.Name)));
        _loaded = true;
    }

    public void MarkWarmedUp(string model) => _warmedUp.Add(model);

    public void MarkFailed(string model, string reason)
    {
        _failures[model] = reason;
        LogFailed(logger, model, reason);
    }

    /// <summary>Readiness turns false at once; queued work still completes.</summary>
    public void BeginShutdown() => _stopping = true;

    /// <summary>The runner of a single model that is loaded and healthy.</summary>
    /// <exception cref="ModelUnavailableException">Not loaded, or failed.</exception>
    /// <remarks>While shutting down, requests already accepted still get their runner: they are drained, not dropped.</remarks>
    public ModelRunner Get(string name)
    {
        if (_failures.TryGetValue(name, out var reason))
        {
            throw new ModelUnavailableException($"The '{name}' model is unavailable: {reason}.", 30);
        }

        return _runners.TryGetValue(name, out var runner)
            ? runner
            : throw new ModelUnavailableException($"The '{name}' model is still loading.");
    }

    /// <summary>Like <see cref="Get"/>, but also for a model that is loaded and not yet warmed up.</summary>
    internal ModelRunner? GetForWarmup(string name) => _runners.GetValueOrDefault(name);

    public async ValueTask DisposeAsync()
    {
        foreach (var name in _runners.Keys.ToList())
        {
            if (_runners.TryRemove(name, out var runner))
            {
                await runner.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Loaded model {Model} on {Provider}: {Workers} workers x {IntraOpThreads} intra-op threads, queue delay {QueueDelayMs} ms, IoBinding {IoBinding}, in {ElapsedMs:F0} ms")]
    private static partial void LogLoaded(ILogger logger, string model, ExecutionProvider provider, int workers, int intraOpThreads, double queueDelayMs, bool ioBinding, double elapsedMs);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information,
        Message = "CPU: {ProcessorCount} cores available to this process, {GcMode} GC with a {Gen0BudgetMb:F0} MB gen-0 budget; ONNX Runtime: {IntraOpThreads} intra-op threads per session, spinning {Spinning}")]
    private static partial void LogCpu(ILogger logger, int processorCount, string gcMode, double gen0BudgetMb, int intraOpThreads, bool spinning);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Model {Model} is unavailable: {Reason}")]
    private static partial void LogFailed(ILogger logger, string model, string reason);
}
