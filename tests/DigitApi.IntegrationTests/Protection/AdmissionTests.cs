using DigitApi.Tests;

namespace DigitApi.IntegrationTests.Protection;

/// <summary>Admission control with one request at work and one waiting, under a burst (the door itself: AdmissionControlTests).</summary>
public sealed class AdmissionTests(AdmissionTests.Service factory) : IClassFixture<AdmissionTests.Service>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_burst_past_the_limit_and_the_line_gets_503s_with_retry_after_and_admitted_ones_are_answered()
    {
        var client = factory.CreateClient();
        var digits = MnistTestSet.Instance;

        var results = await Burst.SendAsync(client, 60, i => (TestImages.MnistPng(digits.Images[i]), digits.Labels[i]), Cancel);

        Assert.Contains(results, r => !r.Accepted);
        Assert.Contains(results, r => r.Accepted);
        Assert.True(results.Where(r => r.Accepted).Count(r => r.Right) >= results.Count(r => r.Accepted) - 1, "admitted requests are answered as usual");
    }

    public sealed class Service() : ConfiguredFactory(new Dictionary<string, string?>
    {
        ["Admission:MaxConcurrentRequests"] = "1",
        ["Admission:QueueLength"] = "1",
    });
}
