namespace DigitApi.Inference;

/// <summary>Rows of normalised input waiting in a model's queue, and the promise of their logits.</summary>
internal sealed class InferenceJob(float[] input, int rows, CancellationToken cancellationToken)
{
    private readonly TaskCompletionSource<float[]> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public float[] Input { get; } = input;

    public int Rows { get; } = rows;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    public Task<float[]> Task => _completion.Task;

    public void Complete(float[] logits) => _completion.TrySetResult(logits);

    public void Cancel() => _completion.TrySetCanceled(CancellationToken);

    public void Fail(Exception error) => _completion.TrySetException(error);
}
