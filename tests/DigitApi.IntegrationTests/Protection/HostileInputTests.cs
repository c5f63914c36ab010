using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using DigitApi.Tests;

namespace DigitApi.IntegrationTests.Protection;

public sealed class HostileInputTests(DigitApiFactory factory) : IClassFixture<DigitApiFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_thousand_malformed_uploads_get_4xx_problems_never_a_5xx_and_the_service_stays_healthy()
    {
        var client = factory.CreateClient();
        var corpus = HostileImages.Corpus(TestFiles.Folder).ToList();
        var outcomes = new ConcurrentBag<(string Name, int Status, string Body)>();

        await Parallel.ForEachAsync(corpus, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Cancel }, async (file, ct) =>
        {
            // Alternate the two ways of sending an image.
            using var content = outcomes.Count % 2 == 0 ? (HttpContent)Http.Image(file.Bytes, "upload.png") : Http.Raw(file.Bytes, "image/png");
            using var response = await client.PostAsync("/predict", content, ct);
            outcomes.Add((file.Name, (int)response.StatusCode, await response.Content.ReadAsStringAsync(ct)));
        });

        Assert.True(corpus.Count >= 1000, $"{corpus.Count} files");
        Assert.Empty(outcomes.Where(o => o.Status >= 500).Select(o => $"{o.Name}: {o.Status}"));
        Assert.All(outcomes.Where(o => o.Status >= 400), o =>
        {
            var problem = JsonDocument.Parse(o.Body).RootElement;
            Assert.Equal(o.Status, problem.GetProperty("status").GetInt32());
            Assert.DoesNotContain("   at ", o.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("/src/", o.Body, StringComparison.Ordinal);
        });
        // A flipped bit inside pixel data can leave a valid image: those must be answered as one.
        Assert.All(outcomes.Where(o => o.Status == 200), o => Assert.InRange(JsonDocument.Parse(o.Body).RootElement.GetProperty("digit").GetInt32(), 0, 9));
        Assert.True(outcomes.Count(o => o.Status is >= 400 and < 500) > corpus.Count / 2);
        foreach (var (name, status) in new[] { ("PNG declaring 50000x50000", 413), ("GIF with 500 frames", 413), ("1x1 PNG", 422), ("HTML", 415), ("empty file", 400) })
        {
            Assert.Equal(status, outcomes.Single(o => o.Name == name).Status);
        }

        using var ready = await client.GetAsync("/health/ready", Cancel);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using var seven = await client.PostAsync("/predict", Http.Image(TestFiles.Read("seven.jpg"), "seven.jpg"), Cancel);
        Assert.Equal(7, (await seven.ReadJsonAsync()).GetProperty("digit").GetInt32());
    }
}
