using System.ComponentModel;
using System.Diagnostics;
using DigitApi.Common;
using DigitApi.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DigitApi.Endpoints;

public static class PredictionEndpoints
{
    public static RouteGroupBuilder MapPredictionEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/predict")
            .AsInference()
            .WithTag("Predictions", "Recognise handwritten digits on uploaded images: one digit, many images at once, or a number of several digits.")
            .DisableAntiforgery()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapPost("/", Predict)
            .WithName("PredictDigit")
            .WithSummary("Recognise one handwritten digit")
            .WithDescription("Send a photo, scan or drawing of one digit as multipart/form-data field 'image', or as the raw body with "
                + "an image/* Content-Type. PNG, JPEG (EXIF orientation honoured), GIF, BMP and WebP are accepted; dark ink on light "
                + "paper and light ink on dark backgrounds both work. 'confidence' is calibrated (of answers given at 0.9, about 90 % "
                + "are right) and 'uncertain' says that a person should check the answer. An upload that is not a digit at all (a "
                + "letter, a doodle, a photo) is 422 " + ProblemKinds.NotADigit.Type + ", with the best guess as extension members (digit, "
                + "confidence, notADigitScore, model), unless alwaysAnswer=true; a blank image is 422 " + ProblemKinds.NoDigitFound.Type + ".")
            .WithMetadata(new ImageUploadMetadata(Multiple: false))
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK,
                """{"digit":7,"confidence":0.9987,"uncertain":false,"probabilities":[0.0001,0.0002,0.0003,0.0001,0.0,0.0,0.0,0.9987,0.0002,0.0004],"model":"cnn","elapsedMs":1.92}"""))
            .Produces<NotADigitProblem>(StatusCodes.Status422UnprocessableEntity, "application/problem+json")
            .WithMetadata(new ResponseExample(StatusCodes.Status422UnprocessableEntity,
                $$"""{"type":"{{ProblemKinds.NotADigit.Type}}","title":"{{ProblemKinds.NotADigit.Title}}","status":422,"detail":"The image does not look like a handwritten digit. Send a photo, scan or drawing of one digit 0-9, cropped to it; add alwaysAnswer=true to get the best guess anyway, flagged uncertain.","digit":4,"confidence":0.41,"notADigitScore":-2.7,"model":"cnn","traceId":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"}"""));

        group.MapBatchPredictionEndpoints();
        group.MapNumberEndpoints();
        return group;
    }

    /// <summary>Recognise one handwritten digit.</summary>
    /// <param name="request">The HTTP request; its body holds the image.</param>
    /// <param name="model">cnn, lenet, mlp, logreg or ensemble; default: the most accurate single model.</param>
    /// <param name="include">'input' adds the 28x28 image the model saw, as a base64 PNG.</param>
    /// <param name="alwaysAnswer">true: an upload that does not look like a digit is answered 200 with the best guess and uncertain: true, instead of 422.</param>
    /// <param name="services">Prediction services.</param>
    /// <param name="cancellationToken">Aborted when the client disconnects.</param>
    public static async Task<Results<Ok<PredictionResponse>, ProblemHttpResult>> Predict(
        HttpRequest request,
        [Description("cnn, lenet, mlp, logreg or ensemble; default: the most accurate single model")] string? model,
        [Description("'input' adds the 28x28 image the model saw, as a base64 PNG")] string? include,
        [Description(AlwaysAnswerDescription)] bool? alwaysAnswer,
        PredictionServices services,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var name = services.UseModel(request.HttpContext, model);
            using var uploads = await services.Uploads.ReadAsync(request, 1, cancellationToken);
            using var clock = services.StartDecodeClock(cancellationToken);
            var digit = services.Preprocessor.Prepare(uploads.Uploads[0].Bytes, clock);
            var prediction = (await services.Classifier.ClassifyAsync(name, [digit], cancellationToken))[0];
            services.Diagnostics.Set("Digit", prediction.Digit);
            if (prediction.NotADigit && alwaysAnswer != true)
            {
                return TypedResults.Problem(NotADigitProblem.For(prediction));
            }

            var input = IncludesInput(include) ? services.EncodeInput(digit.Pixels) : null;
            return TypedResults.Ok(PredictionResponse.From(prediction, Stopwatch.GetElapsedTime(started).TotalMilliseconds, input));
        }
        catch (DigitApiException error)
        {
            return error.ToResult(request.HttpContext);
        }
    }

    internal const string AlwaysAnswerDescription = "true: an upload that does not look like a digit is answered 200 with the best guess "
        + "and uncertain: true, instead of the 422 not-a-digit problem (for clients that must always get a digit). A blank image is 422 either way.";

    internal static bool IncludesInput(string? include) =>
        include is not null && include.Split(',', StringSplitOptions.TrimEntries).Contains("input", StringComparer.OrdinalIgnoreCase);
}
