using System.Diagnostics;
using System.Net;
using DigitApi.Tests;

namespace DigitApi.IntegrationTests;

/// <summary>
/// A measurement, not a timed test: 64 images in one POST /predict/batch against 64 POST /predict calls,
/// one after another and 8 at a time, in process. It prints the figures and checks only that all three
/// give the same digits.
/// </summary>
public sealed class BatchVersusSingleMeasurement(DigitApiFactory factory, ITestOutputHelper output) : IClassFixture<DigitApiFactory>
{
    private const int Images = 64;
    private const int Rounds = 7;

    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task A_batch_of_64_and_64_single_calls_give_the_same_digits_and_their_times_are_printed()
    {
        var files = Enumerable.Range(0, Images).Select(i => TestImages.MnistPng(MnistTestSet.Instance.Images[i])).ToArray();
        await BatchAsync(files); // warm up both paths
        await SequentialAsync(files);

        var (batch, sequential, concurrent) = (new List<double>(), new List<double>(), new List<double>());
        int[] batchDigits = [], sequentialDigits = [], concurrentDigits = [];
        for (var round = 0; round < Rounds; round++)
        {
            batchDigits = await TimeAsync(batch, () => BatchAsync(files));
            sequentialDigits = await TimeAsync(sequential, () => SequentialAsync(files));
            concurrentDigits = await TimeAsync(concurrent, () => ConcurrentAsync(files));
        }

        output.WriteLine($"{Images} images, median of {Rounds} rounds, in-process server, {Environment.ProcessorCount} cores:");
        output.WriteLine($"  one /predict/batch:          {Median(batch),8:F1} ms  ({Median(batch) / Images:F2} ms per image)");
        output.WriteLine($"  64 /predict, one at a time:  {Median(sequential),8:F1} ms  ({Median(sequential) / Images:F2} ms per image)");
        output.WriteLine($"  64 /predict, 8 at a time:    {Median(concurrent),8:F1} ms  ({Median(concurrent) / Images:F2} ms per image)");
        output.WriteLine($"  batch speed-up: {Median(sequential) / Median(batch):F1}x over one at a time, {Median(concurrent) / Median(batch):F1}x over 8 at a time");
        Assert.Equal(sequentialDigits, batchDigits);
        Assert.Equal(sequentialDigits, concurrentDigits);
    }

    private async Task<int[]> BatchAsync(byte[][] files)
    {
        using var response = await _client.PostAsync("/predict/batch", Http.Images(files.Select((f, i) => (f, $"{i}.png")).ToArray()), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("digit").GetInt32()).ToArray();
    }

    private async Task<int[]> SequentialAsync(byte[][] files)
    {
        var digits = new int[files.Length];
        for (var i = 0; i < files.Length; i++)
        {
            digits[i] = await SingleAsync(files[i], TestContext.Current.CancellationToken);
        }

        return digits;
    }

    private async Task<int[]> ConcurrentAsync(byte[][] files)
    {
        var digits = new int[files.Length];
        await Parallel.ForEachAsync(Enumerable.Range(0, files.Length), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, cancel) => digits[i] = await SingleAsync(files[i], cancel));
        return digits;
    }

    private async Task<int> SingleAsync(byte[] file, CancellationToken cancellationToken)
    {
        using var response = await _client.PostAsync("/predict", Http.Image(file), cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("digit").GetInt32();
    }

    private static async Task<int[]> TimeAsync(List<double> times, Func<Task<int[]>> run)
    {
        var started = Stopwatch.GetTimestamp();
        var digits = await run();
        times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return digits;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
