using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using DigitApi.DeployTests.Container;
using DigitApi.DeployTests.Tooling;
using ELFSharp.ELF;
using ELFSharp.ELF.Sections;

namespace DigitApi.DeployTests;

/// <summary>
/// The two builds of ONNX Runtime: the CPU one by default, the CUDA one with -p:OnnxRuntimeFlavor=Gpu (the GPU image).
/// Both are restored for real; the GPU image's build is replayed from the Dockerfile and its app started here, on a
/// machine without CUDA, with each Inference:Provider setting.
/// </summary>
public partial class OnnxRuntimeFlavorTests(GpuBuild gpu) : IClassFixture<GpuBuild>
{
    private const string CudaProvider = "libonnxruntime_providers_cuda.so";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("Cpu", "Microsoft.ML.OnnxRuntime", "Microsoft.ML.OnnxRuntime.Gpu.Linux")]
    [InlineData("Gpu", "Microsoft.ML.OnnxRuntime.Gpu.Linux", "Microsoft.ML.OnnxRuntime")]
    public async Task Each_flavor_restores_its_onnx_runtime_at_the_one_pinned_version(string flavor, string package, string otherPackage)
    {
        // Both flavors at one version: they share the managed API, so the code is the same.
        var pins = XDocument.Parse(Repository.Read("Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(p => (string)p.Attribute("Include")!, p => (string)p.Attribute("Version")!);
        var version = pins["Microsoft.ML.OnnxRuntime"];
        Assert.Equal(version, pins["Microsoft.ML.OnnxRuntime.Gpu.Linux"]);

        // A real restore (the registry must serve that exact version: NU1603, a nearest match, is an error here),
        // written outside the source tree so that it does not disturb builds of the checkout.
        var output = Directory.CreateTempSubdirectory("digitapi-restore-");
        try
        {
            var result = await ProcessRunner.RunAsync(
                Dotnet.Command(["restore", "src/DigitApi/DigitApi.csproj", $"-p:OnnxRuntimeFlavor={flavor}", $"-p:RestoreOutputPath={output.FullName}/"], Repository.Root),
                TimeSpan.FromMinutes(10), Cancellation);
            Assert.True(result.ExitCode == 0, result.Output);

            using var assets = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output.FullName, "project.assets.json"), Cancellation));
            var libraries = assets.RootElement.GetProperty("libraries").EnumerateObject().Select(l => l.Name).ToList();
            Assert.Contains($"{package}/{version}", libraries);
            Assert.DoesNotContain(libraries, l => l.StartsWith($"{otherPackage}/", StringComparison.OrdinalIgnoreCase));
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    [Fact]
    public void Gpu_publish_carries_onnx_runtimes_cuda_provider_libraries()
    {
        Assert.All(
            ["libonnxruntime.so", CudaProvider, "libonnxruntime_providers_shared.so"],
            library => Assert.True(new FileInfo(Path.Combine(gpu.App, library)) is { Exists: true, Length: > 0 }, $"{library} is not in the GPU publish output"));
    }

    [Fact]
    public void Cuda_provider_links_the_cuda_major_of_the_gpu_image()
    {
        // The nvidia/cuda base image must carry the CUDA runtime the pinned package was built with: a CUDA 12 image
        // leaves a CUDA 13 provider unloadable.
        var cudart = Assert.Single(CudaLibrariesOfTheProvider(), l => l.StartsWith("libcudart.so.", StringComparison.Ordinal));
        var baseImage = gpu.Dockerfile.BaseImageOf(gpu.Dockerfile["gpu"]);
        Assert.Matches(@"^nvidia/cuda:[0-9.]+-cudnn-runtime-", baseImage);
        Assert.Equal(cudart["libcudart.so.".Length..], baseImage["nvidia/cuda:".Length..].Split('.')[0]);
    }

    [Fact]
    public async Task Cuda_without_cuda_stops_within_seconds_and_says_what_is_missing_and_how_to_fix_it()
    {
        // What this machine lacks of what the provider links (every CUDA library on a machine without CUDA, as CI is).
        var missing = CudaLibrariesOfTheProvider().Append("libcudnn.so.9").Where(library => !Loads(library)).ToList();
        Assert.SkipWhen(missing.Count == 0, "this machine has CUDA and cuDNN: Provider=Cuda may start here");

        var started = Stopwatch.StartNew();
        await using var app = gpu.Start("Cuda");
        var statuses = new List<HttpStatusCode>();
        while (!app.HasExited && started.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                using var response = await gpu.Http.GetAsync(new Uri(app.BaseAddress, "/health/ready"), Cancellation);
                statuses.Add(response.StatusCode);
            }
            catch (HttpRequestException)
            {
                // not listening, or already gone
            }

            await Task.Delay(100, Cancellation);
        }

        var exitCode = await app.WaitForExitAsync(TimeSpan.FromSeconds(10), Cancellation);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(30), $"stopped only after {started.Elapsed}");
        Assert.Equal(1, exitCode);
        Assert.DoesNotContain(HttpStatusCode.OK, statuses);

        // One line that says it all, in the log's own format; no stack trace anywhere.
        var output = app.Output;
        Assert.All(output, line =>
        {
            Assert.False(line.StartsWith("stderr: ", StringComparison.Ordinal), line);
            Assert.DoesNotContain("   at ", line, StringComparison.Ordinal);
            using var json = JsonDocument.Parse(line);
            Assert.False(json.RootElement.TryGetProperty("@x", out _), line);
        });
        var fatal = Assert.Single(output.Select(line => JsonDocument.Parse(line)), json => json.RootElement.TryGetProperty("@l", out var level) && level.GetString() == "Fatal");
        var message = fatal.RootElement.GetProperty("@m").GetString()!;
        Assert.StartsWith("Inference:Provider is Cuda, but the CUDA execution provider cannot run here. Missing: ", message, StringComparison.Ordinal);
        Assert.All(missing, library => Assert.Contains(library, message, StringComparison.Ordinal));
        Assert.Contains("run the GPU image", message, StringComparison.Ordinal);
        Assert.Contains("set Inference:Provider to Auto", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Auto", 1)]
    [InlineData("Cpu", 0)]
    public async Task Without_cuda_the_gpu_build_serves_on_cpu(string provider, int warnings)
    {
        await using var app = gpu.Start(provider);
        await app.WaitUntilReadyAsync(gpu.Http, TimeSpan.FromMinutes(3), Cancellation);

        // /models says which provider serves each model.
        using var models = JsonDocument.Parse(await gpu.Http.GetStringAsync(new Uri(app.BaseAddress, "/models"), Cancellation));
        var cards = models.RootElement.GetProperty("models").EnumerateArray().ToList();
        Assert.NotEmpty(cards);
        Assert.All(cards, card => Assert.Equal("Cpu", card.GetProperty("runtime").GetProperty("provider").GetString()));

        using var content = new ByteArrayContent(await File.ReadAllBytesAsync(Repository.PathOf("tests", "TestData", "images", "seven-rgb24.png"), Cancellation));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        using var response = await gpu.Http.PostAsync(new Uri(app.BaseAddress, "/predict"), content, Cancellation);
        using var prediction = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        Assert.Equal(7, prediction.RootElement.GetProperty("digit").GetInt32());

        // Auto: one warning, however many models and sessions, that says why; Cpu never tries CUDA.
        var fallbacks = app.Output.Where(line => line.Contains("\"LogCudaFallback\"", StringComparison.Ordinal)).ToList();
        Assert.Equal(warnings, fallbacks.Count);
        Assert.All(fallbacks, line =>
        {
            using var json = JsonDocument.Parse(line);
            Assert.Equal("Warning", json.RootElement.GetProperty("@l").GetString());
            Assert.Contains("so the models run on CPU. Missing: ", json.RootElement.GetProperty("@m").GetString(), StringComparison.Ordinal);
        });
        Assert.Equal(0, await app.StopAsync(TimeSpan.FromSeconds(30), Cancellation));
    }

    /// <summary>The CUDA libraries (libcu*) the published CUDA provider declares it needs, read from its ELF header.</summary>
    private List<string> CudaLibrariesOfTheProvider()
    {
        using var elf = ELFReader.Load<ulong>(Path.Combine(gpu.App, CudaProvider));
        var names = (IStringTable)elf.Sections.First(s => s.Name == ".dynstr");
        var needed = elf.GetSections<DynamicSection<ulong>>().SelectMany(d => d.Entries).Where(e => e.Tag == DynamicTag.Needed)
            .Select(e => names[(long)e.Value]).ToList();
        var cuda = needed.Where(n => CudaLibraryRegex().IsMatch(n)).ToList();
        Assert.Contains("libcuda.so.1", cuda);
        return cuda;
    }

    private static bool Loads(string library)
    {
        if (!NativeLibrary.TryLoad(library, out var handle))
        {
            return false;
        }

        NativeLibrary.Free(handle);
        return true;
    }

    [GeneratedRegex(@"^libcu[a-zA-Z]*\.so\.[0-9]+$")]
    private static partial Regex CudaLibraryRegex();
}
