using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using DigitApi.DeployTests.Docker;
using DigitApi.DeployTests.Tooling;

namespace DigitApi.DeployTests.Container;

/// <summary>
/// A replayed image started the way a container runtime starts it: its ENTRYPOINT, as its USER (dropping root with
/// setpriv when the tests run as root), in its WORKDIR, with only its ENV, and with HOME and TMPDIR pointing at
/// read-only folders, so that a write anywhere fails as it would on a read-only root filesystem.
/// </summary>
public sealed class ContainerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly IReadOnlyDictionary<string, string> _env;

    private ContainerProcess(ReplayedStage image, IReadOnlyDictionary<string, string> env, int port)
    {
        Image = image;
        Port = port;
        _env = env;
        _process = new Process { StartInfo = StartInfo(image, env, image.Entrypoint) };
        _process.StartInfo.RedirectStandardOutput = true;
        _process.StartInfo.RedirectStandardError = true;
        _process.OutputDataReceived += (_, e) => Collect(e.Data);
        _process.ErrorDataReceived += (_, e) => Collect(e.Data, "stderr: ");
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public ReplayedStage Image { get; }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the container wrote to stdout and stderr so far.</summary>
    public IReadOnlyList<string> Output => [.. _output];

    public string OutputText => string.Join('\n', _output);

    /// <summary>The user id the container runs as: the image's USER when the tests run as root, else the current user.</summary>
    public static int UserId(ReplayedStage image) =>
        CurrentUserId() == 0
            ? int.TryParse(image.User, CultureInfo.InvariantCulture, out var uid)
                ? uid
                : throw new NotSupportedException($"USER '{image.User}' must be numeric to be replayed")
            : CurrentUserId();

    /// <summary>Starts the image on <paramref name="port"/> (its ASPNETCORE_HTTP_PORTS overridden only if that differs).</summary>
    public static ContainerProcess Start(ReplayedStage image, string readOnlyFolder, int port)
    {
        var env = new Dictionary<string, string>(image.Env, StringComparer.Ordinal)
        {
            // dotnet first, as in the image; nothing of this machine's environment leaks in.
            ["PATH"] = $"{Dotnet.Root}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            ["HOME"] = readOnlyFolder,
            ["TMPDIR"] = readOnlyFolder,
        };
        if (port.ToString(CultureInfo.InvariantCulture) != env.GetValueOrDefault("ASPNETCORE_HTTP_PORTS"))
        {
            env["ASPNETCORE_HTTP_PORTS"] = port.ToString(CultureInfo.InvariantCulture);
        }

        return new ContainerProcess(image, env, port);
    }

    /// <summary>8080, the image's port, unless something here already listens there; then any free port.</summary>
    public static int PickPort(int preferred)
    {
        foreach (var candidate in new[] { preferred, 0 })
        {
            try
            {
                var listener = new TcpListener(IPAddress.Any, candidate);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
                return port;
            }
            catch (SocketException) when (candidate != 0)
            {
                // taken: fall through to a free one
            }
        }

        throw new InvalidOperationException("no free port");
    }

    /// <summary>Like <c>docker exec</c>: a command in the container's user, environment and working directory.</summary>
    public Task<ProcessResult> ExecAsync(IReadOnlyList<string> command, TimeSpan timeout, CancellationToken cancellationToken) =>
        ProcessRunner.RunAsync(StartInfo(Image, _env, command), timeout, cancellationToken);

    public async Task WaitUntilReadyAsync(HttpClient http, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the app exited with {_process.ExitCode} before it was ready:\n{OutputText}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(BaseAddress, "/health/ready"), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"not ready after {timeout}:\n{OutputText}");
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    /// <summary>Like <c>docker stop</c>: SIGTERM, then the exit code, or SIGKILL after <paramref name="grace"/>.</summary>
    public async Task<int> StopAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        var kill = await ProcessRunner.RunAsync(
            "kill", ["-TERM", ProcessId.ToString(CultureInfo.InvariantCulture)], Path.GetTempPath(), TimeSpan.FromSeconds(30), cancellationToken);
        Assert.True(kill.ExitCode == 0, kill.Output);
        return await WaitForExitAsync(grace, cancellationToken);
    }

    /// <summary>The exit code once the app ends by itself, or SIGKILL and a <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"still running after {timeout}:\n{OutputText}");
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

    private static ProcessStartInfo StartInfo(ReplayedStage image, IReadOnlyDictionary<string, string> env, IReadOnlyList<string> command)
    {
        // argv[0] through the container's PATH; absolute paths inside the container mapped to the replayed root.
        var argv = command.Select((word, i) =>
            i == 0 && !word.Contains('/', StringComparison.Ordinal)
                ? env["PATH"].Split(':').Select(dir => Path.Combine(dir, word)).FirstOrDefault(File.Exists) ?? word
                : word.StartsWith('/') && Path.Exists(image.HostPath(word)) ? image.HostPath(word) : word).ToList();

        if (CurrentUserId() == 0)
        {
            var uid = UserId(image);
            argv = ["setpriv", $"--reuid={uid}", $"--regid={uid}", "--clear-groups", "--no-new-privs", "--", .. argv];
            argv[0] = ProcessRunner.FindOnPath("setpriv") ?? throw new FileNotFoundException("setpriv (util-linux) is needed to drop root");
        }

        var start = new ProcessStartInfo(argv[0]) { WorkingDirectory = image.HostPath(image.WorkDir), UseShellExecute = false };
        foreach (var argument in argv.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        foreach (var (key, value) in env)
        {
            start.Environment[key] = value;
        }

        return start;
    }

    private static int CurrentUserId()
    {
        var uid = File.ReadLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal));
        return int.Parse(uid.Split('\t', StringSplitOptions.RemoveEmptyEntries)[2], CultureInfo.InvariantCulture); // effective
    }

    private void Collect(string? line, string prefix = "")
    {
        if (line is not null)
        {
            _output.Enqueue(prefix + line);
        }
    }
}
