using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace DigitApi.BrowserTests;

/// <summary>
/// The real service, built by this project's build, running as its own process on a free loopback
/// port: a browser needs a socket, which an in-memory TestServer does not have.
/// </summary>
public sealed class DigitApiService : IAsyncDisposable
{
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(3);
    private readonly Process _process;
    private readonly Queue<string> _log = new();

    private DigitApiService(Process process, Uri address)
    {
        _process = process;
        BaseAddress = address;
    }

    public Uri BaseAddress { get; }

    /// <summary>The service's build output folder, which holds the committed models under models/.</summary>
    public static string Folder => Path.GetDirectoryName(Metadata("DigitApiAssembly"))!;

    /// <summary>The last lines the service wrote, for failure messages.</summary>
    public string LogTail
    {
        get
        {
            lock (_log)
            {
                return string.Join(Environment.NewLine, _log);
            }
        }
    }

    /// <summary>Starts the service on a free port and waits until it is ready.</summary>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <param name="settings">Configuration on top, as command-line pairs, e.g. "--Inference:ModelsPath", "/tmp/models".</param>
    public static async Task<DigitApiService> StartAsync(CancellationToken cancellationToken, params string[] settings)
    {
        var assembly = Metadata("DigitApiAssembly");
        var webRoot = Metadata("DigitApiWebRoot");
        var address = new Uri($"http://127.0.0.1:{FreePort()}/");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] arguments =
        [
            assembly,
            "--urls", address.ToString().TrimEnd('/'),
            "--webroot", webRoot,
            "--Inference:Provider", "Cpu",
            "--Serilog:MinimumLevel:Default", "Warning",
            .. settings,
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // As in production, not Development: no developer exception page, no static web assets manifest.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet could not be started.");
        var service = new DigitApiService(process, address);
        process.OutputDataReceived += (_, e) => service.Append(e.Data);
        process.ErrorDataReceived += (_, e) => service.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await service.WaitUntilReadyAsync(cancellationToken);
            return service;
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartupTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The service exited with code {_process.ExitCode} before it was ready:{Environment.NewLine}{LogTail}");
            }

            try
            {
                using var response = await http.GetAsync("health/ready", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Busy loading models on a slow machine.
            }

            await Task.Delay(250, cancellationToken);
        }

        throw new TimeoutException($"The service was not ready within {StartupTimeout}:{Environment.NewLine}{LogTail}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.Enqueue(line);
            while (_log.Count > 200)
            {
                _log.Dequeue();
            }
        }
    }

    private static string Metadata(string key) =>
        typeof(DigitApiService).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value
            ?? throw new InvalidOperationException($"The test assembly has no '{key}' metadata; it is written by the project's build.");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
