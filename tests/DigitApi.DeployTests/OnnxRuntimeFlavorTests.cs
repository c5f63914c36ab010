using System.Text.Json;
using DigitApi.DeployTests.Tooling;

namespace DigitApi.DeployTests;

/// <summary>
/// -p:OnnxRuntimeFlavor=Gpu, which the GPU image builds with, swaps the CPU ONNX Runtime package for the CUDA one.
/// The registry here serves no Microsoft.ML.OnnxRuntime.Gpu, so this evaluates the project instead of restoring it;
/// CI restores and builds that flavor against the public feed.
/// </summary>
public class OnnxRuntimeFlavorTests
{
    [Theory]
    [InlineData(null, "Microsoft.ML.OnnxRuntime", "Microsoft.ML.OnnxRuntime.Gpu")]
    [InlineData("Cpu", "Microsoft.ML.OnnxRuntime", "Microsoft.ML.OnnxRuntime.Gpu")]
    [InlineData("Gpu", "Microsoft.ML.OnnxRuntime.Gpu", "Microsoft.ML.OnnxRuntime")]
    public async Task FlavorChoosesTheOnnxRuntimePackage(string? flavor, string expected, string absent)
    {
        string[] arguments = ["msbuild", "src/DigitApi/DigitApi.csproj", "-getItem:PackageReference", "-getItem:PackageVersion"];
        if (flavor is not null)
        {
            arguments = [.. arguments, $"-p:OnnxRuntimeFlavor={flavor}"];
        }

        var result = await ProcessRunner.RunAsync(
            Dotnet.Command(arguments, Repository.Root), TimeSpan.FromMinutes(3), TestContext.Current.CancellationToken);
        Assert.True(result.ExitCode == 0, result.Output);

        using var json = JsonDocument.Parse(result.StandardOutput);
        var items = json.RootElement.GetProperty("Items");
        var references = items.GetProperty("PackageReference").EnumerateArray().Select(i => i.GetProperty("Identity").GetString()).ToList();
        Assert.Contains(expected, references);
        Assert.DoesNotContain(absent, references);

        // Both flavors at one version: they share the managed API, so the code is the same.
        var versions = items.GetProperty("PackageVersion").EnumerateArray()
            .ToDictionary(i => i.GetProperty("Identity").GetString()!, i => i.GetProperty("Version").GetString());
        Assert.Equal(versions["Microsoft.ML.OnnxRuntime"], versions["Microsoft.ML.OnnxRuntime.Gpu"]);
    }
}
