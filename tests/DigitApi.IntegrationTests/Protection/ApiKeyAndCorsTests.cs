using System.Net;

namespace DigitApi.IntegrationTests.Protection;

public sealed class ApiKeyAndCorsTests(ApiKeyAndCorsTests.Service factory) : IClassFixture<ApiKeyAndCorsTests.Service>
{
    private const string Origin = "https://digits.example";

    private readonly HttpClient _client = factory.CreateClient();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("wrong-key")]
    [InlineData("first-key-but-longer")]
    public async Task Predictions_without_a_valid_key_are_401(string? key)
    {
        using var response = await PredictAsync(key);

        await response.AssertProblemAsync(401);
        Assert.Contains("X-Api-Key", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("first-key")]
    [InlineData("second-key")]
    public async Task Any_configured_key_is_accepted(string key)
    {
        using var response = await PredictAsync(key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    [InlineData("/metrics")]
    [InlineData("/swagger/v1/swagger.json")]
    [InlineData("/models")]
    public async Task Probes_metrics_docs_and_model_cards_need_no_key(string path)
    {
        using var response = await _client.GetAsync(path, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_configured_origin_passes_the_preflight_with_the_key_header()
    {
        using var response = await PreflightAsync(Origin);

        Assert.Equal(Origin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("x-api-key", response.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Other_origins_are_not_allowed()
    {
        using var response = await PreflightAsync("https://evil.example");

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private async Task<HttpResponseMessage> PredictAsync(string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/predict") { Content = Http.Image(TestFiles.Read("seven.jpg"), "seven.jpg") };
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        return await _client.SendAsync(request, Cancel);
    }

    private async Task<HttpResponseMessage> PreflightAsync(string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/predict");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "x-api-key");
        return await _client.SendAsync(request, Cancel);
    }

    public sealed class Service() : ConfiguredFactory(new Dictionary<string, string?>
    {
        ["ApiKeys:Keys:0"] = "first-key",
        ["ApiKeys:Keys:1"] = "second-key",
        ["Cors:AllowedOrigins:0"] = Origin,
    });
}
