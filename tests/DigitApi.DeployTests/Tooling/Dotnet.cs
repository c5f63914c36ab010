using System.Diagnostics;
using System.Runtime.InteropServices;

namespace DigitApi.DeployTests.Tooling;

/// <summary>The dotnet host these tests run on, for the SDK commands they start.</summary>
public static class Dotnet
{
    private static readonly Lazy<string> LazyHostPath = new(Find);

    public static string HostPath => LazyHostPath.Value;

    public static string Root => Path.GetDirectoryName(HostPath)!;

    /// <summary>
    /// An SDK command in this machine's environment, minus the MSBuild variables a test host inherits from
    /// <c>dotnet test</c>, and with no build server left running after it (they would hold the output pipes open).
    /// </summary>
    public static ProcessStartInfo Command(IEnumerable<string> arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(HostPath) { WorkingDirectory = workingDirectory };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        return start;
    }

    private static string Find()
    {
        var fromHost = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromHost) && File.Exists(fromHost))
        {
            return fromHost;
        }

        // <root>/shared/Microsoft.NETCore.App/<version>/ -> <root>/dotnet
        var beside = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", "dotnet"));
        return File.Exists(beside) ? beside : ProcessRunner.FindOnPath("dotnet") ?? throw new FileNotFoundException("dotnet host not found");
    }
}
