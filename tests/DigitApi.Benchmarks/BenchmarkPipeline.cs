using DigitApi.UnitTests;

namespace DigitApi.Benchmarks;

/// <summary>The in-process pipeline the benchmarks measure, on the provider the environment asks for.</summary>
public static class BenchmarkPipeline
{
    /// <summary>
    /// The committed models, with Inference:Provider from the variable the service reads (Inference__Provider, e.g.
    /// Cuda on a GPU machine with the GPU build: tests/load/gpu.sh); CPU without it.
    /// </summary>
    public static Pipeline Create() =>
        Pipeline.With(Environment.GetEnvironmentVariable("Inference__Provider") is { Length: > 0 } provider
            ? new Dictionary<string, string?> { ["Inference:Provider"] = provider }
            : []);
}
