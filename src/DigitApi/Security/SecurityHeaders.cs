using DigitApi.Hosting;

namespace DigitApi.Security;

/// <summary>Security headers on every response; Swagger UI gets a content policy loose enough for its own page.</summary>
public static class SecurityHeaders
{
    public static IApplicationBuilder UseDigitApiSecurityHeaders(this IApplicationBuilder app)
    {
        var strict = new HeaderPolicyCollection()
            .AddDefaultSecurityHeaders()
            .AddContentSecurityPolicy(csp =>
            {
                csp.AddDefaultSrc().Self();
                csp.AddScriptSrc().Self();
                csp.AddStyleSrc().Self();
                csp.AddImgSrc().Self().Data().Blob();
                csp.AddConnectSrc().Self();
                csp.AddFormAction().Self();
                csp.AddFrameAncestors().None();
                csp.AddObjectSrc().None();
                csp.AddBaseUri().Self();
            });
        var swagger = new HeaderPolicyCollection()
            .AddDefaultSecurityHeaders()
            .AddContentSecurityPolicy(csp =>
            {
                csp.AddDefaultSrc().Self();
                csp.AddScriptSrc().Self().UnsafeInline();
                csp.AddStyleSrc().Self().UnsafeInline();
                csp.AddImgSrc().Self().Data();
                csp.AddFrameAncestors().None();
                csp.AddObjectSrc().None();
            });
        app.UseWhen(c => c.Request.Path.StartsWithSegments(OpenApi.Prefix), a => a.UseSecurityHeaders(swagger));
        app.UseWhen(c => !c.Request.Path.StartsWithSegments(OpenApi.Prefix), a => a.UseSecurityHeaders(strict));
        return app;
    }
}
