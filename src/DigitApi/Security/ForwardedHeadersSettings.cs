namespace DigitApi.Security;

/// <summary>
/// The reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed, besides 127.0.0.1 and ::1 (a proxy in
/// the same pod); not the rest of 127.0.0.0/8. A client IP claimed by anyone else is ignored, so it cannot dodge
/// the rate limiter.
/// </summary>
public sealed class ForwardedHeadersSettings
{
    public const string SectionName = "ForwardedHeaders";

    /// <summary>Proxy addresses, e.g. "10.0.0.4".</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Proxy networks in CIDR form, e.g. "10.0.0.0/16" (Azure Container Apps' environment subnet).</summary>
    public string[] KnownNetworks { get; set; } = [];
}
