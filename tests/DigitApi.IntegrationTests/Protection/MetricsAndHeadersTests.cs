using System.Net;

namespace DigitApi.IntegrationTests.Protection;

public sealed class MetricsAndHeadersTests(DigitApiFactory factory) : IClassFixture<DigitApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Metrics_are_served_in_prometheus_format_with_conventional_names()
    {
        using (var predicted = await _client.PostAsync("/predict?model=lenet", Http.Image(TestFiles.Read("seven.jpg"), "seven.jpg"), Cancel))
        {
            predicted.EnsureSuccessStatusCode();
        }

        using (var rejected = await _client.PostAsync("/predict", Http.Image("not an image"u8.ToArray(), "x.png"), Cancel))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, rejected.StatusCode);
        }

        // The exporter caches a scrape briefly; ask until the requests above appear.
        var text = "";
        for (var attempt = 0; attempt < 40 && !text.Contains("status_code=\"415\"", StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(100, Cancel);
            using var response = await _client.GetAsync("/metrics", Cancel);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
            text = await response.Content.ReadAsStringAsync(Cancel);
        }

        var lines = text.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal)
            && l.Contains("http_route=\"/predict/\"", StringComparison.Ordinal) && l.Contains("model=\"lenet\"", StringComparison.Ordinal)
            && l.Contains("http_response_status_code=\"200\"", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal) && l.Contains("status_code=\"415\"", StringComparison.Ordinal));
        foreach (var name in new[]
        {
            "digitapi_inference_duration_seconds_bucket{", "digitapi_inference_batch_size_bucket{", "digitapi_queue_depth{",
            "digitapi_model_load_duration_seconds_count{", "digitapi_predictions_total{",
            "dotnet_gc_collections_total{", "dotnet_gc_pause_time_seconds_total{", "dotnet_thread_pool_queue_length",
        })
        {
            Assert.Contains(lines, l => l.StartsWith(name, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/models")]
    [InlineData("/swagger/index.html")]
    public async Task Responses_carry_security_headers_and_no_server_banner(string path)
    {
        using var response = await _client.GetAsync(path, Cancel);

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.True(response.Headers.Contains("Referrer-Policy"));
        Assert.False(response.Headers.Contains("Server"));
    }
}
