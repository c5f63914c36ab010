namespace DigitApi.Inference;

/// <summary>Classifies prepared 28x28 digits with a named model or the ensemble.</summary>
public sealed class DigitClassifier(ModelCatalog catalog, ModelRegistry registry, InferenceMetrics metrics)
{
    /// <summary>Classifies digits given as 784 values in [0, 1] each (ink bright), in one batched inference per model.</summary>
    /// <param name="model">A catalog name, <c>ensemble</c>, or null for the default model.</param>
    /// <param name="digits">The digits.</param>
    /// <param name="cancellationToken">Drops the queued work when the client goes away.</param>
    public async Task<Prediction[]> ClassifyAsync(string? model, IReadOnlyList<float[]> digits, CancellationToken cancellationToken)
    {
        var name = catalog.Resolve(model);
        float[] probabilities;
        if (name == ModelCatalog.EnsembleName)
        {
            var members = catalog.Ensemble!.Members;
            var outputs = await Task.WhenAll(members.Select(m => ProbabilitiesAsync(m, digits, cancellationToken))).ConfigureAwait(false);
            probabilities = new float[outputs[0].Length];
            foreach (var output in outputs)
            {
                for (var i = 0; i < output.Length; i++)
                {
                    probabilities[i] += output[i] / outputs.Length;
                }
            }
        }
        else
        {
            probabilities = await ProbabilitiesAsync(name, digits, cancellationToken).ConfigureAwait(false);
        }

        var predictions = new Prediction[digits.Count];
        for (var row = 0; row < digits.Count; row++)
        {
            predictions[row] = Prediction.FromProbabilities(probabilities.AsSpan(row * ModelRunner.ClassesPerRow, ModelRunner.ClassesPerRow), name);
            metrics.Predicted(name, predictions[row].Digit);
        }

        return predictions;
    }

    /// <summary>Runs already-normalised tensors (rows x 1 x 28 x 28) through a single model and returns raw logits.</summary>
    public Task<float[]> LogitsAsync(string model, float[] tensor, int rows, CancellationToken cancellationToken) =>
        registry.Get(model).RunAsync(tensor, rows, cancellationToken).WaitAsync(cancellationToken);

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

    private async Task<float[]> ProbabilitiesAsync(string model, IReadOnlyList<float[]> digits, CancellationToken cancellationToken)
    {
        var runner = registry.Get(model);
        var logits = await runner.RunAsync(ToTensor(runner.Card, digits), digits.Count, cancellationToken)
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        SoftmaxRows(logits);
        return logits;
    }
}
