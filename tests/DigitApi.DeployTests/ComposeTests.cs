using System.Text.Json;
using DigitApi.DeployTests.Docker;
using DigitApi.DeployTests.Tooling;

namespace DigitApi.DeployTests;

/// <summary>docker-compose.yml against the Dockerfile it builds (no Docker engine here; CI also runs `docker compose config`).</summary>
public class ComposeTests
{
    private static readonly Dictionary<object, object> Services = Yaml.Load("docker-compose.yml").Map("services");
    private static readonly Dockerfile Dockerfile = Dockerfile.Load(Repository.PathOf("Dockerfile"));

    [Theory]
    [InlineData("digitapi", "runtime", "Cpu")]
    [InlineData("digitapi-gpu", "gpu", "Cuda")]
    public void Service_runs_a_dockerfile_target_on_port_8080(string service, string target, string provider)
    {
        var definition = Services.Map(service);
        Assert.Equal(target, definition.Map("build").Text("target"));
        Assert.Equal(target, Dockerfile[target].Name);
        Assert.Contains(definition.Strings("ports"), port => port.EndsWith(":8080", StringComparison.Ordinal));
        Assert.Equal(provider, definition.Map("environment").Text("Inference__Provider"));
    }

    [Theory]
    [InlineData("digitapi", "runtime")]
    [InlineData("digitapi-gpu", "gpu")]
    public void Health_check_runs_the_images_probe_without_a_shell(string service, string target)
    {
        var healthCheck = Services.Map(service).Map("healthcheck");
        Assert.Null(healthCheck.Get("disable"));
        var test = healthCheck.Strings("test");

        // CMD (exec, no shell), not CMD-SHELL: the chiseled image has no shell; same command as the image's HEALTHCHECK.
        Assert.Equal("CMD", test[0]);
        var image = JsonSerializer.Deserialize<string[]>(Dockerfile[target].Last("HEALTHCHECK")!.Arguments.Split(' ', 2)[1]);
        Assert.Equal(image, test[1..]);
    }

    [Theory]
    [InlineData("digitapi")]
    [InlineData("digitapi-gpu")]
    public void Runs_limited_with_a_read_only_root(string service)
    {
        var definition = Services.Map(service);
        var limits = definition.Map("deploy").Map("resources").Map("limits");
        Assert.False(string.IsNullOrEmpty(limits.Text("cpus")));
        Assert.False(string.IsNullOrEmpty(limits.Text("memory")));
        Assert.Equal("true", definition.Text("read_only"));
        Assert.Contains("ALL", definition.Strings("cap_drop"));
    }

    [Fact]
    public void Gpu_profile_reserves_an_nvidia_device()
    {
        Assert.Null(Services.Map("digitapi").Get("profiles")); // the CPU service starts without --profile
        var gpu = Services.Map("digitapi-gpu");
        Assert.Equal(["gpu"], gpu.Strings("profiles"));
        var device = Assert.Single(gpu.Map("deploy").Map("resources").Map("reservations").Items("devices"));
        Assert.Equal("nvidia", device.Text("driver"));
        Assert.Contains("gpu", device.Strings("capabilities"));
    }
}
