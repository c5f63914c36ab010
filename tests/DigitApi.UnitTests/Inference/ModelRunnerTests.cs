using System.Diagnostics.Metrics;
using DigitApi.Imaging;
using DigitApi.Inference;
using Microsoft.Extensions.Configuration;

namespace DigitApi.UnitTests.Inference;

/// <summary>
/// The batcher and its workers: defaults per provider, batching, and the IoBinding path the CUDA provider
/// takes, exercised on CPU (no GPU on the development or CI machines).
/// </summary>
public class ModelRunnerTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public void Cpu_defaults_follow_the_cores_the_process_may_use_and_never_wait()
    {
        var options = new InferenceOptions();

        Assert.Equal(Environment.ProcessorCount, options.WorkersFor(ExecutionProvider.Cpu));
        Assert.Equal(TimeSpan.Zero, options.QueueDelayFor(ExecutionProvider.Cpu));
        Assert.False(options.BindsIo(ExecutionProvider.Cpu));
        Assert.Equal(1, options.EffectiveIntraOpThreads);
        Assert.False(options.AllowSpinning);
    }

    [Fact]
    public void Cuda_defaults_build_larger_batches_through_an_io_binding()
    {
        var options = new InferenceOptions();

        Assert.Equal(2, options.WorkersFor(ExecutionProvider.Cuda));
        Assert.Equal(TimeSpan.FromMilliseconds(InferenceOptions.CudaQueueDelayMilliseconds), options.QueueDelayFor(ExecutionProvider.Cuda));
        Assert.True(options.BindsIo(ExecutionProvider.Cuda));
    }

    [Fact]
    public void Configured_values_win_over_the_provider_defaults()
    {
        var options = new InferenceOptions { WorkersPerModel = 3, MaxQueueDelayMilliseconds = 0, IoBinding = false };

        Assert.Equal(3, options.WorkersFor(ExecutionProvider.Cuda));
        Assert.Equal(TimeSpan.Zero, options.QueueDelayFor(ExecutionProvider.Cuda));
        Assert.False(options.BindsIo(ExecutionProvider.Cuda));
    }

    [Fact]
    public void Cuda_provider_options_from_configuration_join_the_heuristic_algorithm_search_or_replace_it()
    {
        static Dictionary<string, string> Bound(params (string Key, string Value)[] settings) =>
            (new ConfigurationBuilder()
                .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create($"Inference:{s.Key}", (string?)s.Value)))
                .Build().GetSection(InferenceOptions.SectionName).Get<InferenceOptions>() ?? new InferenceOptions()).CudaProviderOptions();

        Assert.Equal(new Dictionary<string, string> { ["cudnn_conv_algo_search"] = "HEURISTIC", ["device_id"] = "0" }, Bound());
        Assert.Equal(
            new Dictionary<string, string> { ["cudnn_conv_algo_search"] = "HEURISTIC", ["gpu_mem_limit"] = "1073741824", ["device_id"] = "0" },
            Bound(("Cuda:gpu_mem_limit", "1073741824")));
        Assert.Equal(
            new Dictionary<string, string> { ["cudnn_conv_algo_search"] = "EXHAUSTIVE", ["device_id"] = "1" },
            Bound(("Cuda:cudnn_conv_algo_search", "EXHAUSTIVE"), ("DeviceId", "1")));
    }

    [Fact]
    public async Task Auto_falls_back_to_cpu_with_cpu_defaults_when_cuda_cannot_load()
    {
        await using var pipeline = Pipeline.With(new Dictionary<string, string?> { ["Inference:Provider"] = "Auto" });

        Assert.All(pipeline.Registry.Runners, runner =>
        {
            Assert.Equal(ExecutionProvider.Cpu, runner.Provider);
            Assert.Equal(Environment.ProcessorCount, runner.Workers);
            Assert.Equal(TimeSpan.Zero, runner.QueueDelay);
        });
    }

    [Fact]
    public void Cuda_stops_startup_with_a_clear_message_when_it_cannot_load()
    {
        // These tests run on the CPU build; the GPU build without CUDA is started as a process in the deploy tests.
        var error = Assert.Throws<CudaUnavailableException>(() => Pipeline.With(new Dictionary<string, string?> { ["Inference:Provider"] = "Cuda" }));

        Assert.StartsWith("Inference:Provider is Cuda, but the CUDA execution provider cannot run here.", error.Message, StringComparison.Ordinal);
        Assert.Contains("CPU-only ONNX Runtime", error.Message, StringComparison.Ordinal);
        Assert.Contains("-p:OnnxRuntimeFlavor=Gpu", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_io_binding_path_gives_the_same_logits_as_plain_runs_at_every_batch_size()
    {
        await using var plain = Pipeline.With(new Dictionary<string, string?> { ["Inference:WorkersPerModel"] = "1" });
        await using var bound = Pipeline.With(new Dictionary<string, string?> { ["Inference:WorkersPerModel"] = "1", ["Inference:IoBinding"] = "true" });
        var random = new Random(3);

        foreach (var rows in new[] { 1, 8, 32, 8, 1 })
        {
            var tensor = new float[rows * ModelRunner.PixelsPerRow];
            for (var i = 0; i < tensor.Length; i++)
            {
                tensor[i] = (random.NextSingle() * 2) - 1;
            }

            var expected = await plain.Classifier.LogitsAsync("cnn", tensor, rows, Cancel);
            var actual = await bound.Classifier.LogitsAsync("cnn", tensor, rows, Cancel);

            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public async Task Concurrent_requests_share_one_inference()
    {
        await using var pipeline = Pipeline.With(new Dictionary<string, string?>
        {
            ["Inference:WorkersPerModel"] = "1",
            ["Inference:MaxQueueDelayMilliseconds"] = "200",
        });
        var batches = new List<int>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // This pipeline's own meter (test classes run in parallel, each pipeline with its meter factory).
            if (instrument.Meter.Scope == pipeline.Get<IMeterFactory>() && instrument.Name == "digitapi.inference.batch_size")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, rows, _, _) =>
        {
            lock (batches)
            {
                batches.Add(rows);
            }
        });
        listener.Start();
        var digit = new PreparedDigit(new float[ModelRunner.PixelsPerRow], new PixelBox(0, 0, 28, 28), 28);

        var predictions = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => pipeline.Classifier.ClassifyAsync("lenet", [digit], Cancel)));

        Assert.Equal(16, predictions.Length);
        lock (batches)
        {
            Assert.Equal(16, batches.Sum());
            Assert.True(batches.Count < 16, $"16 requests ran as {batches.Count} inferences: {string.Join(", ", batches)}");
        }
    }

    [Fact]
    public async Task More_rows_than_a_batch_run_as_several_batches_with_the_same_logits_in_order()
    {
        await using var whole = Pipeline.With(new Dictionary<string, string?> { ["Inference:WorkersPerModel"] = "1" });
        await using var split = Pipeline.With(new Dictionary<string, string?> { ["Inference:WorkersPerModel"] = "1", ["Inference:MaxBatchSize"] = "4" });
        var random = new Random(5);
        const int Rows = 11;
        var tensor = new float[Rows * ModelRunner.PixelsPerRow];
        for (var i = 0; i < tensor.Length; i++)
        {
            tensor[i] = (random.NextSingle() * 2) - 1;
        }

        var expected = await whole.Classifier.LogitsAsync("lenet", tensor, Rows, Cancel);
        var actual = await split.Classifier.LogitsAsync("lenet", tensor, Rows, Cancel);

        Assert.Equal(Rows * ModelRunner.ClassesPerRow, actual.Length);
        Assert.Equal(expected, actual);
        // One job of more rows than a batch is refused before it is queued (RunAsync throws at once).
        Assert.Throws<BatchTooLargeException>(() => { _ = split.Registry.Get("lenet").RunAsync(tensor, Rows, Cancel); });
    }

    [Fact]
    public void The_ensemble_is_its_members_calibrated_softmax_averaged_row_by_row()
    {
        // Two members, two rows; the second member calibrated at temperature 2.
        float[] first = [2, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* row 2 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        float[] second = [0, 4, 0, 0, 0, 0, 0, 0, 0, 0, /* row 2 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
        var energies = new float[2];

        var mean = DigitClassifier.AverageMembers([(float[])first.Clone(), (float[])second.Clone()], [1f, 2f], 2, energies);

        for (var row = 0; row < 2; row++)
        {
            var a = Softmax(first.AsSpan(row * 10, 10), 1);
            var b = Softmax(second.AsSpan(row * 10, 10), 2);
            for (var i = 0; i < 10; i++)
            {
                Assert.Equal((a[i] + b[i]) / 2, mean[(row * 10) + i], 1e-6f);
            }

            var energy = (-LogSumExp(first.AsSpan(row * 10, 10)) - LogSumExp(second.AsSpan(row * 10, 10))) / 2;
            Assert.Equal(energy, energies[row], 1e-5f);
        }

        Assert.Equal(1f, mean.AsSpan(0, 10).ToArray().Sum(), 1e-6f);
    }

    private static float[] Softmax(ReadOnlySpan<float> logits, float temperature)
    {
        var exp = logits.ToArray().Select(v => Math.Exp(v / temperature)).ToArray();
        return exp.Select(e => (float)(e / exp.Sum())).ToArray();
    }

    private static float LogSumExp(ReadOnlySpan<float> logits) => (float)Math.Log(logits.ToArray().Sum(v => Math.Exp(v)));
}
