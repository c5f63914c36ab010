using System.Net.Http.Headers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using DigitApi.Inference;
using DigitApi.Tests;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace DigitApi.Benchmarks;

/// <summary>
/// 64 MNIST digits as PNG files through the in-process service (no sockets): one POST /predict/batch against 64
/// POST /predict calls, one after another and 8 at a time. The setup checks that all three give the same digits.
/// </summary>
public class BatchVersusSingleBenchmarks
{
    private const int Images = 64;

    // Any type of the service's assembly names its entry point; this project has a Program of its own.
    private WebApplicationFactory<ModelCatalog> _service = null!;
    private HttpClient _client = null!;
    private byte[][] _files = null!;

    [GlobalSetup]
    public void Setup()
    {
        // The service's content root is this output folder, which holds the models (read before any other setting).
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_DIGITAPI", AppContext.BaseDirectory);
        _service = new WebApplicationFactory<ModelCatalog>().WithWebHostBuilder(builder => builder
            .UseEnvironment("Benchmark")
            .UseSetting("Inference:Provider", "Cpu")
            .UseSetting("Serilog:MinimumLevel:Default", "Warning"));
        _client = _service.CreateClient();
        _files = [.. Enumerable.Range(0, Images).Select(i => TestImages.MnistPng(MnistTestSet.Instance.Images[i]))];
        var batch = Batch().GetAwaiter().GetResult();
        if (!batch.SequenceEqual(OneAtATime().GetAwaiter().GetResult()) || !batch.SequenceEqual(EightAtATime().GetAwaiter().GetResult()))
        {
            throw new InvalidOperationException("The batch and the single calls read different digits.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.Dispose();
        _service.Dispose();
    }

    [Benchmark(Baseline = true, Description = "one /predict/batch of 64")]
    public async Task<int[]> Batch()
    {
        using var form = new MultipartFormDataContent();
        for (var i = 0; i < _files.Length; i++)
        {
            form.Add(Png(_files[i]), "image", $"{i}.png");
        }

        using var response = await _client.PostAsync("/predict/batch", form);
        using var json = await JsonDocument.ParseAsync(await response.EnsureSuccessStatusCode().Content.ReadAsStreamAsync());
        return [.. json.RootElement.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("digit").GetInt32())];
    }

    [Benchmark(Description = "64 /predict, one at a time")]
    public async Task<int[]> OneAtATime()
    {
        var digits = new int[_files.Length];
        for (var i = 0; i < _files.Length; i++)
        {
            digits[i] = await SingleAsync(_files[i], CancellationToken.None);
        }

        return digits;
    }

    [Benchmark(Description = "64 /predict, 8 at a time")]
    public async Task<int[]> EightAtATime()
    {
        var digits = new int[_files.Length];
        await Parallel.ForEachAsync(Enumerable.Range(0, _files.Length), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, cancel) => digits[i] = await SingleAsync(_files[i], cancel));
        return digits;
    }

    private async Task<int> SingleAsync(byte[] file, CancellationToken cancellationToken)
    {
        using var form = new MultipartFormDataContent { { Png(file), "image", "digit.png" } };
        using var response = await _client.PostAsync("/predict", form, cancellationToken);
        using var json = await JsonDocument.ParseAsync(await response.EnsureSuccessStatusCode().Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return json.RootElement.GetProperty("digit").GetInt32();
    }

    private static ByteArrayContent Png(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        return content;
    }
}
