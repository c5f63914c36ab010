namespace DigitApi.Security;

/// <summary>Requests per client IP in a fixed window; off by default, on in the container configuration.</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimiting";

    public bool Enabled { get; set; }

    public int PermitLimit { get; set; } = 100;

    public int WindowSeconds { get; set; } = 1;
}
