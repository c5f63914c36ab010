using System.ComponentModel;
using System.Diagnostics;
using DigitApi.Common;
using DigitApi.Hosting;
using DigitApi.Inference;
using DigitApi.Numbers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DigitApi.Endpoints;

/// <summary>POST /predict/number: a number written left to right, read digit by digit.</summary>
public static class NumberEndpoints
{
    /// <summary>POST /predict/number, in the /predict group (whose policies it takes).</summary>
    public static RouteHandlerBuilder MapNumberEndpoints(this RouteGroupBuilder predict) =>
        predict.MapPost("/number", PredictNumber)
            .WithName("PredictNumber")
            .WithSummary("Read a number of several digits written left to right")
            .WithDescription("Send one image of a number (e.g. a handwritten 4071), as for /predict. The ink is cut into digits, "
                + "each digit is normalised exactly as /predict does and all are classified in one batch. The answer gives the "
                + "number, its confidence (the product of the digits' confidences) and each digit with its box in the image's "
                + "pixels; 'uncertain' flags each digit, and the number when any of its digits is. No ink gives 422, and so does a "
                + "number longer than Numbers:MaxDigits (default 12). Ink that does not look like digits is not read as digits. Each "
                + "piece is judged by the model card's lines as /predict judges an upload; a piece over the not-a-digit line makes "
                + "the answer 422 " + ProblemKinds.NotADigit.Type + ", with the best guess (number, confidence, model) and the boxes of "
                + "the pieces over the line (notDigits), unless it is the number's one odd piece: exactly one piece over the line, "
                + "whose digit the model still names at or above its uncertain line, among pieces that are all sure digits. That "
                + "piece is read as its digit, flagged uncertain with the number (200). alwaysAnswer=true answers 200 whatever the "
                + "pieces, with those over the line flagged uncertain.")
            .WithMetadata(new ImageUploadMetadata(Multiple: false))
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK,
                """{"number":"4071","confidence":0.8612,"uncertain":false,"digits":[{"digit":4,"confidence":0.9652,"uncertain":false,"box":{"x":31,"y":28,"width":44,"height":61}},{"digit":0,"confidence":0.9654,"uncertain":false,"box":{"x":93,"y":30,"width":41,"height":58}},{"digit":7,"confidence":0.9601,"uncertain":false,"box":{"x":151,"y":27,"width":38,"height":60}},{"digit":1,"confidence":0.9626,"uncertain":false,"box":{"x":205,"y":29,"width":12,"height":59}}],"model":"ensemble","elapsedMs":9.7}"""))
            .WithMetadata(new ResponseExample(StatusCodes.Status422UnprocessableEntity,
                $$"""{"type":"{{ProblemKinds.TooManyDigits.Type}}","title":"{{ProblemKinds.TooManyDigits.Title}}","status":422,"detail":"The image holds 13 digits; at most 12 are read as one number. Crop the image to one number, or split it.","traceId":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"}"""));

    /// <summary>Read a multi-digit number.</summary>
    /// <param name="request">The HTTP request; its body holds the image.</param>
    /// <param name="model">cnn, lenet, mlp, logreg or ensemble; default: the ensemble.</param>
    /// <param name="alwaysAnswer">true: pieces over the not-a-digit line are answered with their best guesses flagged uncertain, instead of 422.</param>
    /// <param name="services">Prediction services.</param>
    /// <param name="preprocessor">Segments the number and normalises its digits.</param>
    /// <param name="reader">Classifies the digits.</param>
    /// <param name="cancellationToken">Aborted when the client disconnects.</param>
    public static async Task<Results<Ok<NumberResponse>, ProblemHttpResult>> PredictNumber(
        HttpRequest request,
        [Description("cnn, lenet, mlp, logreg or ensemble; default: the ensemble, since a number is right only when every digit is")] string? model,
        [Description(PredictionEndpoints.AlwaysAnswerDescription)] bool? alwaysAnswer,
        PredictionServices services,
        NumberPreprocessor preprocessor,
        NumberReader reader,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            // A number is right only when every one of its digits is, so the default is the most accurate model there is.
            var name = services.UseModel(request.HttpContext, model ?? (services.Catalog.Ensemble is null ? null : ModelCatalog.EnsembleName));
            using var uploads = await services.Uploads.ReadAsync(request, 1, cancellationToken);
            using var clock = services.StartDecodeClock(cancellationToken);
            var number = preprocessor.Prepare(uploads.Uploads[0].Bytes, clock);
            var reading = await reader.ReadAsync(number, name, cancellationToken);
            services.Diagnostics.Set("Number", reading.Number);
            if (alwaysAnswer != true && reading.NotDigits.Any())
            {
                return TypedResults.Problem(NotADigit(reading));
            }

            return TypedResults.Ok(NumberResponse.From(reading, Stopwatch.GetElapsedTime(started).TotalMilliseconds));
        }
        catch (DigitApiException error)
        {
            return error.ToResult(request.HttpContext);
        }
    }

    /// <summary>422 for a number with ink that is not a digit: the best guess, and where the pieces that are not digits are.</summary>
    private static Microsoft.AspNetCore.Mvc.ProblemDetails NotADigit(NumberReading reading)
    {
        var pieces = reading.NotDigits.Select(d => DigitBox.From(d.Box)).ToArray();
        var problem = NotADigitProblem.With(
            $"{pieces.Length} of the {reading.Digits.Count} pieces of ink do not look like handwritten digits (see notDigits). "
            + "Send an image of the number alone, its digits written apart");
        problem.Extensions["number"] = reading.Number;
        problem.Extensions["confidence"] = reading.Confidence;
        problem.Extensions["model"] = reading.Model;
        problem.Extensions["notDigits"] = pieces;
        return problem;
    }
}
