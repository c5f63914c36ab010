namespace DigitApi.Inference;

/// <summary>A classified digit: the winner, its probability and all ten probabilities.</summary>
public sealed record Prediction(int Digit, float Confidence, float[] Probabilities, string Model)
{
    public static Prediction FromProbabilities(ReadOnlySpan<float> probabilities, string model)
    {
        var digit = 0;
        for (var i = 1; i < probabilities.Length; i++)
        {
            if (probabilities[i] > probabilities[digit])
            {
                digit = i;
            }
        }

        return new Prediction(digit, probabilities[digit], probabilities.ToArray(), model);
    }
}
