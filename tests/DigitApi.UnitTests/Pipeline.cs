using DigitApi.Imaging;
using DigitApi.Inference;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;

namespace DigitApi.UnitTests;

/// <summary>
/// The real decode → normalise → infer pipeline built from a bare ServiceCollection (no HTTP),
/// with the committed models on CPU. Shared by test classes as a fixture: sessions are costly.
/// </summary>
public sealed class Pipeline : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public Pipeline() : this(new Dictionary<string, string?>())
    {
    }

    private Pipeline(IDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Inference:Provider"] = "Cpu",
                ["Inference:ModelsPath"] = "models",
            })
            .AddInMemoryCollection(settings)
            .Build();
        _services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<IHostEnvironment>(new HostingEnvironment { ContentRootPath = AppContext.BaseDirectory, EnvironmentName = "Testing" })
            .AddLogging()
            .AddMetrics()
            .AddImaging()
            .AddInference()
            .BuildServiceProvider();
        Registry.Load();
    }

    /// <summary>A pipeline with settings on top of the defaults, e.g. a tiny queue.</summary>
    public static Pipeline With(IDictionary<string, string?> settings) => new(settings);

    public DigitPreprocessor Preprocessor => _services.GetRequiredService<DigitPreprocessor>();

    public IImageDecoder Decoder => _services.GetRequiredService<IImageDecoder>();

    public DigitClassifier Classifier => _services.GetRequiredService<DigitClassifier>();

    public ModelCatalog Catalog => _services.GetRequiredService<ModelCatalog>();

    public ModelRegistry Registry => _services.GetRequiredService<ModelRegistry>();

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <summary>
    /// Classifies many encoded images through the full pipeline, in parallel, in batches: each one's digit, or -1 where
    /// the upload was rejected (no digit found).
    /// </summary>
    public int[] Classify(IReadOnlyList<byte[]> images, string? model = null) =>
        [.. Predict(images, model).Select(prediction => prediction?.Digit ?? -1)];

    /// <summary>
    /// As <see cref="Classify"/>, each upload's whole prediction (its digit, and whether the service would decline it
    /// as not a digit), or null where the upload was rejected.
    /// </summary>
    public Prediction?[] Predict(IReadOnlyList<byte[]> images, string? model = null)
    {
        var prepared = new PreparedDigit?[images.Count];
        Parallel.For(0, images.Count, i =>
        {
            try
            {
                prepared[i] = Preprocessor.Prepare(images[i]);
            }
            catch (ImageRejectedException)
            {
                prepared[i] = null;
            }
        });

        var predictions = new Prediction?[images.Count];
        var chunks = Enumerable.Range(0, images.Count).Where(i => prepared[i] is not null).Chunk(64).ToArray();
        Parallel.ForEach(chunks, chunk =>
        {
            var answers = Classifier.ClassifyAsync(model, [.. chunk.Select(i => prepared[i]!)], CancellationToken.None).GetAwaiter().GetResult();
            for (var k = 0; k < chunk.Length; k++)
            {
                predictions[chunk[k]] = answers[k];
            }
        });
        return predictions;
    }

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();
}
