using DigitApi.DeployTests.Docker;
using DigitApi.DeployTests.Tooling;

namespace DigitApi.DeployTests.Container;

/// <summary>
/// The GPU image's app without a Docker engine or a GPU: the Dockerfile's <c>build-gpu</c> stage replayed here (its
/// restore and publish with -p:OnnxRuntimeFlavor=Gpu, exactly as written), and that output run the way the <c>gpu</c>
/// stage runs it (its ENV, USER and WORKDIR), on this machine's .NET instead of the image's copy. The CUDA build of
/// ONNX Runtime is a few hundred MB: the tests of a class share one publish.
/// </summary>
public sealed class GpuBuild : IAsyncLifetime
{
    private readonly ImageFolder _folder = new("digitapi-gpu-");

    public Dockerfile Dockerfile { get; } = Dockerfile.Load(Repository.PathOf("Dockerfile"));

    /// <summary>The <c>gpu</c> stage's settings over the replayed build output.</summary>
    public ReplayedStage Image { get; private set; } = null!;

    /// <summary>The publish output (/app in the image).</summary>
    public string App => Image.HostPath(Image.WorkDir);

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    public async ValueTask InitializeAsync()
    {
        var built = await PublishedImage.Replay(Dockerfile, _folder.Root.FullName).RunAsync(Dockerfile["build-gpu"]);

        var gpu = Dockerfile["gpu"];
        var args = gpu.All("ARG").Select(a => a.Arguments.Split('=', 2)).Where(a => a.Length == 2).ToDictionary(a => a[0], a => a[1]);
        var env = new Dictionary<string, string>(gpu.Env(Dockerfile.ExpandGlobals), StringComparer.Ordinal)
        {
            ["DOTNET_ROOT"] = Dotnet.Root,
            // The image installs libturbojpeg for this; the provider is what these tests are about.
            ["Imaging__JpegDecoder"] = "Auto",
        };
        var entrypoint = gpu.Last("ENTRYPOINT")!.ExecForm;
        Image = new ReplayedStage(
            built.RootFs,
            gpu.Last("WORKDIR")!.Arguments,
            env,
            ShellWords.Expand(gpu.Last("USER")!.Arguments, args),
            ["dotnet", .. entrypoint.Skip(1)], // the image's dotnet is Microsoft's, copied in; here this machine's
            null);

        _folder.Seal(built.RootFs);
    }

    /// <summary>Starts the app with Inference:Provider set to <paramref name="provider"/>, on a free port, without waiting.</summary>
    public ContainerProcess Start(string provider) =>
        ContainerProcess.Start(
            Image with { Env = new Dictionary<string, string>(Image.Env) { ["Inference__Provider"] = provider } },
            _folder.ReadOnlyFolder,
            ContainerProcess.PickPort(0));

    public ValueTask DisposeAsync()
    {
        Http.Dispose();
        _folder.Dispose();
        return ValueTask.CompletedTask;
    }
}
