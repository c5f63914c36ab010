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
                + "letter, a doodle, a photo) is 422 /problems/not-a-digit, with the best guess as extension members (digit, "
                + "confidence, notADigitScore, model), unless alwaysAnswer=true; a blank image is 422 /problems/no-digit-found.")
            .WithMetadata(new ImageUploadMetadata(Multiple: false))
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK,
                """{"digit":7,"confidence":0.9987,"uncertain":false,"probabilities":[0.0001,0.0002,0.0003,0.0001,0.0,0.0,0.0,0.9987,0.0002,0.0004],"model":"cnn","elapsedMs":1.92}"""))
            .Produces<NotADigitProblem>(StatusCodes.Status422UnprocessableEntity, "application/problem+json")
            .WithMetadata(new ResponseExample(StatusCodes.Status422UnprocessableEntity,
                """{"type":"/problems/not-a-digit","title":"Not a digit","status":422,"detail":"The image does not look like a handwritten digit. Send a photo, scan or drawing of one digit 0-9, cropped to it; add alwaysAnswer=true to get the best guess anyway, flagged uncertain.","digit":4,"confidence":0.41,"notADigitScore":-2.7,"model":"cnn","traceId":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"}"""));

        group.MapPost("/batch", BatchPredictionEndpoints.PredictBatch)
            .WithName("PredictDigits")
            .WithSummary("Recognise one digit on each of many images, in one batched inference")
            .WithDescription("Send the images as repeated multipart/form-data fields named 'image' (at most Uploads:MaxBatchImages, "
                + "default 64; more is refused with 413). The answer lists one item per image, in the order sent: a prediction, "
                + "or the problem with that image (status, type, title, detail). A bad image never fails the others. An image that "
                + "is not a digit is the problem /problems/not-a-digit with its best guess (digit, confidence, notADigitScore, model), "
                + "or with alwaysAnswer=true a prediction flagged uncertain.")
            .WithMetadata(new ImageUploadMetadata(Multiple: true))
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK,
                """{"predictions":[{"index":0,"fileName":"seven.png","digit":7,"confidence":0.9613,"uncertain":false,"probabilities":[0.0041,0.0049,0.0042,0.0043,0.0039,0.0036,0.0037,0.9613,0.004,0.006],"model":"cnn"},{"index":1,"fileName":"notes.txt","status":415,"type":"/problems/unsupported-image-format","title":"Unsupported image format","detail":"The upload is not a supported image. Send one of: image/png, image/jpeg, image/gif, image/bmp, image/webp."}],"model":"cnn","elapsedMs":4.2}"""));

        group.MapPost("/number", NumberEndpoints.PredictNumber)
            .WithName("PredictNumber")
            .WithSummary("Read a number of several digits written left to right")
            .WithDescription("Send one image of a number (e.g. a handwritten 4071), as for /predict. The ink is cut into digits, "
                + "each digit is normalised exactly as /predict does and all are classified in one batch. The answer gives the "
                + "number, its confidence (the product of the digits' confidences) and each digit with its box in the image's "
                + "pixels; 'uncertain' flags each digit, and the number when any of its digits is. No ink gives 422, and so does a "
                + "number longer than Numbers:MaxDigits (default 12). Ink that does not look like digits is not read as digits: "
                + "when a piece of the number is not a digit, the answer is 422 /problems/not-a-digit with the best guess (number, "
                + "confidence, model) and the boxes of the pieces that are not digits (notDigits); alwaysAnswer=true answers 200 "
                + "instead, with those pieces' best guesses flagged uncertain.")
            .WithMetadata(new ImageUploadMetadata(Multiple: false))
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK,
                """{"number":"4071","confidence":0.8612,"uncertain":false,"digits":[{"digit":4,"confidence":0.9652,"uncertain":false,"box":{"x":31,"y":28,"width":44,"height":61}},{"digit":0,"confidence":0.9654,"uncertain":false,"box":{"x":93,"y":30,"width":41,"height":58}},{"digit":7,"confidence":0.9601,"uncertain":false,"box":{"x":151,"y":27,"width":38,"height":60}},{"digit":1,"confidence":0.9626,"uncertain":false,"box":{"x":205,"y":29,"width":12,"height":59}}],"model":"ensemble","elapsedMs":9.7}"""))
            .WithMetadata(new ResponseExample(StatusCodes.Status422UnprocessableEntity,
                """{"type":"/problems/too-many-digits","title":"Too many digits","status":422,"detail":"The image holds 13 digits; at most 12 are read as one number. Crop the image to one number, or split it.","traceId":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"}"""));

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
            var prediction = (await services.Classifier.ClassifyAsync(name, [digit.Pixels], cancellationToken))[0];
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
        + "and uncertain: true, instead of 422 /problems/not-a-digit (for clients that must always get a digit). A blank image is 422 either way.";

    internal static bool IncludesInput(string? include) =>
        include is not null && include.Split(',', StringSplitOptions.TrimEntries).Contains("input", StringComparer.OrdinalIgnoreCase);
}
