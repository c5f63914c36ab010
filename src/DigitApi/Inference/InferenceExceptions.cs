using DigitApi.Common;

namespace DigitApi.Inference;

public sealed class UnknownModelException(string name, IEnumerable<string> known)
    : DigitApiException($"There is no model '{name}'. Use one of: {string.Join(", ", known)}.")
{
    public override int StatusCode => StatusCodes.Status404NotFound;

    public override string Kind => "unknown-model";

    public override string Title => "Unknown model";
}

/// <summary>The model's queue is full: the service is overloaded and sheds load instead of queueing without limit.</summary>
public sealed class QueueFullException(string model, int retryAfterSeconds)
    : DigitApiException($"The '{model}' model is at capacity. Retry after {retryAfterSeconds} s.")
{
    public override int StatusCode => StatusCodes.Status503ServiceUnavailable;

    public override string Kind => "overloaded";

    public override string Title => "Service overloaded";

    public override int? RetryAfterSeconds => retryAfterSeconds;
}

/// <summary>The model is not loaded or failed its warm-up check, or the service is shutting down.</summary>
public sealed class ModelUnavailableException(string message, int retryAfterSeconds = 5) : DigitApiException(message)
{
    public override int StatusCode => StatusCodes.Status503ServiceUnavailable;

    public override string Kind => "not-ready";

    public override string Title => "Model not ready";

    public override int? RetryAfterSeconds => retryAfterSeconds;
}

/// <summary>The request asks for more rows than one inference may carry.</summary>
public sealed class BatchTooLargeException(int rows, int max)
    : DigitApiException($"{rows} inputs were sent; at most {max} fit in one request.")
{
    public override int StatusCode => StatusCodes.Status413PayloadTooLarge;

    public override string Kind => "too-many-inputs";

    public override string Title => "Too many inputs";
}

/// <summary>Inference:Provider is Cuda and the CUDA execution provider cannot run here: startup stops.</summary>
public sealed class CudaUnavailableException(string reason)
    : InvalidOperationException(
        $"Inference:Provider is Cuda, but the CUDA execution provider cannot run here. {reason.TrimEnd('.')}. "
        + "To start without a GPU, set Inference:Provider to Auto (runs on CPU when CUDA is missing) or Cpu.");
