using DigitApi.Hosting;
using DigitApi.Imaging;
using DigitApi.Inference;
using DigitApi.Uploads;
using Microsoft.Extensions.Options;
using Serilog;

namespace DigitApi.Endpoints;

/// <summary>What the prediction handlers need, bound with [AsParameters].</summary>
public sealed class PredictionServices(
    UploadReader uploads,
    DigitPreprocessor preprocessor,
    DigitClassifier classifier,
    ModelCatalog catalog,
    IDiagnosticContext diagnostics,
    IOptions<ImageOptions> imaging)
{
    private readonly ImageOptions _imaging = imaging.Value;

    public UploadReader Uploads { get; } = uploads;

    public DigitPreprocessor Preprocessor { get; } = preprocessor;

    public DigitClassifier Classifier { get; } = classifier;

    public ModelCatalog Catalog { get; } = catalog;

    public IDiagnosticContext Diagnostics { get; } = diagnostics;

    /// <summary>The clock of the request's Imaging:DecodeSeconds; run each image's decoding and preparation on it.</summary>
    public DecodeClock StartDecodeClock(CancellationToken requestAborted) => new(_imaging, requestAborted);

    /// <summary>The model a request asked for (or the default), named in its log line and its metrics.</summary>
    /// <exception cref="UnknownModelException">No such model.</exception>
    public string UseModel(HttpContext context, string? requested)
    {
        var name = Catalog.Resolve(requested);
        Diagnostics.Set("Model", name);
        context.TagModel(name);
        return name;
    }

    /// <summary>The 28x28 input as a base64 PNG, ink white on black as the model saw it.</summary>
    public string EncodeInput(float[] pixels)
    {
        var bytes = new byte[pixels.Length];
        for (var i = 0; i < pixels.Length; i++)
        {
            bytes[i] = (byte)Math.Clamp((int)MathF.Round(pixels[i] * 255), 0, 255);
        }

        return Convert.ToBase64String(Preprocessor.Decoder.EncodePng(new GrayImage(DigitNormalizer.Size, DigitNormalizer.Size, bytes)));
    }
}
