namespace DigitApi.Inference;

/// <summary>A classified digit: the winner, its probability, all ten probabilities, and how far to trust it.</summary>
/// <param name="Digit">The most probable digit.</param>
/// <param name="Confidence">Its calibrated probability.</param>
/// <param name="Probabilities">All ten calibrated probabilities.</param>
/// <param name="Model">The model that answered.</param>
/// <param name="Uncertain">A person should check it: not a digit, or less confident than the model's line.</param>
/// <param name="NotADigit">The upload does not look like a digit at all; <see cref="Digit"/> is only the best guess.</param>
/// <param name="NotADigitScore">The score compared with the not-a-digit threshold; NaN when the model has none.</param>
public sealed record Prediction(int Digit, float Confidence, float[] Probabilities, string Model,
    bool Uncertain = false, bool NotADigit = false, float NotADigitScore = float.NaN)
{
    /// <summary>
    /// The answer for calibrated probabilities and the upload's energy, judged by the model's lines for a digit read
    /// from an image of <paramref name="sourceSide"/> pixels (see <see cref="Imaging.PreparedDigit.SourceSide"/>).
    /// </summary>
    public static Prediction Judge(float[] probabilities, float energy, string model, TrustPolicy policy, int sourceSide)
    {
        var digit = TopOf(probabilities);
        var confidence = probabilities[digit];
        var score = policy.ScoreOf(energy, confidence);
        var notADigit = policy.IsNotADigit(score, sourceSide);
        return new Prediction(digit, confidence, probabilities, model, notADigit || policy.IsUncertain(confidence), notADigit, score);
    }

    /// <summary>The index of the largest of ten scores (probabilities or logits alike).</summary>
    public static int TopOf(ReadOnlySpan<float> probabilities)
    {
        var digit = 0;
        for (var i = 1; i < probabilities.Length; i++)
        {
            if (probabilities[i] > probabilities[digit])
            {
                digit = i;
            }
        }

        return digit;
    }
}
