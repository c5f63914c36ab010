namespace DigitApi.Security;

/// <summary>Browser origins allowed to call the API from other sites; none by default (same origin only).</summary>
public sealed class CorsSettings
{
    public const string SectionName = "Cors";

    public string[] AllowedOrigins { get; set; } = [];
}
