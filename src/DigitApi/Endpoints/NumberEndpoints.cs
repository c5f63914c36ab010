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
    /// <summary>Read a multi-digit number.</summary>
    /// <param name="request">The HTTP request; its body holds the image.</param>
    /// <param name="model">cnn, lenet, mlp, logreg or ensemble; default: the ensemble.</param>
    /// <param name="alwaysAnswer">true: pieces that do not look like digits are answered with their best guesses flagged uncertain, instead of 422.</param>
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
