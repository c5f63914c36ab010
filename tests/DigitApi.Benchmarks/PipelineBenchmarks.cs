using BenchmarkDotNet.Attributes;
using DigitApi.Imaging;
using DigitApi.UnitTests;

namespace DigitApi.Benchmarks;

/// <summary>Each stage of the request path without HTTP, for the three sample uploads, on the default model.</summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private Pipeline _pipeline = null!;
    private byte[] _encoded = null!;
    private GrayImage _decoded = null!;
    private PreparedDigit[] _digit = null!;

    [ParamsSource(nameof(Images))]
    public string Image { get; set; } = SampleImages.Mnist;

    public static IEnumerable<string> Images => SampleImages.Names;

    [GlobalSetup]
    public void Setup()
    {
        _pipeline = BenchmarkPipeline.Create();
        _encoded = SampleImages.Get(Image);
        _decoded = _pipeline.Decoder.Decode(_encoded);
        _digit = [DigitPreprocessor.Prepare(_decoded)];
    }

    [GlobalCleanup]
    public void Cleanup() => _pipeline.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark]
    public GrayImage Decode() => _pipeline.Decoder.Decode(_encoded);

    [Benchmark]
    public PreparedDigit Normalize() => DigitPreprocessor.Prepare(_decoded);

    [Benchmark]
    public int Infer() => _pipeline.Classifier.ClassifyAsync(null, _digit, CancellationToken.None).GetAwaiter().GetResult()[0].Digit;

    [Benchmark]
    public int DecodeNormalizeInfer()
    {
        var digit = _pipeline.Preprocessor.Prepare(_encoded);
        return _pipeline.Classifier.ClassifyAsync(null, [digit], CancellationToken.None).GetAwaiter().GetResult()[0].Digit;
    }
}
