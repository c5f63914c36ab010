using DigitApi.Inference;
using Microsoft.Extensions.Options;

namespace DigitApi.OpenInference;

/// <summary>
/// Runs already-normalised tensors through a model, in batches of at most Inference:MaxBatchSize rows,
/// and returns logits and probabilities. The ensemble's probabilities are its members' mean softmax,
/// and its logits their logarithm: the logits whose softmax gives those probabilities.
/// </summary>
public sealed class TensorInference(DigitClassifier classifier, ModelCatalog catalog, IOptions<InferenceOptions> options)
{
    private readonly int _maxBatch = options.Value.MaxBatchSize;

    public async Task<(float[] Logits, float[] Probabilities)> RunAsync(ServedModel model, float[] tensor, int rows, CancellationToken cancellationToken)
    {
        if (model.Platform != OpenInferenceModels.EnsemblePlatform)
        {
            var logits = await LogitsAsync(model.Name, tensor, rows, cancellationToken);
            var probabilities = (float[])logits.Clone();
            DigitClassifier.SoftmaxRows(probabilities);
            return (logits, probabilities);
        }

        var members = await Task.WhenAll(catalog.Ensemble!.Members.Select(m => LogitsAsync(m, tensor, rows, cancellationToken)));
        var mean = new float[rows * ModelRunner.ClassesPerRow];
        foreach (var member in members)
        {
            DigitClassifier.SoftmaxRows(member);
            for (var i = 0; i < mean.Length; i++)
            {
                mean[i] += member[i] / members.Length;
            }
        }

        return (mean.Select(p => MathF.Log(Math.Max(p, float.Epsilon))).ToArray(), mean);
    }

    private async Task<float[]> LogitsAsync(string model, float[] tensor, int rows, CancellationToken cancellationToken)
    {
        if (rows <= _maxBatch)
        {
            return await classifier.LogitsAsync(model, tensor, rows, cancellationToken);
        }

        var batches = Enumerable.Range(0, (rows + _maxBatch - 1) / _maxBatch).Select(batch =>
        {
            var (first, count) = (batch * _maxBatch, Math.Min(_maxBatch, rows - (batch * _maxBatch)));
            return classifier.LogitsAsync(model, tensor[(first * ModelRunner.PixelsPerRow)..((first + count) * ModelRunner.PixelsPerRow)], count, cancellationToken);
        });
        return (await Task.WhenAll(batches)).SelectMany(logits => logits).ToArray();
    }
}
