using DigitApi.Tests;
using SkiaSharp;

namespace DigitApi.IntegrationTests.Protection;

public sealed class BackpressureTests(BackpressureTests.Service factory) : IClassFixture<BackpressureTests.Service>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_burst_over_a_tiny_queue_gets_quick_503s_and_every_accepted_answer_is_right()
    {
        var client = factory.CreateClient();
        var digits = MnistTestSet.Instance;
        var images = Enumerable.Range(0, 40).Select(i => TestImages.Presented(digits.Images[i], invert: true, scale: 4, canvas: 160, left: 10, top: 10, SKEncodedImageFormat.Png)).ToArray();

        // Each worker holds a batch open for 300 ms while the queue (capacity 2) refills behind it.
        var results = await Burst.SendAsync(client, 200, i => (images[i % images.Length], digits.Labels[i % images.Length]), Cancel);

        Assert.Contains(results, r => !r.Accepted);
        Assert.Contains(results, r => r.Accepted);
        Assert.All(results.Where(r => r.Accepted), r => Assert.True(r.Right));
    }

    public sealed class Service() : ConfiguredFactory(new Dictionary<string, string?>
    {
        ["Inference:WorkersPerModel"] = "1",
        ["Inference:MaxBatchSize"] = "2",
        ["Inference:MaxQueueDelayMilliseconds"] = "300",
        ["Inference:QueueCapacity"] = "2",
    });
}
