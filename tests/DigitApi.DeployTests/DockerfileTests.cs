using System.Text.Json;
using DigitApi.DeployTests.Docker;
using DigitApi.DeployTests.Tooling;

namespace DigitApi.DeployTests;

/// <summary>The Dockerfile, read as BuildKit reads it (no Docker engine here): structure, pins, user, port, models, health.</summary>
public class DockerfileTests
{
    private static readonly Dockerfile Dockerfile = Dockerfile.Load(Repository.PathOf("Dockerfile"));
    private static readonly DockerIgnore DockerIgnore = DockerIgnore.Parse(Repository.Read(".dockerignore"));

    /// <summary>The stages that become images people run: the default (last) stage and the GPU target.</summary>
    public static TheoryData<string> RuntimeStages => new("runtime", "gpu");

    [Fact]
    public void Builds_with_the_sdk_and_ships_only_the_aspnet_runtime()
    {
        Assert.True(Dockerfile.Stages.Count >= 2, "a multi-stage build: SDK stage(s), then a runtime stage");
        Assert.Equal("runtime", Dockerfile.Final.Name);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:", Dockerfile.BaseImageOf(Dockerfile.Final), StringComparison.Ordinal);
        Assert.Contains("chiseled", Dockerfile.BaseImageOf(Dockerfile.Final), StringComparison.Ordinal);

        // The app from the SDK stage; besides it, only libjpeg-turbo's TurboJPEG library (no package manager there).
        var copies = Dockerfile.Final.All("COPY").Where(c => c.Flags.ContainsKey("from")).ToList();
        var app = Assert.Single(copies, c => Dockerfile.BaseImageOf(Dockerfile[c.Flags["from"]]).StartsWith("mcr.microsoft.com/dotnet/sdk:", StringComparison.Ordinal));
        Assert.Equal(AppCopy, app);
        Assert.All(copies.Where(c => c != app), c => Assert.Equal(["/turbojpeg/libturbojpeg.so.0", "./"], c.Words));
    }

    /// <summary>The default image's first copy from another stage: the published app.</summary>
    private static Instruction AppCopy => Dockerfile.Final.All("COPY").First(c => c.Flags.ContainsKey("from"));

    [Theory]
    [MemberData(nameof(RuntimeStages))]
    public void Requires_the_libjpeg_turbo_it_installs(string stageName)
    {
        // Without the library the app would decode JPEG through SkiaSharp at about 1.7x the CPU: refuse to start instead.
        var stage = Dockerfile[stageName];
        Assert.Equal("TurboJpeg", stage.Env(Dockerfile.ExpandGlobals).GetValueOrDefault("Imaging__JpegDecoder"));
        var installs = stage.All("COPY").Any(c => c.Words.Contains("/turbojpeg/libturbojpeg.so.0"))
            || stage.All("RUN").Any(r => r.Words.Contains("libturbojpeg"));
        Assert.True(installs, $"{stageName} neither installs libturbojpeg nor copies it in");
    }

    [Fact]
    public void Every_base_image_is_pinned_to_a_version()
    {
        var images = Dockerfile.Stages
            .Where(s => Dockerfile.LocalStage(s.BaseImage) is null)
            .Select(s => (Line: s.From.Line, Image: Dockerfile.ExpandGlobals(s.BaseImage)))
            .Concat(Dockerfile.Stages.SelectMany(s => s.All("COPY"))
                .Where(c => c.Flags.TryGetValue("from", out var from) && Dockerfile.LocalStage(from) is null)
                .Select(c => (c.Line, Image: Dockerfile.ExpandGlobals(c.Flags["from"]))))
            .ToList();

        Assert.NotEmpty(images);
        Assert.All(images, image =>
        {
            Assert.DoesNotContain("$", image.Image, StringComparison.Ordinal);
            var name = image.Image.Split('@')[0];
            var colon = name.LastIndexOf(':');
            var tag = colon > name.LastIndexOf('/') ? name[(colon + 1)..] : null;
            Assert.True(tag is not null || image.Image.Contains("@sha256:", StringComparison.Ordinal), $"line {image.Line}: {image.Image} has no tag");
            Assert.NotEqual("latest", tag);
            Assert.True(tag is null || tag.Any(char.IsDigit), $"line {image.Line}: {image.Image} is not pinned to a version");
        });
    }

