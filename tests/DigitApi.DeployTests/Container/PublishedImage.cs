using System.Runtime.InteropServices;
using DigitApi.DeployTests.Docker;
using DigitApi.DeployTests.Tooling;

namespace DigitApi.DeployTests.Container;

/// <summary>
/// The Dockerfile's default image without a Docker engine: its stages replayed here (the SDK stage's restore and
/// publish, exactly as written; then the runtime stage's layout), the result made read-only, and one instance of it
/// running as the container would. Publishing takes a while, so the tests of a class share it.
/// </summary>
public sealed class PublishedImage : IAsyncLifetime
{
    private readonly ImageFolder _folder = new("digitapi-image-");
    private ContainerProcess? _running;

    public Dockerfile Dockerfile { get; } = Dockerfile.Load(Repository.PathOf("Dockerfile"));

    public ReplayedStage Image { get; private set; } = null!;

    /// <summary>HOME and TMPDIR of the running instances: exists, readable, not writable.</summary>
    public string ReadOnlyFolder => _folder.ReadOnlyFolder;

    public ContainerProcess App => _running ?? throw new InvalidOperationException("not started");

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    public static string TargetArch => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => "amd64",
        Architecture.Arm64 => "arm64",
        var other => throw new PlatformNotSupportedException($"no Docker TARGETARCH for {other}"),
    };

    public async ValueTask InitializeAsync()
    {
        if (!OptionalComponent.HasTurboJpeg)
        {
            return; // the image carries libturbojpeg and its app requires it: ContainerSmokeTests skip (fail under CI)
        }

        var replay = Replay(Dockerfile, _folder.Root.FullName, new Dictionary<string, string> { ["turbojpeg"] = TurboJpegStandIn() });
        Image = await replay.RunAsync(Dockerfile.Final);

        _folder.Seal(Image.RootFs);

        try
        {
            _running = await StartAsync(ContainerProcess.PickPort(8080));
        }
        catch (InvalidOperationException e) when (e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            // Something took the port between the check and the start: any free one will do.
            _running = await StartAsync(ContainerProcess.PickPort(0));
        }
    }

    /// <summary>
    /// Replays stages of <paramref name="dockerfile"/> into <paramref name="work"/> for this machine's platform, running
    /// their dotnet commands with this machine's SDK; <paramref name="standIns"/> fill stages that install system packages.
    /// </summary>
    public static StageReplay Replay(Dockerfile dockerfile, string work, IReadOnlyDictionary<string, string>? standIns = null)
    {
        var platform = $"linux/{TargetArch}";
        return new StageReplay(
            dockerfile,
            Repository.Root,
            DockerIgnore.Parse(Repository.Read(".dockerignore")),
            work,
            new Dictionary<string, string>
            {
                ["TARGETARCH"] = TargetArch,
                ["TARGETOS"] = "linux",
                ["TARGETPLATFORM"] = platform,
                ["BUILDARCH"] = TargetArch,
                ["BUILDOS"] = "linux",
                ["BUILDPLATFORM"] = platform,
            },
            BaseImageEnv,
            RunDotnetAsync,
            standIns);
    }

    public async Task<ContainerProcess> StartAsync(int port)
    {
        var app = ContainerProcess.Start(Image, ReadOnlyFolder, port);
        try
        {
            // Model loading and warm-up on a busy two-core machine: generous.
            await app.WaitUntilReadyAsync(Http, TimeSpan.FromMinutes(3), TestContext.Current.CancellationToken);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_running is not null)
        {
            await _running.DisposeAsync();
        }

        Http.Dispose();
        _folder.Dispose();
    }

    /// <summary>
    /// The Dockerfile's <c>turbojpeg</c> stage (Ubuntu's libturbojpeg, copied out to /turbojpeg) as this machine's copy of
    /// the same library: CI installs it (Debian: libturbojpeg0).
    /// </summary>
    private string TurboJpegStandIn()
    {
        var library = new[] { "x86_64-linux-gnu", "aarch64-linux-gnu" }
            .Select(triplet => $"/usr/lib/{triplet}/libturbojpeg.so.0")
            .FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("libturbojpeg.so.0 is not installed here (Debian: apt-get install libturbojpeg0); the image carries it");
        var folder = Path.Combine(_folder.Root.FullName, "stand-in-turbojpeg");
        Directory.CreateDirectory(Path.Combine(folder, "turbojpeg"));
        File.Copy(library, Path.Combine(folder, "turbojpeg", "libturbojpeg.so.0"));
        return folder;
    }

    /// <summary>What Microsoft's .NET images set before a Dockerfile's own ENV (their Dockerfiles, dotnet/dotnet-docker).</summary>
    private static Dictionary<string, string> BaseImageEnv(string image) =>
        image.StartsWith("mcr.microsoft.com/dotnet/aspnet:", StringComparison.Ordinal)
            ? new() { ["APP_UID"] = "1654", ["ASPNETCORE_HTTP_PORTS"] = "8080", ["DOTNET_RUNNING_IN_CONTAINER"] = "true" }
            : image.StartsWith("mcr.microsoft.com/dotnet/sdk:", StringComparison.Ordinal)
                ? new() { ["DOTNET_RUNNING_IN_CONTAINER"] = "true", ["DOTNET_GENERATE_ASPNET_CERTIFICATE"] = "false", ["NUGET_XMLDOC_MODE"] = "skip" }
                : [];

    private static async Task RunDotnetAsync(IReadOnlyList<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string> env)
    {
        var start = Dotnet.Command(arguments, workingDirectory);
        foreach (var (key, value) in env)
        {
            start.Environment[key] = value; // ARG and ENV, as a RUN instruction sees them
        }

        var result = await ProcessRunner.RunAsync(start, TimeSpan.FromMinutes(15), TestContext.Current.CancellationToken);
        Assert.True(result.ExitCode == 0, $"dotnet {string.Join(' ', arguments)} failed:\n{result.Output}");
    }
}
