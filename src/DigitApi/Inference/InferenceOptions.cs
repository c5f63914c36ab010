using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace DigitApi.Inference;

public enum ExecutionProvider
{
    /// <summary>CUDA if the CUDA provider loads, otherwise CPU with a warning.</summary>
    Auto,
    Cpu,

    /// <summary>CUDA or nothing: startup fails when it cannot be loaded.</summary>
    Cuda,
}

/// <summary>Model loading, execution provider and batching; section <c>Inference</c>.</summary>
public sealed class InferenceOptions
{
    public const string SectionName = "Inference";

    /// <summary>Folder holding manifest.json and the .onnx files; relative paths start at the app's folder.</summary>
    [Required]
    public string ModelsPath { get; set; } = "models";

    public ExecutionProvider Provider { get; set; } = ExecutionProvider.Cpu;

    [Range(0, 64)]
    public int DeviceId { get; set; }

    /// <summary>
    /// Inference workers (each with its own session and buffers) per model; 0 = one per core the process may use
    /// on CPU (<see cref="Environment.ProcessorCount"/>, which follows the container's CPU quota), 2 on CUDA
    /// (one runs while the next batch fills: a GPU gains from fewer, larger batches).
    /// </summary>
    [Range(0, 256)]
    public int WorkersPerModel { get; set; }

    /// <summary>ONNX Runtime intra-op threads per session; 0 = 1 on CPU (parallelism comes from workers).</summary>
    [Range(0, 256)]
    public int IntraOpThreads { get; set; }

    /// <summary>Let idle ONNX Runtime threads spin; off, because spinning steals the cores HTTP needs.</summary>
    public bool AllowSpinning { get; set; }

    /// <summary>Most rows one inference may carry (dynamic batching).</summary>
    [Range(1, 4096)]
    public int MaxBatchSize { get; set; } = 64;

    /// <summary>
    /// How long a worker waits for more requests to fill a batch; 0 = never wait. Unset: 0 on CPU, where a
    /// batch of one costs little more per row than a full one, and 2 ms on CUDA, where it costs as much.
    /// </summary>
    [Range(0, 1000)]
    public double? MaxQueueDelayMilliseconds { get; set; }

    /// <summary>Run through an ONNX Runtime IoBinding; unset: on CUDA only.</summary>
    public bool? IoBinding { get; set; }

    /// <summary>Requests waiting per model before new ones are refused with 503.</summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 1024;

    /// <summary>
    /// Options of ONNX Runtime's CUDA execution provider, by ONNX Runtime's names, passed on as they are (device_id
    /// comes from <see cref="DeviceId"/>). The default chooses cuDNN's convolution algorithms by its heuristics rather
    /// than by timing every one (ONNX Runtime's default, EXHAUSTIVE): batches come in every size from 1 to
    /// <see cref="MaxBatchSize"/>, and each new size would be timed while requests wait.
    /// </summary>
    public Dictionary<string, string> Cuda { get; set; } = new() { ["cudnn_conv_algo_search"] = "HEURISTIC" };

    /// <summary>ORT_DISABLE_ALL, ORT_ENABLE_BASIC, ORT_ENABLE_EXTENDED or ORT_ENABLE_ALL.</summary>
    public string GraphOptimizationLevel { get; set; } = "ORT_ENABLE_ALL";

    /// <summary>Seconds suggested to clients in Retry-After when a queue is full.</summary>
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>Default queue delay on CUDA.</summary>
    public const double CudaQueueDelayMilliseconds = 2;

    public int WorkersFor(ExecutionProvider provider) =>
        WorkersPerModel > 0 ? WorkersPerModel : provider == ExecutionProvider.Cuda ? 2 : Environment.ProcessorCount;

    public TimeSpan QueueDelayFor(ExecutionProvider provider) =>
        TimeSpan.FromMilliseconds(MaxQueueDelayMilliseconds ?? (provider == ExecutionProvider.Cuda ? CudaQueueDelayMilliseconds : 0));

    public bool BindsIo(ExecutionProvider provider) => IoBinding ?? provider == ExecutionProvider.Cuda;

    /// <summary>What ONNX Runtime's CUDA provider is given: <see cref="Cuda"/>, with device_id from <see cref="DeviceId"/>.</summary>
    public Dictionary<string, string> CudaProviderOptions() =>
        new(Cuda) { ["device_id"] = DeviceId.ToString(CultureInfo.InvariantCulture) };

    public int EffectiveIntraOpThreads => IntraOpThreads > 0 ? IntraOpThreads : 1;
}
