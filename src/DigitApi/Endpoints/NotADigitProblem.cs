using DigitApi.Common;
using DigitApi.Inference;
using Microsoft.AspNetCore.Mvc;

namespace DigitApi.Endpoints;

/// <summary>
/// 422 from /predict: nothing to read as a digit. Type /problems/no-digit-found (a blank image) carries the
/// RFC 7807 members only; type /problems/not-a-digit (ink that does not look like a digit: a letter, a doodle,
/// a photo) adds the best guess as extension members, which alwaysAnswer=true returns as a 200 instead.
/// </summary>
/// <param name="Type">/problems/not-a-digit or /problems/no-digit-found.</param>
/// <param name="Title">A short summary.</param>
/// <param name="Status">422.</param>
/// <param name="Detail">What was wrong and what to send instead.</param>
/// <param name="TraceId">Quote it when reporting a problem.</param>
/// <param name="Digit">not-a-digit: the best guess, 0-9.</param>
/// <param name="Confidence">not-a-digit: the guess's calibrated probability, 0-1.</param>
/// <param name="NotADigitScore">not-a-digit: the model's not-a-digit score; at or above the model card's notADigit.threshold.</param>
/// <param name="Model">not-a-digit: the model that judged it.</param>
public sealed record NotADigitProblem(
    string Type, string Title, int Status, string Detail, string TraceId, int? Digit, float? Confidence, float? NotADigitScore, string? Model)
{
    /// <summary>The query flag that turns a not-a-digit answer into a 200 flagged uncertain.</summary>
    public const string AlwaysAnswerQuery = "alwaysAnswer";

    /// <summary>
    /// An upload with ink that does not look like a digit: 422 with the best guess as extension members
    /// (<c>digit</c>, <c>confidence</c>, <c>notADigitScore</c>, <c>model</c>).
    /// </summary>
    public static ProblemDetails For(Prediction guess, string what = "The image")
    {
        var problem = With($"{what} does not look like a handwritten digit. Send a photo, scan or drawing of one digit 0-9, cropped to it");
        problem.Extensions["digit"] = guess.Digit;
        problem.Extensions["confidence"] = guess.Confidence;
        problem.Extensions["notADigitScore"] = guess.NotADigitScore;
        problem.Extensions["model"] = guess.Model;
        return problem;
    }

    /// <summary>Ink that does not look like a digit; the detail says what it was, and the caller adds the best guess.</summary>
    public static ProblemDetails With(string detail) =>
        ProblemKinds.NotADigit.With($"{detail}; add {AlwaysAnswerQuery}=true to get the best guess anyway, flagged uncertain.");
}
