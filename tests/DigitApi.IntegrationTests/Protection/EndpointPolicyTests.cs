using DigitApi.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace DigitApi.IntegrationTests.Protection;

/// <summary>
/// Which policies each mapped endpoint carries, read from the running service's route table: every route is
/// listed here, so a new endpoint fails this test until someone decides which group it belongs to.
/// </summary>
public sealed class EndpointPolicyTests(DigitApiFactory factory) : IClassFixture<DigitApiFactory>
{
    private static readonly Dictionary<string, string> Policies = new()
    {
        { "POST /predict/", "inference" },
        { "POST /predict/batch", "inference" },
        { "POST /predict/number", "inference" },
        { "POST /v2/models/{name}/infer", "inference" },
        { "POST /v2/models/{name}/versions/{version}/infer", "inference" },
        { "GET /v2/models/{name}", "api key" },
        { "GET /v2/models/{name}/versions/{version}", "api key" },
        { "GET /v2/models/{name}/ready", "api key" },
        { "GET /v2/models/{name}/versions/{version}/ready", "api key" },
        { "* /health/live", "infrastructure" },
        { "* /health/ready", "infrastructure" },
        { "GET /v2/health/live", "infrastructure" },
        { "GET /v2/health/ready", "infrastructure" },
        { "* /metrics", "infrastructure" },
        { "GET /models/", "open" },
        { "GET /models/{name}", "open" },
        { "GET /v2/", "open" },
    };

    public static TheoryData<string, string> Routes => new(Policies.Select(p => (p.Key, p.Value)));

    [Theory]
    [MemberData(nameof(Routes))]
    public void Each_endpoint_gets_the_policies_of_its_group(string route, string policy)
    {
        var metadata = Endpoints()[route];

        Assert.Equal(policy is "inference", metadata.GetMetadata<InferenceEndpoint>() is not null);
        Assert.Equal(policy is "inference" or "api key", metadata.GetMetadata<ApiKeyEndpoint>() is not null);
        Assert.Equal(policy is "infrastructure", metadata.GetMetadata<InfrastructureEndpoint>() is not null);
        Assert.Equal(policy is "infrastructure", metadata.GetMetadata<DisableRateLimitingAttribute>() is not null);
    }

    [Fact]
    public void Every_mapped_endpoint_has_a_decided_policy()
    {
        Assert.Equal(Policies.Keys.Order(), Endpoints().Keys.Order());
    }

    private Dictionary<string, EndpointMetadataCollection> Endpoints() =>
        factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"]) // "*": any method
                .Select(method => (Key: $"{method} {e.RoutePattern.RawText}", e.Metadata)))
            .ToDictionary(e => e.Key, e => e.Metadata);
}
