using System.Security.Cryptography;
using System.Text;
using DigitApi.Common;
using DigitApi.Hosting;
using Microsoft.Extensions.Options;

namespace DigitApi.Security;

/// <summary>
/// Requires a valid <c>X-Api-Key</c> on the endpoints marked <see cref="ApiKeyEndpoint"/> when keys are configured. Keys are compared
/// as SHA-256 digests in constant time, against every key, so timing reveals neither a key nor its length.
/// </summary>
public sealed class ApiKeyMiddleware
{
    private readonly RequestDelegate _next;
    private readonly byte[][] _digests;

    public ApiKeyMiddleware(RequestDelegate next, IOptions<ApiKeyOptions> options)
    {
        _next = next;
        _digests = options.Value.Keys.Where(k => !string.IsNullOrEmpty(k)).Select(Digest).ToArray();
    }

    public async Task InvokeAsync(HttpContext context)
    {
        if (_digests.Length == 0 || !context.Is<ApiKeyEndpoint>() || HttpMethods.IsOptions(context.Request.Method)
            || IsValid(context.Request.Headers[ApiKeyOptions.HeaderName].ToString()))
        {
            await _next(context);
            return;
        }

        context.Response.Headers.WWWAuthenticate = $"ApiKey header=\"{ApiKeyOptions.HeaderName}\"";
        await ErrorResponses.WriteAsync(context, ProblemKinds.Unauthorized, $"Send a valid key in the {ApiKeyOptions.HeaderName} header.");
    }

    private bool IsValid(string key)
    {
        if (key.Length == 0)
        {
            return false;
        }

        var digest = Digest(key);
        var valid = false;
        foreach (var known in _digests)
        {
            valid |= CryptographicOperations.FixedTimeEquals(digest, known);
        }

        return valid;
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
