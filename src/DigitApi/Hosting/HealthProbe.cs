namespace DigitApi.Hosting;

/// <summary>
/// <c>dotnet DigitApi.dll --health-probe [path]</c>: asks the instance running beside it (same container, same
/// environment) for its health over loopback and exits 0 when healthy, 1 when not. It is the image's HEALTHCHECK:
/// the chiseled runtime image has no shell, curl or wget, but it has <c>dotnet</c>.
/// </summary>
public static class HealthProbe
{
    public const string Switch = "--health-probe";

    /// <summary>Readiness by default: Docker and compose should route to an instance only once its models are warm.</summary>
    public const string DefaultPath = Endpoints.HealthEndpoints.ReadyPath;

    private const int DefaultPort = 8080;

    public static bool IsRequested(IReadOnlyList<string> args) => args.Count > 0 && args[0] == Switch;

    /// <returns>The process exit code: 0 healthy, 1 unhealthy or unreachable.</returns>
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var path = args.Count > 1 ? args[1] : DefaultPath;
        var uri = new Uri(new Uri($"http://127.0.0.1:{ListeningPort()}"), path);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead);
            await Console.Out.WriteLineAsync($"{(int)response.StatusCode} {uri.AbsolutePath}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await Console.Out.WriteLineAsync($"unreachable {uri.AbsolutePath}: {ex.Message}");
            return 1;
        }
    }

    /// <summary>
    /// The port Kestrel listens on, read the way Kestrel reads it: ASPNETCORE_URLS wins over ASPNETCORE_HTTP_PORTS
    /// (which Microsoft's images set to 8080); the first entry of either.
    /// </summary>
    internal static int ListeningPort()
    {
        var urls = Environment.GetEnvironmentVariable("ASPNETCORE_URLS");
        if (!string.IsNullOrWhiteSpace(urls))
        {
            var first = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
            var hostAndPort = first[(first.IndexOf("://", StringComparison.Ordinal) + 3)..].TrimEnd('/');
            var colon = hostAndPort.LastIndexOf(':');
            return colon >= 0 && int.TryParse(hostAndPort[(colon + 1)..], out var urlPort) ? urlPort : 80;
        }

        var ports = Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS");
        if (!string.IsNullOrWhiteSpace(ports)
            && int.TryParse(ports.Split(';', ',')[0].Trim(), out var port))
        {
            return port;
        }

        return DefaultPort;
    }
}
