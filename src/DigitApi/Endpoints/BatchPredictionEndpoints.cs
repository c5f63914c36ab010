using System.ComponentModel;
using System.Diagnostics;
using DigitApi.Common;
using DigitApi.Hosting;
using DigitApi.Imaging;
using DigitApi.Uploads;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace DigitApi.Endpoints;

/// <summary>POST /predict/batch: many images, one inference, one answer per image.</summary>
public static class BatchPredictionEndpoints
{
    /// <summary>POST /predict/batch, in the /predict group (whose policies it takes).</summary>
    public static RouteHandlerBuilder MapBatchPredictionEndpoints(this RouteGroupBuilder predict) =>
        predict.MapPost("/batch", PredictBatch)
            .WithName("PredictDigits")
            .WithSummary("Recognise one digit on each of many images, in one batched inference")
            .WithDescription("Send the images as repeated multipart/form-data fields named 'image' (at most Uploads:MaxBatchImages, "
                + "default 64; more is refused with 413). The answer lists one item per image, in the order sent: a prediction, "
                + "or the problem with that image (status, type, title, detail). A bad image never fails the others. An image that "
                + "is not a digit is the problem " + ProblemKinds.NotADigit.Type + " with its best guess (digit, confidence, notADigitScore, model), "
                + "or with alwaysAnswer=true a prediction flagged uncertain.")
            .WithMetadata(new ImageUploadMetadata(Multiple: true))
            .WithMetadata(new ResponseExample(StatusCodes.Status200OK,
                $$"""{"predictions":[{"index":0,"fileName":"seven.png","digit":7,"confidence":0.9613,"uncertain":false,"probabilities":[0.0041,0.0049,0.0042,0.0043,0.0039,0.0036,0.0037,0.9613,0.004,0.006],"model":"cnn"},{"index":1,"fileName":"notes.txt","status":415,"type":"{{ProblemKinds.UnsupportedImageFormat.Type}}","title":"{{ProblemKinds.UnsupportedImageFormat.Title}}","detail":"The upload is not a supported image. Send one of: image/png, image/jpeg, image/gif, image/bmp, image/webp."}],"model":"cnn","elapsedMs":4.2}"""));

    /// <summary>Recognise one digit on each of many images.</summary>
    /// <param name="request">The HTTP request; its multipart body holds the images.</param>
    /// <param name="model">cnn, lenet, mlp, logreg or ensemble; default: the most accurate single model.</param>
    /// <param name="include">'input' adds, per image, the 28x28 image the model saw, as a base64 PNG.</param>
    /// <param name="alwaysAnswer">true: an image that does not look like a digit gets its best guess flagged uncertain, instead of a not-a-digit problem.</param>
    /// <param name="services">Prediction services.</param>
    /// <param name="cancellationToken">Aborted when the client disconnects.</param>
    public static async Task<Results<Ok<BatchPredictionResponse>, ProblemHttpResult>> PredictBatch(
        HttpRequest request,
        [Description("cnn, lenet, mlp, logreg or ensemble; default: the most accurate single model")] string? model,
        [Description("'input' adds, per image, the 28x28 image the model saw, as a base64 PNG")] string? include,
        [Description(PredictionEndpoints.AlwaysAnswerDescription)] bool? alwaysAnswer,
        PredictionServices services,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var name = services.UseModel(request.HttpContext, model);
            using var uploads = await services.Uploads.ReadEachAsync(request, services.Uploads.MaxBatchImages, cancellationToken);

            // Each image fails alone: its problem takes its place in the answer and the others carry on. One decode per
            // core at a time (each within the decode memory budget), all on the request's one clock: once its time is
            // spent, the images not yet done are answered 422; none is started after the client has gone.
            var images = uploads.Uploads;
            var digits = new PreparedDigit?[images.Count];
            var problems = new ProblemDetails?[images.Count];
            using var clock = services.StartDecodeClock(cancellationToken);
            Parallel.For(0, images.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken },
                i => (digits[i], problems[i]) = Prepare(images[i], services.Preprocessor, clock));

            var valid = Enumerable.Range(0, images.Count).Where(i => digits[i] is not null).ToList();
            var predictions = valid.Count == 0
                ? []
                : await services.Classifier.ClassifyAsync(name, valid.Select(i => digits[i]!).ToList(), cancellationToken);

            var withInput = PredictionEndpoints.IncludesInput(include);
            var items = new BatchItem[images.Count];
            var next = 0;
            for (var i = 0; i < images.Count; i++)
            {
                if (digits[i] is not { } digit)
                {
                    items[i] = BatchItem.FromProblem(i, images[i].FileName, problems[i]!);
                    continue;
                }

                var prediction = predictions[next++];
                items[i] = prediction.NotADigit && alwaysAnswer != true
                    ? BatchItem.FromNotADigit(i, images[i].FileName, prediction)
                    : BatchItem.FromPrediction(i, images[i].FileName, prediction, withInput ? services.EncodeInput(digit.Pixels) : null);
            }

            services.Diagnostics.Set("Images", images.Count);
            return TypedResults.Ok(new BatchPredictionResponse(items, name, Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 3)));
        }
        catch (DigitApiException error)
        {
            return error.ToResult(request.HttpContext);
        }
    }

    private static (PreparedDigit? Digit, ProblemDetails? Problem) Prepare(Upload upload, DigitPreprocessor preprocessor, DecodeClock clock)
    {
        if (upload.Error is not null)
        {
            return (null, upload.Error.ToProblemDetails());
        }

        if (upload.Length == 0)
        {
            return (null, ProblemKinds.EmptyPart.With("This part is empty; send the image's bytes."));
        }

        try
        {
            return (preprocessor.Prepare(upload.Bytes, clock), null);
        }
        catch (DigitApiException error)
        {
            return (null, error.ToProblemDetails());
        }
    }
}
