using System.Diagnostics;
using DigitApi.UnitTests;

namespace DigitApi.Benchmarks;

/// <summary>
/// The in-process ceiling: the service's decode → normalise → infer pipeline on every core with no
/// HTTP in front, as many concurrent callers as the load test has connections. The service's
/// requests/s divided by this figure is the share HTTP, multipart and JSON leave.
/// </summary>
public static class Ceiling
{
    public static async Task<int> RunAsync(string image, TimeSpan duration, int concurrency)
    {
        await using var pipeline = BenchmarkPipeline.Create();
        // A sample's name or a file (tests/load writes the samples, and EXTRA_IMAGES of your own, to a folder).
        var encoded = File.Exists(image) ? File.ReadAllBytes(image) : SampleImages.Get(image);
        image = Path.GetFileName(image);
        var predicted = Once(pipeline, encoded);
        if (SampleImages.Names.Contains(image) && predicted != SampleImages.Label)
        {
            Console.Error.WriteLine($"{image}: predicted {predicted}, expected {SampleImages.Label}");
            return 1;
        }

        // Warm-up (JIT tiers, pools), then the measured run.
        await Drive(pipeline, encoded, predicted, TimeSpan.FromSeconds(2), concurrency);
        var started = Stopwatch.GetTimestamp();
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var (count, different) = await Drive(pipeline, encoded, predicted, duration, concurrency);
        var cpu = Environment.CpuUsage.TotalTime - cpuBefore;
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Console.WriteLine($"{image}\t{count / seconds:F0} per s\t{cpu.TotalMicroseconds / count:F0} us cpu per image\t{concurrency} callers\t{Environment.ProcessorCount} cores\t{count} in {seconds:F1} s");
        if (different > 0)
        {
            // Every call classifies the same upload: another answer means batches mix up their rows.
            Console.Error.WriteLine($"{image}: {different} of {count} calls answered other than {predicted}");
            return 1;
        }

        return 0;
    }

    private static int Once(Pipeline pipeline, byte[] encoded) =>
        pipeline.Classifier.ClassifyAsync(null, [pipeline.Preprocessor.Prepare(encoded)], CancellationToken.None).GetAwaiter().GetResult()[0].Digit;

    private static async Task<(long Count, long Different)> Drive(Pipeline pipeline, byte[] encoded, int expected, TimeSpan duration, int concurrency)
    {
        long count = 0, different = 0;
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var callers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < until)
            {
                // As the endpoint does: preprocess on the caller's thread, then await the batcher.
                var digit = pipeline.Preprocessor.Prepare(encoded);
                var predictions = await pipeline.Classifier.ClassifyAsync(null, [digit], CancellationToken.None);
                Interlocked.Increment(ref count);
                if (predictions[0].Digit != expected)
                {
                    Interlocked.Increment(ref different);
                }
            }
        }));
        await Task.WhenAll(callers);
        return (count, different);
    }
}
