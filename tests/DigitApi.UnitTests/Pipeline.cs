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

    /// <summary>Classifies many encoded images through the full pipeline, in parallel, in batches.</summary>
    public int[] Classify(IReadOnlyList<byte[]> images, string? model = null)
    {
        var pixels = new float[images.Count][];
        Parallel.For(0, images.Count, i => pixels[i] = Preprocessor.Prepare(images[i]).Pixels);
        var digits = new int[images.Count];
        var chunks = Enumerable.Range(0, (images.Count + 63) / 64).ToArray();
        Parallel.ForEach(chunks, chunk =>
        {
            var start = chunk * 64;
            var batch = pixels.Skip(start).Take(64).ToList();
            var predictions = Classifier.ClassifyAsync(model, batch, CancellationToken.None).GetAwaiter().GetResult();
            for (var i = 0; i < predictions.Length; i++)
            {
                digits[start + i] = predictions[i].Digit;
            }
        });
        return digits;
    }

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();
}
