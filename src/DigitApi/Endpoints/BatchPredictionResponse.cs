using System.Text.Json.Serialization;
using DigitApi.Inference;
using Microsoft.AspNetCore.Mvc;

namespace DigitApi.Endpoints;

/// <summary>The answers for a batch, in the order the images were sent.</summary>
/// <param name="Predictions">One item per image part: a prediction, or the problem with that image.</param>
/// <param name="Model">The model that answered.</param>
/// <param name="ElapsedMs">Server time for the whole request in milliseconds.</param>
public sealed record BatchPredictionResponse(BatchItem[] Predictions, string Model, double ElapsedMs);

/// <summary>
/// One image of a batch: either a prediction (digit, confidence, uncertain, probabilities, model, as from /predict)
/// or a problem (status, type, title, detail, as an RFC 7807 body would carry them). A not-a-digit problem also
/// carries the best guess (digit, confidence, notADigitScore, model), as /predict's 422 does.
/// </summary>
/// <param name="Index">Position of the image among the request's image parts, from 0.</param>
/// <param name="FileName">The part's file name, when it had one.</param>
/// <param name="Digit">The predicted digit, 0-9.</param>
/// <param name="Confidence">The calibrated probability of that digit, 0-1.</param>
/// <param name="Uncertain">For a prediction: true when a person should check it, as from /predict.</param>
/// <param name="Probabilities">The probability of each digit 0-9, in order.</param>
/// <param name="Model">The model that answered.</param>
/// <param name="Input">With include=input: the 28x28 image the model saw, as a base64 PNG.</param>
/// <param name="NotADigitScore">For a not-a-digit problem: the model's not-a-digit score.</param>
/// <param name="Status">For a failed image: the HTTP status a single /predict would have answered.</param>
/// <param name="Type">For a failed image: the problem type, e.g. /problems/no-digit-found.</param>
/// <param name="Title">For a failed image: a short summary of the problem.</param>
/// <param name="Detail">For a failed image: what went wrong and what to do.</param>
public sealed record BatchItem(
    int Index,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? FileName,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Digit = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] float? Confidence = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Uncertain = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] float[]? Probabilities = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Model = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Input = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] float? NotADigitScore = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Status = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Type = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Title = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Detail = null)
{
    public static BatchItem FromPrediction(int index, string? fileName, Prediction prediction, string? input) =>
        new(index, fileName, prediction.Digit, prediction.Confidence, prediction.Uncertain, prediction.Probabilities, prediction.Model, input);

    /// <summary>A guess judged not a digit, answered as the problem with its best guess.</summary>
    public static BatchItem FromNotADigit(int index, string? fileName, Prediction guess) =>
        FromProblem(index, fileName, NotADigitProblem.For(guess, "This image")) with
        {
            Digit = guess.Digit, Confidence = guess.Confidence, Model = guess.Model, NotADigitScore = guess.NotADigitScore,
        };

    public static BatchItem FromProblem(int index, string? fileName, ProblemDetails problem) =>
        new(index, fileName, Status: problem.Status, Type: problem.Type, Title: problem.Title, Detail: problem.Detail);
}
