namespace DigitApi.Security;

/// <summary>Optional API keys for the prediction and inference endpoints. No keys: open access.</summary>
public sealed class ApiKeyOptions
{
    public const string SectionName = "ApiKeys";

    public const string HeaderName = "X-Api-Key";

    /// <summary>Accepted keys; set them from secrets (e.g. <c>ApiKeys__Keys__0</c>), never in committed files.</summary>
    public string[] Keys { get; set; } = [];

    /// <summary>Path prefixes that need a key.</summary>
    public string[] ProtectedPaths { get; set; } = ["/predict", "/v2/models"];
}
