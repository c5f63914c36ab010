using System.Net;
using DigitApi.Tests;

namespace DigitApi.IntegrationTests.Protection;

/// <summary>Admission control with one request at work and one waiting, under a burst (the door itself: AdmissionControlTests).</summary>
public sealed class AdmissionTests(AdmissionTests.Service factory) : IClassFixture<AdmissionTests.Service>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_burst_past_the_limit_and_the_line_gets_503s_with_retry_after_and_every_admitted_answer_is_right()
    {
        var client = factory.CreateClient();
        var digits = MnistTestSet.Instance;

        var results = await Task.WhenAll(Enumerable.Range(0, 60).Select(async i =>
        {
            using var response = await client.PostAsync("/predict", Http.Image(TestImages.MnistPng(digits.Images[i])), Cancel);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                var problem = await response.AssertProblemAsync(503);
                Assert.Equal("/problems/overloaded", problem.GetProperty("type").GetString());
                Assert.Equal("1", response.Headers.GetValues("Retry-After").Single());
                return (Admitted: false, Right: false);
            }

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (Admitted: true, Right: (await response.ReadJsonAsync()).GetProperty("digit").GetInt32() == digits.Labels[i]);
        }));

        Assert.Contains(results, r => !r.Admitted);
        Assert.Contains(results, r => r.Admitted);
        Assert.True(results.Where(r => r.Admitted).Count(r => r.Right) >= results.Count(r => r.Admitted) - 1, "admitted requests are answered as usual");
    }

    public sealed class Service() : ConfiguredFactory(new Dictionary<string, string?>
    {
        ["Admission:MaxConcurrentRequests"] = "1",
        ["Admission:QueueLength"] = "1",
    });
}
