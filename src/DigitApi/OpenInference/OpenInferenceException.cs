using DigitApi.Common;

namespace DigitApi.OpenInference;

/// <summary>A request the Open Inference Protocol endpoints refuse; written as <c>{"error": "..."}</c>.</summary>
public sealed class OpenInferenceException : DigitApiException
{
    private OpenInferenceException(ProblemKind problem, string message)
        : base(problem, message)
    {
    }

    public static OpenInferenceException BadRequest(string message) => new(ProblemKinds.BadInferenceRequest, message);

    /// <summary>404: no such model or version.</summary>
    public static OpenInferenceException UnknownModel(string message) => new(ProblemKinds.UnknownModel, message);

    /// <summary>413: more values than one request may carry.</summary>
    public static OpenInferenceException TooManyInputs(string message) => new(ProblemKinds.TooManyInputs, message);
}
