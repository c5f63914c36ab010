using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace DigitApi.Inference;

/// <summary>Creates ONNX Runtime sessions on the configured execution provider, with the CPU fallback DESIGN.md decides.</summary>
public sealed partial class SessionFactory(IOptions<InferenceOptions> options, ILogger<SessionFactory> logger)
{
    private readonly InferenceOptions _options = options.Value;

    // Asked once, before the first session: what the CUDA provider lacks here, if anything.
    private readonly Lazy<string?> _cudaMissing = new(() => CudaProbe.FindMissing(options.Value.DeviceId));

    // Set once CUDA is known not to serve under Provider=Auto: the other sessions go straight to CPU, unwarned.
    private volatile bool _cudaUnavailable;

    /// <summary>Creates a session and says which provider it really runs on.</summary>
    /// <exception cref="CudaUnavailableException">Provider=Cuda and the CUDA provider cannot run here.</exception>
    public (InferenceSession Session, ExecutionProvider Provider) Create(string modelPath)
    {
        if (_options.Provider != ExecutionProvider.Cpu && !_cudaUnavailable)
        {
            if (_cudaMissing.Value is { } missing)
            {
                CudaUnavailable($"Missing: {missing}");
            }
            else
            {
                try
                {
                    using var cudaOptions = CreateOptions(cuda: true);
                    return (new InferenceSession(modelPath, cudaOptions), ExecutionProvider.Cuda);
                }
                catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException or OnnxRuntimeException)
                {
                    CudaUnavailable($"ONNX Runtime could not start it for {Path.GetFileName(modelPath)}: {ex.Message}");
                }
            }
        }

        using var cpuOptions = CreateOptions(cuda: false);
        return (new InferenceSession(modelPath, cpuOptions), ExecutionProvider.Cpu);
    }

    /// <summary>Provider=Cuda: stops here. Provider=Auto: one warning, then CPU for every session.</summary>
    private void CudaUnavailable(string reason)
    {
        if (_options.Provider == ExecutionProvider.Cuda)
        {
            throw new CudaUnavailableException(reason);
        }

        _cudaUnavailable = true;
        LogCudaFallback(logger, reason);
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
                using var provider = new OrtCUDAProviderOptions();
                provider.UpdateOptions(_options.CudaProviderOptions());
                options.AppendExecutionProvider_CUDA(provider);
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
        Message = "Inference:Provider is Auto and the CUDA execution provider cannot run here, so the models run on CPU. {Reason:l}")]
    private static partial void LogCudaFallback(ILogger logger, string reason);
}
