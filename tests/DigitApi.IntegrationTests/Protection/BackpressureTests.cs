using DigitApi.Tests;
using SkiaSharp;

namespace DigitApi.IntegrationTests.Protection;

public sealed class BackpressureTests(BackpressureTests.Service factory, DigitApiFactory unloaded) : IClassFixture<BackpressureTests.Service>, IClassFixture<DigitApiFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_burst_over_a_tiny_queue_gets_quick_503s_and_every_accepted_answer_is_right()
    {
        var client = factory.CreateClient();
        var digits = MnistTestSet.Instance;
        var images = await AnsweredRightAsync(Enumerable.Range(0, 50).Select(i => (TestImages.Presented(digits.Images[i], invert: true, scale: 4, canvas: 160, left: 10, top: 10, SKEncodedImageFormat.Png), (int)digits.Labels[i])).ToArray());

        // Each worker holds a batch open for 300 ms while the queue (capacity 2) refills behind it.
        var results = await Burst.SendAsync(client, 200, i => images[i % images.Length], Cancel);

        Assert.Contains(results, r => !r.Accepted);
        Assert.Contains(results, r => r.Accepted);
        Assert.All(results.Where(r => r.Accepted), r => Assert.True(r.Right));
    }

    // The digits an unloaded service answers right (one batch request): a digit the model declines as not a digit (a
    // 422, its judgement, not the queue's) would otherwise make the burst's answers look wrong.
    private async Task<(byte[] Image, int Label)[]> AnsweredRightAsync((byte[] Image, int Label)[] candidates)
    {
        using var response = await unloaded.CreateClient().PostAsync("/predict/batch", Http.Images([.. candidates.Select((c, i) => (c.Image, $"digit-{i}.png"))]), Cancel);
        var items = (await response.ReadJsonAsync()).GetProperty("predictions").EnumerateArray().ToArray();
        var right = candidates.Where((c, i) => !items[i].TryGetProperty("status", out _) && items[i].GetProperty("digit").GetInt32() == c.Label).ToArray();
        Assert.True(right.Length >= 40, $"{right.Length} of {candidates.Length} answered right");
        return right;
    }

    public sealed class Service() : ConfiguredFactory(new Dictionary<string, string?>
    {
        ["Inference:WorkersPerModel"] = "1",
        ["Inference:MaxBatchSize"] = "2",
        ["Inference:MaxQueueDelayMilliseconds"] = "300",
        ["Inference:QueueCapacity"] = "2",
    });
}
