using System.Text.RegularExpressions;
using DigitApi.DeployTests.Tooling;

namespace DigitApi.DeployTests;

/// <summary>.github: actionlint over the workflows, and the release rules they must keep (OIDC, least privilege, pins).</summary>
public partial class WorkflowTests
{
    private static readonly string[] Workflows = [".github/workflows/ci.yml", ".github/workflows/deploy.yml"];

    [Fact]
    public async Task Workflows_pass_actionlint()
    {
        var result = await ProcessRunner.RunAsync(Actionlint(), Workflows, Repository.Root, TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
        Assert.True(result.ExitCode == 0 && result.Output.Trim().Length == 0, $"actionlint:\n{result.Output}");
    }

    [Fact]
    public async Task Actionlint_reports_a_broken_workflow()
    {
        // Proves the actionlint found above really lints: a job needing a missing job is an error.
        var dir = Directory.CreateTempSubdirectory("digitapi-actionlint-");
        try
        {
            var broken = Path.Combine(dir.FullName, "broken.yml");
            await File.WriteAllTextAsync(broken, """
                on: push
                jobs:
                  test:
                    needs: build
                    runs-on: ubuntu-latest
                    steps:
                      - run: echo "${{ github.nothing.here }}"
                """, TestContext.Current.CancellationToken);
            var result = await ProcessRunner.RunAsync(Actionlint(), [broken], dir.FullName, TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
            Assert.Equal(1, result.ExitCode);
            Assert.Contains("\"build\"", result.Output, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Every_action_is_pinned_to_a_commit()
    {
        var uses = Workflows.SelectMany(w => Regex.Matches(Repository.Read(w), @"uses:\s*(\S+)").Select(m => (Workflow: w, Action: m.Groups[1].Value))).ToList();
        Assert.NotEmpty(uses);
        Assert.All(uses, u => Assert.True(
            u.Action.StartsWith("./", StringComparison.Ordinal) || PinnedRegex().IsMatch(u.Action),
            $"{u.Workflow}: {u.Action} is not pinned to a full commit SHA"));
    }

    [Fact]
    public void Deploy_signs_in_with_open_id_connect_and_least_privilege()
    {
        var workflow = Yaml.Load(".github", "workflows", "deploy.yml");
        Assert.Empty(workflow.Map("permissions")); // nothing by default; jobs ask for what they use
        Assert.Equal("false", workflow.Map("concurrency").Text("cancel-in-progress"));
        Assert.Contains("main", workflow.Map("on").Map("workflow_run").Strings("branches"));

        foreach (var (name, job) in workflow.Map("jobs"))
        {
            var permissions = job.Map("permissions");
            Assert.True(
                permissions.All(p => (p.Key, p.Value) is ("contents", "read") or ("id-token", "write")),
                $"job {name} asks for more than contents: read and id-token: write");
            var login = job.Items("steps").Single(s => s.Text("uses")?.StartsWith("azure/login@", StringComparison.Ordinal) == true);
            var with = login.Map("with");
            Assert.Superset(new HashSet<object> { "client-id", "tenant-id", "subscription-id" }, with.Keys.ToHashSet());
            Assert.Null(with.Get("creds")); // no service-principal secret
        }
    }

    [Fact]
    public void Ci_tests_every_push_and_pull_request_and_publishes_the_results()
    {
        var workflow = Yaml.Load(".github", "workflows", "ci.yml");
        var on = Assert.IsType<Dictionary<object, object>>(workflow["on"]);
        Assert.True(on.ContainsKey("push") && on.ContainsKey("pull_request"));
        Assert.Equal(new Dictionary<object, object> { ["contents"] = "read" }, workflow.Map("permissions"));

        var steps = workflow.Map("jobs").Map("build-and-test").Items("steps");
        Assert.Contains(steps, s => s.Text("run") == ".ci/deploy-checks.sh");
        Assert.Contains(steps, s => s.Text("run")?.StartsWith("dotnet test", StringComparison.Ordinal) == true);
        Assert.Contains(steps, s => s.Text("uses")?.StartsWith("actions/upload-artifact@", StringComparison.Ordinal) == true
            && s.Map("with").Text("path") == "TestResults/");
    }

    [Fact]
    public void Dependabot_watches_nuget_actions_and_docker_images()
    {
        var ecosystems = Yaml.Load(".github", "dependabot.yml").Items("updates").Select(u => u.Text("package-ecosystem")).ToList();
        Assert.Equal(["docker", "github-actions", "nuget"], ecosystems.Order());
    }

    /// <summary>
    /// actionlint on PATH, or where .ci/deploy-checks.sh installs it; without it the test is skipped, or fails
    /// where CI is set.
    /// </summary>
    private static string Actionlint()
    {
        var prefix = Environment.GetEnvironmentVariable("DIGITAPI_TOOLS") is { Length: > 0 } tools
            ? tools
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share", "digitapi-tools");
        var found = ProcessRunner.FindOnPath("actionlint") ?? Path.Combine(prefix, "bin", "actionlint");
        OptionalComponent.Require(File.Exists(found), "actionlint is not on PATH or in the tools prefix (run .ci/deploy-checks.sh).");
        return found;
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$")]
    private static partial Regex PinnedRegex();
}