    [Theory]
    [MemberData(nameof(RuntimeStages))]
    public void Runs_as_a_non_root_user(string stageName)
    {
        var stage = Dockerfile[stageName];
        var user = Dockerfile.Lineage(stage).SelectMany(s => s.All("USER")).LastOrDefault();
        Assert.NotNull(user);

        // $APP_UID comes from Microsoft's .NET images (1654) or from the stage's own ARG.
        var known = new Dictionary<string, string>(StringComparer.Ordinal) { ["APP_UID"] = "1654" };
        foreach (var arg in stage.All("ARG").Select(a => a.Arguments.Split('=', 2)).Where(a => a.Length == 2))
        {
            known[arg[0]] = arg[1];
        }

        var name = ShellWords.Expand(user.Arguments, known).Split(':')[0];
        Assert.False(string.IsNullOrEmpty(name), $"USER {user.Arguments} resolves to nothing");
        Assert.NotEqual("root", name);
        Assert.True(!int.TryParse(name, out var uid) || uid > 0, $"USER {user.Arguments} is root");
    }

    [Theory]
    [MemberData(nameof(RuntimeStages))]
    public void Listens_on_port_8080(string stageName)
    {
        var stage = Dockerfile[stageName];
        Assert.Contains(stage.All("EXPOSE").SelectMany(e => e.Words), port => port is "8080" or "8080/tcp");
        Assert.Equal("8080", stage.Env(Dockerfile.ExpandGlobals).GetValueOrDefault("ASPNETCORE_HTTP_PORTS"));
    }

    [Theory]
    [MemberData(nameof(RuntimeStages))]
    public void Needs_no_writable_filesystem(string stageName)
    {
        // Without these the .NET runtime creates its diagnostics IPC socket in /tmp, and ONNX Runtime tries to
        // persist a telemetry device id under ~/.cache: neither is writable on a read-only root.
        var env = Dockerfile[stageName].Env(Dockerfile.ExpandGlobals);
        Assert.Equal("0", env.GetValueOrDefault("DOTNET_EnableDiagnostics"));
        Assert.Equal("1", env.GetValueOrDefault("ORT_DISABLE_TELEMETRY"));
        Assert.Empty(Dockerfile[stageName].All("VOLUME"));
    }

