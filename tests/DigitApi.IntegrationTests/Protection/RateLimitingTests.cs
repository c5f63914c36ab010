using System.Net;

namespace DigitApi.IntegrationTests.Protection;

public sealed class RateLimitingTests(RateLimitingTests.Service factory) : IClassFixture<RateLimitingTests.Service>
{
    private readonly Service _factory = factory;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_client_over_its_limit_gets_429_with_retry_after()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await SendAsync(peer: "192.0.2.10");
            statuses.Add(response.StatusCode);
        }

        using var limited = await SendAsync(peer: "192.0.2.10");

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        await limited.AssertProblemAsync(429);
        Assert.InRange(int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
    }

    [Fact]
    public async Task Each_client_has_its_own_budget_and_probes_are_never_limited()
    {
        for (var i = 0; i < 3; i++)
        {
            using var spent = await SendAsync(peer: "192.0.2.20");
        }

        using var other = await SendAsync(peer: "192.0.2.21");
        using var client = _factory.CreateClient();
        var probes = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => client.GetAsync("/health/ready", Cancel)));

        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.All(probes, p => Assert.Equal(HttpStatusCode.OK, p.StatusCode));
    }

    [Fact]
    public async Task Forwarded_client_addresses_are_believed_only_from_a_configured_proxy()
    {
        // Through the known proxy, each forwarded client has its own budget.
        for (var i = 0; i < 4; i++)
        {
            using var viaProxy = await SendAsync(peer: "10.0.0.2", forwardedFor: $"198.51.100.{i}");
            Assert.Equal(HttpStatusCode.OK, viaProxy.StatusCode);
        }

        // From anyone else the header is ignored: one client inventing addresses stays one client.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var spoofed = await SendAsync(peer: "192.0.2.30", forwardedFor: $"203.0.113.{i}");
            statuses.Add(spoofed.StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);

        // Nor from loopback addresses other than 127.0.0.1 and ::1.
        statuses.Clear();
        for (var i = 0; i < 4; i++)
        {
            using var local = await SendAsync(peer: "127.0.0.2", forwardedFor: $"203.0.113.{i + 10}");
            statuses.Add(local.StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

    private async Task<HttpResponseMessage> SendAsync(string peer, string? forwardedFor = null)
    {
        using var client = _factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/predict") { Content = Http.Image(TestFiles.Read("seven.jpg"), "seven.jpg") };
        request.Headers.Add(ConfiguredFactory.PeerHeader, peer);
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        return await client.SendAsync(request, Cancel);
    }

    public sealed class Service() : ConfiguredFactory(new Dictionary<string, string?>
    {
        ["RateLimiting:Enabled"] = "true",
        ["RateLimiting:PermitLimit"] = "3",
        ["RateLimiting:WindowSeconds"] = "60",
        ["ForwardedHeaders:KnownProxies:0"] = "10.0.0.2",
    });
}
