using DigitApi.Imaging;
using Microsoft.Extensions.Options;

namespace DigitApi.Inference;

/// <summary>
/// Runs digits through a named model or the ensemble, and judges each answer by the model card's lines
/// (<see cref="TrustPolicy"/>): calibrated probabilities, not a digit, uncertain. The ensemble's answer is
/// its members' mean probabilities (<see cref="AverageMembers"/>), for /predict and /v2 alike.
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

    /// <summary>Classifies prepared digits (784 values in [0, 1] each, ink bright), in batched inferences.</summary>
    /// <param name="model">A name as <see cref="ModelCatalog.Resolve"/> returns it (the request resolves it once), or null for the default model.</param>
    /// <param name="digits">The digits; each one's source side picks the not-a-digit line it is judged by.</param>
    /// <param name="cancellationToken">Drops the queued work when the client goes away.</param>
    public async Task<Prediction[]> ClassifyAsync(string? model, IReadOnlyList<PreparedDigit> digits, CancellationToken cancellationToken)
    {
        var name = model ?? _catalog.DefaultModel;
        var policy = _policies.GetValueOrDefault(name) ?? throw new UnknownModelException(name, _catalog.Names);
        var rows = digits.Count;
        var pixels = digits.Select(d => d.Pixels).ToArray();
        var predictions = new Prediction[rows];
        if (name == ModelCatalog.EnsembleName)
        {
            var members = _catalog.Ensemble!.Members;
            var logits = await Task.WhenAll(members.Select(m => LogitsAsync(m, pixels, cancellationToken))).ConfigureAwait(false);
            var energies = new float[rows];
            var probabilities = AverageMembers(logits, members.Select(m => _policies[m].Temperature).ToArray(), rows, energies);
            for (var row = 0; row < rows; row++)
            {
                predictions[row] = Prediction.Judge(probabilities[(row * ModelRunner.ClassesPerRow)..((row + 1) * ModelRunner.ClassesPerRow)],
                    energies[row], ModelCatalog.EnsembleName, policy, digits[row].SourceSide);
            }
        }
        else
        {
            var logits = await LogitsAsync(name, pixels, cancellationToken).ConfigureAwait(false);
            for (var row = 0; row < rows; row++)
            {
                var span = logits.AsSpan(row * ModelRunner.ClassesPerRow, ModelRunner.ClassesPerRow);
                var energy = TrustPolicy.Calibrate(span, policy.Temperature);
                predictions[row] = Prediction.Judge(span.ToArray(), energy, name, policy, digits[row].SourceSide);
            }
        }

        foreach (var prediction in predictions)
        {
            _metrics.Predicted(prediction);
        }

        return predictions;
    }

    /// <summary>
    /// Runs already-normalised tensors (rows x 1 x 28 x 28) through a model and returns its raw logits and their
    /// softmax, uncalibrated. The ensemble's probabilities are its members' mean softmax, and its logits their
    /// logarithm: the logits whose softmax gives those probabilities.
    /// </summary>
    /// <param name="model">A catalog name or <c>ensemble</c>, exactly as the catalog spells it.</param>
    /// <param name="tensor">The inputs.</param>
    /// <param name="rows">How many.</param>
    /// <param name="cancellationToken">Drops the queued work when the client goes away.</param>
    public async Task<(float[] Logits, float[] Probabilities)> ScoreAsync(string model, float[] tensor, int rows, CancellationToken cancellationToken)
    {
        if (model != ModelCatalog.EnsembleName)
        {
            var logits = await LogitsAsync(model, tensor, rows, cancellationToken).ConfigureAwait(false);
            return (logits, AverageMembers([(float[])logits.Clone()], [1f], rows, energies: null));
        }

        var members = _catalog.Ensemble!.Members;
        var outputs = await Task.WhenAll(members.Select(m => LogitsAsync(m, tensor, rows, cancellationToken))).ConfigureAwait(false);
        var mean = AverageMembers(outputs, members.Select(_ => 1f).ToArray(), rows, energies: null);
        return (mean.Select(p => MathF.Log(Math.Max(p, float.Epsilon))).ToArray(), mean);
    }

    /// <summary>Runs already-normalised tensors (rows x 1 x 28 x 28) through a single model and returns raw logits.</summary>
    public Task<float[]> LogitsAsync(string model, float[] tensor, int rows, CancellationToken cancellationToken) =>
        _registry.Get(model).RunAllAsync(tensor, rows, cancellationToken).WaitAsync(cancellationToken);

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

    /// <summary>
    /// The members' mean probabilities: each member's logits turned, in place, into softmax(logits / temperature)
    /// (<see cref="TrustPolicy.Calibrate"/>), averaged row by row. With <paramref name="energies"/>, also each
    /// row's mean energy. One member at temperature 1 gives a plain softmax.
    /// </summary>
    /// <param name="logits">Each member's logits, rows x 10; overwritten with its probabilities.</param>
    /// <param name="temperatures">Each member's calibration temperature.</param>
    /// <param name="rows">How many rows.</param>
    /// <param name="energies">Filled with each row's mean energy, when given.</param>
    public static float[] AverageMembers(float[][] logits, float[] temperatures, int rows, float[]? energies)
    {
        var mean = new float[rows * ModelRunner.ClassesPerRow];
        for (var row = 0; row < rows; row++)
        {
            var average = mean.AsSpan(row * ModelRunner.ClassesPerRow, ModelRunner.ClassesPerRow);
            for (var m = 0; m < logits.Length; m++)
            {
                var span = logits[m].AsSpan(row * ModelRunner.ClassesPerRow, ModelRunner.ClassesPerRow);
                var energy = TrustPolicy.Calibrate(span, temperatures[m]) / logits.Length;
                if (energies is not null)
                {
                    energies[row] += energy;
                }

                for (var i = 0; i < span.Length; i++)
                {
                    average[i] += span[i] / logits.Length;
                }
            }
        }

        return mean;
    }

    private Task<float[]> LogitsAsync(string model, float[][] digits, CancellationToken cancellationToken)
    {
        var runner = _registry.Get(model);
        return runner.RunAllAsync(ToTensor(runner.Card, digits), digits.Length, cancellationToken).WaitAsync(cancellationToken);
    }
}
