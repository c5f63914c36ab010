using System.Reflection;
using System.Text.Json.Nodes;
using DigitApi.DeployTests.Tooling;

namespace DigitApi.DeployTests;

/// <summary>deploy/main.bicep compiled once for the tests that read the result.</summary>
public sealed class CompiledTemplate : IAsyncLifetime
{
    private readonly DirectoryInfo _out = Directory.CreateTempSubdirectory("digitapi-bicep-main-");

    public ProcessResult Result { get; private set; } = null!;

    public string TemplatePath => Path.Combine(_out.FullName, "main.json");

    public async ValueTask InitializeAsync()
    {
        if (BicepTests.HasCli)
        {
            Result = await BicepTests.Bicep(["build", "deploy/main.bicep", "--outdir", _out.FullName]);
        }
    }

    public ValueTask DisposeAsync()
    {
        _out.Delete(recursive: true);
        return ValueTask.CompletedTask;
    }
}

/// <summary>deploy/ compiled by the Bicep CLI (from NuGet: Azure.Bicep.CommandLine.linux-x64), which fails on any warning.</summary>
public sealed class BicepTests : IClassFixture<CompiledTemplate>, IDisposable
{
    private static readonly string CliPath = typeof(BicepTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepCli").Value!;
    private readonly CompiledTemplate _main;
    private readonly DirectoryInfo _out;

    public BicepTests(CompiledTemplate main)
    {
        OptionalComponent.Require(HasCli, $"The Bicep CLI is not at {CliPath}: `dotnet restore` downloads it (PackageDownload of Azure.Bicep.CommandLine.linux-x64).");
        _main = main;
        _out = Directory.CreateTempSubdirectory("digitapi-bicep-");
    }

    internal static bool HasCli => File.Exists(CliPath);

    private static string Cli
    {
        get
        {
            var path = CliPath;
            if (!File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute))
            {
                File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute);
            }

            return path;
        }
    }

    public void Dispose() => _out.Delete(recursive: true);

    [Fact]
    public void Template_compiles_without_warnings()
    {
        AssertClean(_main.Result);
        Assert.True(File.Exists(_main.TemplatePath));
    }

    [Fact]
    public async Task Parameters_file_matches_the_template_and_takes_secrets_from_the_environment()
    {
        var key = Guid.NewGuid().ToString("N");
        var parameters = Path.Combine(_out.FullName, "parameters.json");
        var result = await Bicep(
            ["build-params", "deploy/main.bicepparam", "--outfile", parameters],
            new() { ["DIGITAPI_API_KEY"] = key, ["GITHUB_REPOSITORY"] = "contoso/digitapi" });
        AssertClean(result);

        var values = JsonNode.Parse(File.ReadAllText(parameters))!["parameters"]!;
        Assert.Equal("contoso/digitapi", (string?)values["githubRepository"]!["value"]);
        Assert.Contains(values["secretSettings"]!["value"]!.AsArray(), s => (string?)s!["value"] == key);
        Assert.DoesNotContain(key, Repository.Read("deploy", "main.bicepparam"), StringComparison.Ordinal);
    }

    [Fact]
    public void Container_app_probes_its_health_and_scales_on_concurrent_requests()
    {
        AssertClean(_main.Result);
        var template = JsonNode.Parse(File.ReadAllText(_main.TemplatePath))!;
        var (app, appTemplate) = Resources(template).Single(r => (string?)r.Resource["type"] == "Microsoft.App/containerApps");
        string? Value(JsonNode? node) => Resolve(node, appTemplate)?.ToString();

        var configuration = app["properties"]!["configuration"]!;
        Assert.Equal("true", Value(configuration["ingress"]!["external"]));
        Assert.Equal("8080", Value(configuration["ingress"]!["targetPort"]));
        Assert.Equal("Multiple", Value(configuration["activeRevisionsMode"]));

        // Image pulls with the managed identity, never with a registry password.
        var registry = Assert.Single(configuration["registries"]!.AsArray())!;
        Assert.NotNull(registry["identity"]);
        Assert.Null(registry["passwordSecretRef"]);

        var container = Assert.Single(app["properties"]!["template"]!["containers"]!.AsArray())!;
        var probes = container["probes"]!.AsArray().ToDictionary(p => (string)p!["type"]!, p => p!["httpGet"]!);
        Assert.Equal("/health/live", Value(probes["Liveness"]["path"]));
        Assert.Equal("/health/ready", Value(probes["Readiness"]["path"]));
        Assert.All(probes.Values, probe => Assert.Equal("8080", Value(probe["port"])));

        var scale = app["properties"]!["template"]!["scale"]!;
        var rule = Assert.Single(scale["rules"]!.AsArray())!;
        Assert.NotNull(rule["http"]!["metadata"]!["concurrentRequests"]);
        Assert.NotNull(scale["minReplicas"]);
        Assert.NotNull(scale["maxReplicas"]);

        // The app's identity gets AcrPull on the registry.
        Assert.Contains(Resources(template), r => (string?)r.Resource["type"] == "Microsoft.Authorization/roleAssignments"
            && Resolve(r.Resource["properties"]!["roleDefinitionId"], r.Template)!.ToString()
                .Contains("7f951dda-4ed3-4680-a7ca-43fe172d538d", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_warning_fails_the_check()
    {
        // The check above is only as good as its reading of the CLI: a template with an unused parameter must trip it.
        var file = Path.Combine(_out.FullName, "warning.bicep");
        await File.WriteAllTextAsync(file, "param unused string\n", TestContext.Current.CancellationToken);
        var result = await Bicep(["build", file, "--stdout"]);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Warning no-unused-params", result.StandardError, StringComparison.Ordinal);
        Assert.ThrowsAny<Exception>(() => AssertClean(result));
    }

    private static void AssertClean(ProcessResult result)
    {
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.True(result.StandardError.Trim().Length == 0, $"bicep reported:\n{result.StandardError}");
    }

    internal static Task<ProcessResult> Bicep(string[] arguments, Dictionary<string, string>? environment = null)
    {
        var start = new System.Diagnostics.ProcessStartInfo(Cli) { WorkingDirectory = Repository.Root };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Parameters files read the environment: start from a known one.
        start.Environment.Remove("DIGITAPI_API_KEY");
        start.Environment.Remove("GITHUB_REPOSITORY");
        foreach (var (name, value) in environment ?? [])
        {
            start.Environment[name] = value;
        }

        return ProcessRunner.RunAsync(start, TimeSpan.FromMinutes(5), TestContext.Current.CancellationToken);
    }

    /// <summary>Every resource of the compiled template, nested module deployments included, with the template it sits in.</summary>
    private static IEnumerable<(JsonNode Resource, JsonNode Template)> Resources(JsonNode template)
    {
        foreach (var resource in template["resources"] is JsonObject map ? map.Select(p => p.Value!) : template["resources"]!.AsArray().Select(r => r!))
        {
            yield return (resource, template);
            if (resource["properties"]?["template"] is JsonObject nested && nested["resources"] is not null)
            {
                foreach (var inner in Resources(nested))
                {
                    yield return inner;
                }
            }
        }
    }

    /// <summary>A value, with a plain [variables('name')] reference looked up in its template.</summary>
    private static JsonNode? Resolve(JsonNode? node, JsonNode template)
    {
        var text = node is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;
        if (text is not null && text.StartsWith("[variables('", StringComparison.Ordinal) && text.EndsWith("')]", StringComparison.Ordinal))
        {
            return template["variables"]![text[12..^3]];
        }

        return node;
    }
}
