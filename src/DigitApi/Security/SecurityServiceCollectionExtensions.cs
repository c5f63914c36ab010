using System.Net;
using System.Threading.RateLimiting;
using DigitApi.Common;
using DigitApi.Hosting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace DigitApi.Security;

public static class SecurityServiceCollectionExtensions
{
    private const string CorsPolicy = "configured-origins";

    /// <summary>Forwarded headers, per-IP rate limiting, API keys and CORS, each from configuration.</summary>
    public static IServiceCollection AddDigitApiSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiKeyOptions>().BindConfiguration(ApiKeyOptions.SectionName);
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName)
            .Validate(o => o.PermitLimit > 0 && o.WindowSeconds > 0, "RateLimiting:PermitLimit and WindowSeconds must be positive.").ValidateOnStart();

        var forwarded = configuration.GetSection(ForwardedHeadersSettings.SectionName).Get<ForwardedHeadersSettings>() ?? new();
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // ASP.NET Core believes all of 127.0.0.0/8 by default. Only the two addresses a proxy in the same pod
            // (a platform's sidecar) connects from stay believed, besides the configured ones.
            options.KnownIPNetworks.Clear();
            options.KnownProxies.Clear();
            options.KnownProxies.Add(IPAddress.Loopback);
            options.KnownProxies.Add(IPAddress.IPv6Loopback);
            foreach (var proxy in forwarded.KnownProxies)
            {
                options.KnownProxies.Add(IPAddress.Parse(proxy));
            }

            foreach (var network in forwarded.KnownNetworks)
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });

        services.AddRateLimiter(options =>
        {
            options.OnRejected = OnRejectedAsync;
            // Probes and scrapes are exempt through their endpoints' DisableRateLimiting (EndpointConventions.AsInfrastructure).
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var settings = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
                return RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = settings.PermitLimit,
                    Window = TimeSpan.FromSeconds(settings.WindowSeconds),
                    QueueLimit = 0,
                });
            });
        });

        var origins = configuration.GetSection(CorsSettings.SectionName).Get<CorsSettings>()?.AllowedOrigins ?? [];
        services.AddCors(options => options.AddPolicy(CorsPolicy, policy => policy
            .WithOrigins(origins)
            .WithMethods(HttpMethods.Get, HttpMethods.Post)
            .WithHeaders("Content-Type", ApiKeyOptions.HeaderName)
            .WithExposedHeaders("Retry-After")));
        return services;
    }

    /// <summary>In order: the real client address, security headers, CORS, rate limit, API key.</summary>
    public static WebApplication UseDigitApiSecurity(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseDigitApiSecurityHeaders();
        app.UseCors(CorsPolicy);
        // Off (the default for local use): no limiter in the request path at all, not one that lets everything pass.
        if (app.Services.GetRequiredService<IOptions<RateLimitOptions>>().Value.Enabled)
        {
            app.UseRateLimiter();
        }

        app.UseMiddleware<ApiKeyMiddleware>();
        return app;
    }

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1;
        await ErrorResponses.WriteAsync(rejected.HttpContext, ProblemKinds.RateLimited,
            $"This client has sent more requests than the service allows; retry after {seconds} s.", seconds);
    }
}
