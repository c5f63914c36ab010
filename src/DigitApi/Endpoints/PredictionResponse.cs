using DigitApi.Inference;

namespace DigitApi.Endpoints;

/// <summary>The answer for one digit.</summary>
/// <param name="Digit">The predicted digit, 0-9.</param>
/// <param name="Confidence">The calibrated probability of that digit, 0-1: of answers given at 0.9, about 90 % are right.</param>
/// <param name="Uncertain">True when a person should check the answer: its confidence is below the model's line
/// (Predictions:UncertainBelow or the model card's uncertainBelow), or, with alwaysAnswer=true, the upload did not look like a digit.</param>
/// <param name="Probabilities">The calibrated probability of each digit 0-9, in order; they sum to 1.</param>
/// <param name="Model">The model that answered.</param>
/// <param name="ElapsedMs">Server time for this request in milliseconds.</param>
/// <param name="Input">With include=input: the 28x28 image the model saw, as a base64 PNG (ink white on black, as in MNIST).</param>
public sealed record PredictionResponse(int Digit, float Confidence, bool Uncertain, float[] Probabilities, string Model, double ElapsedMs, string? Input = null)
{
    public static PredictionResponse From(Prediction prediction, double elapsedMs, string? input = null) =>
        new(prediction.Digit, prediction.Confidence, prediction.Uncertain, prediction.Probabilities, prediction.Model, Math.Round(elapsedMs, 3), input);
}
