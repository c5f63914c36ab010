namespace DigitApi.Hosting;

/// <summary>The endpoint runs a model on what the client sends: it passes admission control, and needs an API key.</summary>
public sealed class InferenceEndpoint
{
    public static readonly InferenceEndpoint Instance = new();

    private InferenceEndpoint()
    {
    }
}

/// <summary>The endpoint serves the models to clients: it needs an API key when keys are configured.</summary>
public sealed class ApiKeyEndpoint
{
    public static readonly ApiKeyEndpoint Instance = new();

    private ApiKeyEndpoint()
    {
    }
}

/// <summary>
/// A probe or a scrape: never rate-limited, answered while the service drains at shutdown, and not logged per
/// request (orchestrators and Prometheus call them every few seconds).
/// </summary>
public sealed class InfrastructureEndpoint
{
    public static readonly InfrastructureEndpoint Instance = new();

    private InfrastructureEndpoint()
    {
    }
}

/// <summary>
/// Which policies an endpoint gets, declared where it is mapped (on its route group) and read by the middleware
/// from <c>HttpContext.GetEndpoint()</c>. Routing runs first in the pipeline, so every middleware sees it.
/// </summary>
public static class EndpointConventions
{
    /// <summary>Admission control and API keys.</summary>
    public static TBuilder AsInference<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(InferenceEndpoint.Instance, ApiKeyEndpoint.Instance);

    /// <summary>API keys only (reads of what inference clients need, such as model metadata).</summary>
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(ApiKeyEndpoint.Instance);

    /// <summary>No rate limit, no shutdown refusal, no request log line.</summary>
    public static TBuilder AsInfrastructure<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(InfrastructureEndpoint.Instance).DisableRateLimiting();

    public static bool Is<TMarker>(this HttpContext context)
        where TMarker : class =>
        context.GetEndpoint()?.Metadata.GetMetadata<TMarker>() is not null;
}