    [Theory]
    [MemberData(nameof(RuntimeStages))]
    public void Sets_the_same_gen0_budget_as_dotnet_run_and_the_load_scripts(string stageName)
    {
        // The published performance figures hold only for the GC setting the container really runs with.
        var value = Dockerfile[stageName].Env(Dockerfile.ExpandGlobals).GetValueOrDefault("DOTNET_GCgen0size");
        Assert.Matches("^0x[0-9a-fA-F]+$", value);
        Assert.True(Convert.ToInt64(value, 16) >= 4 * 1024 * 1024, $"a gen-0 budget of {value} bytes is below the runtime's own default");
        using var launch = JsonDocument.Parse(Repository.Read("src/DigitApi/Properties/launchSettings.json"));
        var profile = launch.RootElement.GetProperty("profiles").GetProperty("DigitApi");
        Assert.Equal(value, profile.GetProperty("environmentVariables").GetProperty("DOTNET_GCgen0size").GetString());
        Assert.Contains($"GEN0=${{GEN0-{value}}}", Repository.Read("tests/load/common.sh"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(RuntimeStages))]
    public void Health_check_runs_the_apps_probe_without_a_shell(string stageName)
    {
        var healthCheck = Dockerfile[stageName].Last("HEALTHCHECK");
        Assert.NotNull(healthCheck);
        var words = healthCheck.Arguments.Split(' ', 2);
        Assert.Equal("CMD", words[0]);

        // Exec form: the chiseled image has no /bin/sh to run a shell-form command, nor curl or wget.
        var command = JsonSerializer.Deserialize<string[]>(words[1])!;
        Assert.Matches("^(dotnet|/usr/share/dotnet/dotnet)$", command[0]);
        Assert.Equal(["/app/DigitApi.dll", "--health-probe"], command[1..3]);
        Assert.DoesNotContain(command, c => c.Contains("curl", StringComparison.Ordinal) || c.Contains("wget", StringComparison.Ordinal));

        var entrypoint = Dockerfile[stageName].Last("ENTRYPOINT");
        Assert.True(entrypoint is { IsExecForm: true }, "ENTRYPOINT in exec form, so the app is PID 1 and gets SIGTERM");
        Assert.Equal(command[0], entrypoint.ExecForm[0]);
    }

    [Fact]
    public void Restores_in_its_own_layer_before_the_sources_arrive()
    {
        var build = Dockerfile.Lineage(Dockerfile[AppCopy.Flags["from"]]);
        var instructions = build.SelectMany(s => s.Instructions).ToList();
        var restore = instructions.FindIndex(i => i.Keyword == "RUN" && i.Arguments.StartsWith("dotnet restore", StringComparison.Ordinal));
        var publish = instructions.FindIndex(i => i.Keyword == "RUN" && i.Arguments.StartsWith("dotnet publish", StringComparison.Ordinal));
        Assert.True(restore >= 0 && publish > restore, "dotnet restore, then dotnet publish");
        Assert.Contains("--no-restore", instructions[publish].Arguments, StringComparison.Ordinal);
        Assert.Contains("-c Release", instructions[publish].Arguments, StringComparison.Ordinal);

        // Before the restore only project and package files are copied: editing code reuses the restore layer.
        var copiedFirst = instructions.Take(restore).Where(i => i.Keyword == "COPY").SelectMany(c => c.Words.SkipLast(1)).ToList();
        Assert.NotEmpty(copiedFirst);
        Assert.All(copiedFirst, source => Assert.Matches(@"(\.csproj|\.props|global\.json)$", source));
    }

    [Fact]
    public void Ships_the_committed_models_inside_the_image()
    {
        var build = Dockerfile.Lineage(Dockerfile["build"]);
        Assert.Contains(build.SelectMany(s => s.All("COPY")), c => c.Words[0].TrimEnd('/') == "models");

        // Every model file is in the build context; the training pipeline and its data are not.
        var context = DockerIgnore.ContextFiles(Repository.Root).ToHashSet();
        var models = Directory.GetFiles(Repository.PathOf("models"), "*.onnx").Select(f => $"models/{Path.GetFileName(f)}").ToList();
        Assert.NotEmpty(models);
        Assert.All(models.Append("models/manifest.json"), model => Assert.Contains(model, context));
        Assert.DoesNotContain(context, f => f.StartsWith("models/train/", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_context_holds_only_what_the_build_needs()
    {
        var context = DockerIgnore.ContextFiles(Repository.Root).ToList();
        Assert.Contains("src/DigitApi/Program.cs", context);
        Assert.Contains("src/DigitApi/DigitApi.csproj", context);
        Assert.Contains("Directory.Packages.props", context);
        Assert.All(context, file =>
        {
            Assert.DoesNotMatch(@"(^|/)(bin|obj)/", file);
            Assert.False(file.StartsWith("tests/", StringComparison.Ordinal) || file.StartsWith(".github/", StringComparison.Ordinal)
                || file.StartsWith("deploy/", StringComparison.Ordinal) || file.StartsWith(".git", StringComparison.Ordinal),
                $"{file} is sent to the builder");
        });
    }

    [Theory]
    [MemberData(nameof(RuntimeStages))]
    public void Carries_oci_labels(string stageName)
    {
        var labels = Dockerfile[stageName].All("LABEL").SelectMany(l => ShellWords.Assignments(l.Arguments)).Select(p => p.Key).ToList();
        Assert.Superset(
            new HashSet<string> { "org.opencontainers.image.title", "org.opencontainers.image.source", "org.opencontainers.image.revision", "org.opencontainers.image.version" },
            labels.ToHashSet());
    }

    [Fact]
    public void Gpu_image_runs_the_cuda_build_of_onnx_runtime_on_cuda()
    {
        // The base image's CUDA major is tied to what the pinned package links in OnnxRuntimeFlavorTests, which reads it
        // from the restored provider library.
        var gpu = Dockerfile["gpu"];
        Assert.Matches(@"^nvidia/cuda:[0-9.]+-cudnn-runtime-", Dockerfile.BaseImageOf(gpu));
        Assert.Equal("Cuda", gpu.Env(Dockerfile.ExpandGlobals)["Inference__Provider"]);
        var from = gpu.All("COPY").Select(c => c.Flags.GetValueOrDefault("from")).Where(f => f is not null && Dockerfile.LocalStage(f) is { } s && s.Instructions.Any(i => i.Keyword == "RUN")).ToList();
        var runs = Dockerfile[Assert.Single(from)!].All("RUN").Where(r => r.Arguments.StartsWith("dotnet ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(runs);
        Assert.All(runs, run => Assert.Contains("-p:OnnxRuntimeFlavor=Gpu", run.Arguments, StringComparison.Ordinal));
    }
}
