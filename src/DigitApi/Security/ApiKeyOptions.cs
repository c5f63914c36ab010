namespace DigitApi.Security;

/// <summary>
/// Optional API keys for the endpoints that serve the models (<see cref="Hosting.EndpointConventions.RequireApiKey"/>).
/// No keys: open access.
/// </summary>
public sealed class ApiKeyOptions
{
    public const string SectionName = "ApiKeys";

    public const string HeaderName = "X-Api-Key";

    /// <summary>Accepted keys; set them from secrets (e.g. <c>ApiKeys__Keys__0</c>), never in committed files.</summary>
    public string[] Keys { get; set; } = [];
}
