namespace DigitApi.Inference;

/// <summary>The score that tells a digit from something else; see <see cref="NotADigitSpec.Score"/>.</summary>
public enum NotADigitScore
{
    /// <summary>The card sets no not-a-digit line: every upload with ink is answered as a digit.</summary>
    None,

    /// <summary>-logsumexp of the raw logits: high when no class fits.</summary>
    Energy,

    /// <summary>1 - the top calibrated probability.</summary>
    MaxProbability,
}

/// <summary>
/// The lines one model's answers are judged by, read from its card once at startup: the calibration
/// temperature, the not-a-digit score and threshold (and the threshold for low-resolution scans, when the card sets
/// one apart), and the confidence below which an answer is uncertain.
/// </summary>
public sealed record TrustPolicy(float Temperature, NotADigitScore Score, float Threshold, float UncertainBelow, LowResolutionLine? LowResolution = null)
{
    /// <param name="card">The model's (or the ensemble's) card.</param>
    /// <param name="options">Predictions:UncertainBelow, when set, wins over the card's line.</param>
    public static TrustPolicy For(TrustedCard card, PredictionOptions options)
    {
        var score = card.NotADigit?.Score switch
        {
            null => NotADigitScore.None,
            var s when s.Equals("energy", StringComparison.OrdinalIgnoreCase) => NotADigitScore.Energy,
            var s when s.Equals("maxProbability", StringComparison.OrdinalIgnoreCase) => NotADigitScore.MaxProbability,
            var s => throw new InvalidOperationException($"The model card's notADigit.score '{s}' is unknown; use 'energy' or 'maxProbability'."),
        };
        var temperature = card.Calibration?.Temperature ?? 1;
        if (!(temperature > 0))
        {
            throw new InvalidOperationException($"The model card's calibration.temperature is {temperature}; it must be above 0.");
        }

        if (card.NotADigit?.LowResolution is { MaxSide: < 1 } low)
        {
            throw new InvalidOperationException($"The model card's notADigit.lowResolution.maxSide is {low.MaxSide}; it must be at least 1.");
        }

        return new TrustPolicy(
            (float)temperature,
            score,
            (float)(card.NotADigit?.Threshold ?? double.PositiveInfinity),
            (float)(options.UncertainBelow ?? card.UncertainBelow ?? PredictionOptions.DefaultUncertainBelow),
            card.NotADigit?.LowResolution);
    }

    /// <summary>
    /// Turns one row of raw logits, in place, into calibrated probabilities, softmax(logits / temperature),
    /// and returns the row's energy, -logsumexp(logits), taken before the temperature.
    /// </summary>
    public static float Calibrate(Span<float> row, float temperature)
    {
        var max = float.MinValue;
        foreach (var v in row)
        {
            max = Math.Max(max, v);
        }

        var rawSum = 0f;
        var sum = 0f;
        var scale = 1 / temperature;
        for (var i = 0; i < row.Length; i++)
        {
            var shifted = row[i] - max;
            var exp = MathF.Exp(shifted);
            rawSum += exp;
            row[i] = temperature == 1 ? exp : MathF.Exp(shifted * scale);
            sum += row[i];
        }

        for (var i = 0; i < row.Length; i++)
        {
            row[i] /= sum;
        }

        return -(max + MathF.Log(rawSum));
    }

    /// <summary>The not-a-digit score of an answer (NaN when the card sets none).</summary>
    public float ScoreOf(float energy, float confidence) => Score switch
    {
        NotADigitScore.Energy => energy,
        NotADigitScore.MaxProbability => 1 - confidence,
        _ => float.NaN,
    };

    /// <summary>Whether an answer with this score, for a digit read from an image of this side, is not a digit.</summary>
    /// <param name="score">The answer's <see cref="ScoreOf"/>.</param>
    /// <param name="sourceSide">See <see cref="Imaging.PreparedDigit.SourceSide"/>.</param>
    public bool IsNotADigit(float score, int sourceSide) => Score != NotADigitScore.None && score >= ThresholdFor(sourceSide);

    /// <summary>The not-a-digit threshold for a digit read from an image of this side.</summary>
    public float ThresholdFor(int sourceSide) =>
        LowResolution is { } low && sourceSide <= low.MaxSide ? (float)low.Threshold : Threshold;

    public bool IsUncertain(float confidence) => confidence < UncertainBelow;
}
