using BenchmarkDotNet.Attributes;
using DigitApi.Inference;
using DigitApi.UnitTests;
using Microsoft.ML.OnnxRuntime;

namespace DigitApi.Benchmarks;

/// <summary>
/// Inference alone on the default model at batch 1, 8, 32 and 64 (the batcher's default largest batch): through the
/// service's queue and batcher (<see cref="Queued"/>), and as a bare ONNX Runtime call on the same kind of session
/// (<see cref="Session"/>), so that the batcher's hand-off cost is visible.
/// </summary>
[MemoryDiagnoser]
public class InferenceBenchmarks
{
    private Pipeline _pipeline = null!;
    private ModelRunner _runner = null!;
    private float[] _tensor = null!;
    private InferenceSession _session = null!;
    private OrtValue _input = null!;
    private OrtValue _output = null!;
    private RunOptions _runOptions = null!;

    [Params(1, 8, 32, 64)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _pipeline = BenchmarkPipeline.Create();
        _runner = _pipeline.Registry.Get(_pipeline.Catalog.DefaultModel);
        _tensor = new float[Batch * ModelRunner.PixelsPerRow];
        for (var i = 0; i < _tensor.Length; i++)
        {
            _tensor[i] = (i % 97) / 97f;
        }

        var (session, _) = _pipeline.Get<SessionFactory>().Create(_pipeline.Catalog.PathOf(_runner.Card));
        _session = session;
        _input = OrtValue.CreateTensorValueFromMemory(_tensor, [Batch, 1, 28, 28]);
        _output = OrtValue.CreateTensorValueFromMemory(new float[Batch * ModelRunner.ClassesPerRow], [Batch, ModelRunner.ClassesPerRow]);
        _runOptions = new RunOptions();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _input.Dispose();
        _output.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
        _pipeline.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark]
    public float[] Queued() => _runner.RunAsync(_tensor, Batch, CancellationToken.None).GetAwaiter().GetResult();

    [Benchmark(Baseline = true)]
    public void Session() => _session.Run(_runOptions, [_runner.Card.Input.Name], [_input], [_runner.Card.Output.Name], [_output]);
}
