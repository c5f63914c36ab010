using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace DigitApi.Inference;

/// <summary>Creates ONNX Runtime sessions on the configured execution provider, with the CPU fallback DESIGN.md decides.</summary>
public sealed partial class SessionFactory(IOptions<InferenceOptions> options, ILogger<SessionFactory> logger)
{
    private readonly InferenceOptions _options = options.Value;

    // Set once CUDA has failed to load under Provider=Auto: the other sessions go straight to CPU.
    private volatile bool _cudaUnavailable;

    /// <summary>Creates a session and says which provider it really runs on.</summary>
    /// <exception cref="InvalidOperationException">Provider=Cuda and CUDA cannot be loaded.</exception>
    public (InferenceSession Session, ExecutionProvider Provider) Create(string modelPath)
    {
        if (_options.Provider == ExecutionProvider.Cuda || (_options.Provider == ExecutionProvider.Auto && !_cudaUnavailable))
        {
            try
            {
                using var cudaOptions = CreateOptions(cuda: true);
                return (new InferenceSession(modelPath, cudaOptions), ExecutionProvider.Cuda);
            }
            catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException or OnnxRuntimeException)
            {
                if (_options.Provider == ExecutionProvider.Cuda)
                {
                    throw new InvalidOperationException(
                        $"Inference:Provider is Cuda but the CUDA execution provider cannot be loaded ({ex.GetType().Name}: {ex.Message}). "
                        + "Run the GPU image (built with -p:OnnxRuntimeFlavor=Gpu) on a host with an NVIDIA driver, or set Inference:Provider to Auto or Cpu.", ex);
                }

                _cudaUnavailable = true;
                LogCudaFallback(logger, Path.GetFileName(modelPath), ex.Message);
            }
        }

        using var cpuOptions = CreateOptions(cuda: false);
        return (new InferenceSession(modelPath, cpuOptions), ExecutionProvider.Cpu);
    }

    private SessionOptions CreateOptions(bool cuda)
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = Enum.Parse<GraphOptimizationLevel>(_options.GraphOptimizationLevel, ignoreCase: true),
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = _options.EffectiveIntraOpThreads,
            InterOpNumThreads = 1,
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", _options.AllowSpinning ? "1" : "0");
        options.AddSessionConfigEntry("session.inter_op.allow_spinning", _options.AllowSpinning ? "1" : "0");
        if (cuda)
        {
            try
            {
                options.AppendExecutionProvider_CUDA(_options.DeviceId);
            }
            catch
            {
                options.Dispose();
                throw;
            }
        }

        return options;
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning,
        Message = "CUDA is not available for {Model} ({Reason}); Inference:Provider=Auto falls back to CPU")]
    private static partial void LogCudaFallback(ILogger logger, string model, string reason);
}
