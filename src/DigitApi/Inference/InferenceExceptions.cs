using DigitApi.Common;

namespace DigitApi.Inference;

public sealed class UnknownModelException(string name, IEnumerable<string> known)
    : DigitApiException(ProblemKinds.UnknownModel, $"There is no model '{name}'. Use one of: {string.Join(", ", known)}.");

/// <summary>The model's queue is full: the service is overloaded and sheds load instead of queueing without limit.</summary>
public sealed class QueueFullException(string model, int retryAfterSeconds)
    : DigitApiException(ProblemKinds.Overloaded, $"The '{model}' model is at capacity. Retry after {retryAfterSeconds} s.", retryAfterSeconds);

/// <summary>The model is not loaded or failed its warm-up check, or the service is shutting down.</summary>
public sealed class ModelUnavailableException(string message, int retryAfterSeconds = 5)
    : DigitApiException(ProblemKinds.NotReady, message, retryAfterSeconds);

/// <summary>The request asks for more rows than one inference may carry.</summary>
public sealed class BatchTooLargeException(int rows, int max)
    : DigitApiException(ProblemKinds.TooManyInputs, $"{rows} inputs were sent; at most {max} fit in one request.");

/// <summary>Inference:Provider is Cuda and the CUDA execution provider cannot run here: startup stops.</summary>
public sealed class CudaUnavailableException(string reason)
    : InvalidOperationException(
        $"Inference:Provider is Cuda, but the CUDA execution provider cannot run here. {reason.TrimEnd('.')}. "
        + "To start without a GPU, set Inference:Provider to Auto (runs on CPU when CUDA is missing) or Cpu.");
