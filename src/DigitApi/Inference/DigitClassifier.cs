using Microsoft.Extensions.Options;

namespace DigitApi.Inference;

/// <summary>
/// Classifies prepared 28x28 digits with a named model or the ensemble, and judges each answer by the model
/// card's lines (<see cref="TrustPolicy"/>): calibrated probabilities, not a digit, uncertain.
/// </summary>
public sealed class DigitClassifier
{
    private readonly ModelCatalog _catalog;
    private readonly ModelRegistry _registry;
    private readonly InferenceMetrics _metrics;
    private readonly Dictionary<string, TrustPolicy> _policies;

    public DigitClassifier(ModelCatalog catalog, ModelRegistry registry, InferenceMetrics metrics, IOptions<PredictionOptions> options)
    {
        (_catalog, _registry, _metrics) = (catalog, registry, metrics);
        _policies = catalog.Cards.ToDictionary(c => c.Name, c => TrustPolicy.For(c, options.Value), StringComparer.OrdinalIgnoreCase);
        if (catalog.Ensemble is { } ensemble)
        {
            _policies[ModelCatalog.EnsembleName] = TrustPolicy.For(ensemble, options.Value);
        }
    }

    /// <summary>Classifies digits given as 784 values in [0, 1] each (ink bright), in one batched inference per model.</summary>
    /// <param name="model">A catalog name, <c>ensemble</c>, or null for the default model.</param>
    /// <param name="digits">The digits.</param>
    /// <param name="cancellationToken">Drops the queued work when the client goes away.</param>
    public async Task<Prediction[]> ClassifyAsync(string? model, IReadOnlyList<float[]> digits, CancellationToken cancellationToken)
    {
        var name = _catalog.Resolve(model);
        var policy = _policies[name];
        var predictions = new Prediction[digits.Count];
        if (name == ModelCatalog.EnsembleName)
        {
            var members = _catalog.Ensemble!.Members;
            var outputs = await Task.WhenAll(members.Select(m => LogitsAsync(m, digits, cancellationToken))).ConfigureAwait(false);
            for (var row = 0; row < digits.Count; row++)
            {
                predictions[row] = JudgeEnsemble(policy, members, outputs, row);
            }
        }
        else
        {
            var logits = await LogitsAsync(name, digits, cancellationToken).ConfigureAwait(false);
            for (var row = 0; row < digits.Count; row++)
            {
                var span = logits.AsSpan(row * ModelRunner.ClassesPerRow, ModelRunner.ClassesPerRow);
                var energy = TrustPolicy.Calibrate(span, policy.Temperature);
                predictions[row] = Prediction.Judge(span.ToArray(), energy, name, policy);
            }
        }

        foreach (var prediction in predictions)
        {
            _metrics.Predicted(prediction);
        }

        return predictions;
    }

    /// <summary>Runs already-normalised tensors (rows x 1 x 28 x 28) through a single model and returns raw logits.</summary>
    public Task<float[]> LogitsAsync(string model, float[] tensor, int rows, CancellationToken cancellationToken) =>
        _registry.Get(model).RunAsync(tensor, rows, cancellationToken).WaitAsync(cancellationToken);

    /// <summary>The model's normalisation, (x - mean) / std from its card, applied to pixels in [0, 1].</summary>
    public static float[] ToTensor(ModelCard card, IReadOnlyList<float[]> digits)
    {
        var (mean, std) = (card.Normalization.Mean, card.Normalization.Std);
        var tensor = new float[digits.Count * ModelRunner.PixelsPerRow];
        for (var row = 0; row < digits.Count; row++)
        {
            var span = tensor.AsSpan(row * ModelRunner.PixelsPerRow, ModelRunner.PixelsPerRow);
            var pixels = digits[row];
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = (pixels[i] - mean) / std;
            }
        }

        return tensor;
    }

    public static void SoftmaxRows(Span<float> logits)
    {
        for (var row = 0; row < logits.Length; row += ModelRunner.ClassesPerRow)
        {
            var span = logits.Slice(row, ModelRunner.ClassesPerRow);
            var max = float.MinValue;
            foreach (var v in span)
            {
                max = Math.Max(max, v);
            }

            var sum = 0f;
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = MathF.Exp(span[i] - max);
                sum += span[i];
            }

            for (var i = 0; i < span.Length; i++)
            {
                span[i] /= sum;
            }
        }
    }

    // One row: each member's logits calibrated by its own temperature; the ensemble's probabilities are
    // the members' mean, its energy their mean energy, judged by the ensemble's own lines.
    private Prediction JudgeEnsemble(TrustPolicy policy, string[] members, float[][] logits, int row)
    {
        var probabilities = new float[ModelRunner.ClassesPerRow];
        var energy = 0f;
        for (var m = 0; m < members.Length; m++)
        {
            var span = logits[m].AsSpan(row * ModelRunner.ClassesPerRow, ModelRunner.ClassesPerRow);
            energy += TrustPolicy.Calibrate(span, _policies[members[m]].Temperature) / members.Length;
            for (var i = 0; i < span.Length; i++)
            {
                probabilities[i] += span[i] / members.Length;
            }
        }

        return Prediction.Judge(probabilities, energy, ModelCatalog.EnsembleName, policy);
    }

    private async Task<float[]> LogitsAsync(string model, IReadOnlyList<float[]> digits, CancellationToken cancellationToken)
    {
        var runner = _registry.Get(model);
        return await runner.RunAsync(ToTensor(runner.Card, digits), digits.Count, cancellationToken)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
    }
}
