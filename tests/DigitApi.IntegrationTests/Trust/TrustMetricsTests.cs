namespace DigitApi.IntegrationTests.Trust;

/// <summary>
/// /metrics counts not-a-digit and uncertain answers per model. Alone, after the other tests: OpenTelemetry's
/// exporter follows instruments by meter name, so another in-process test host that stops drops the series.
/// </summary>
[Collection(nameof(TrustMetricsTests))]
public sealed class TrustMetricsTests(TrustLinesFactory factory) : IClassFixture<TrustLinesFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Metrics_count_not_a_digit_and_uncertain_answers_per_model()
    {
        var before = await ScrapeAsync();

        using (await _client.PostAsync("/predict?model=cnn", Http.Image(TestFiles.Seven, "seven.png"), Cancel))
        using (await _client.PostAsync("/predict?model=cnn&alwaysAnswer=true", Http.Image(TestFiles.Seven, "seven.png"), Cancel))
        using (await _client.PostAsync("/predict?model=lenet", Http.Image(TestFiles.Seven, "seven.png"), Cancel))
        {
        }

        // The exporter caches a scrape briefly; ask until the answers above appear.
        var after = before;
        for (var attempt = 0; attempt < 40 && Counter(after, "digitapi_uncertain_total", "lenet") <= Counter(before, "digitapi_uncertain_total", "lenet"); attempt++)
        {
            await Task.Delay(100, Cancel);
            after = await ScrapeAsync();
        }

        Assert.True(Counter(after, "digitapi_not_a_digit_total", "cnn") - Counter(before, "digitapi_not_a_digit_total", "cnn") >= 2, after);
        Assert.True(Counter(after, "digitapi_uncertain_total", "lenet") - Counter(before, "digitapi_uncertain_total", "lenet") >= 1, after);
        Assert.Equal(0, Counter(after, "digitapi_uncertain_total", "cnn")); // a not-a-digit answer is counted once, as not a digit
    }

    private async Task<string> ScrapeAsync()
    {
        using var response = await _client.GetAsync("/metrics", Cancel);
        return await response.Content.ReadAsStringAsync(Cancel);
    }

    private static double Counter(string scrape, string name, string model) =>
        scrape.Split('\n')
            .Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) && l.Contains($"model=\"{model}\"", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
}

[CollectionDefinition(nameof(TrustMetricsTests), DisableParallelization = true)]
public sealed class RunsAlone;
