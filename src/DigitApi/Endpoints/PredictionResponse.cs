using DigitApi.Inference;

namespace DigitApi.Endpoints;

/// <summary>The answer for one digit.</summary>
/// <param name="Digit">The predicted digit, 0-9.</param>
/// <param name="Confidence">The probability of that digit, 0-1.</param>
/// <param name="Probabilities">The probability of each digit 0-9, in order; they sum to 1.</param>
/// <param name="Model">The model that answered.</param>
/// <param name="ElapsedMs">Server time for this request in milliseconds.</param>
/// <param name="Input">With include=input: the 28x28 image the model saw, as a base64 PNG (ink white on black, as in MNIST).</param>
public sealed record PredictionResponse(int Digit, float Confidence, float[] Probabilities, string Model, double ElapsedMs, string? Input = null)
{
    public static PredictionResponse From(Prediction prediction, double elapsedMs, string? input = null) =>
        new(prediction.Digit, prediction.Confidence, prediction.Probabilities, prediction.Model, Math.Round(elapsedMs, 3), input);
}
