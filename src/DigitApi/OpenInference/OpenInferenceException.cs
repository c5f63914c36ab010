using DigitApi.Common;

namespace DigitApi.OpenInference;

/// <summary>A request the Open Inference Protocol endpoints refuse; written as <c>{"error": "..."}</c>.</summary>
public sealed class OpenInferenceException(int statusCode, string message) : DigitApiException(message)
{
    public override int StatusCode => statusCode;

    public override string Kind => statusCode == StatusCodes.Status404NotFound ? "unknown-model" : "bad-inference-request";

    public override string Title => "Inference request refused";

    public static OpenInferenceException BadRequest(string message) => new(StatusCodes.Status400BadRequest, message);
}
