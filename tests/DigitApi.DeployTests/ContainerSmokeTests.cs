using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using DigitApi.DeployTests.Container;
using DigitApi.DeployTests.Tooling;

namespace DigitApi.DeployTests;

/// <summary>
/// The default image, built and run here the way Docker would (see <see cref="PublishedImage"/>): publish exactly as
/// the Dockerfile does, then run the output as the non-root user, in the working directory, with the environment and
/// the read-only files the container has, and talk to it over loopback.
/// </summary>
public class ContainerSmokeTests : IClassFixture<PublishedImage>
{
    private readonly PublishedImage _image;

    public ContainerSmokeTests(PublishedImage image)
    {
        // The image's app requires libturbojpeg (Imaging:JpegDecoder=TurboJpeg); here it is this machine's copy.
        OptionalComponent.RequireTurboJpeg();
        _image = image;
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public void Publish_output_carries_the_models()
    {
        var models = Directory.GetFiles(Repository.PathOf("models"), "*.onnx").Select(Path.GetFileName).Append("manifest.json").ToList();
        Assert.All(models, model => Assert.True(
            File.Exists(_image.Image.HostPath($"{_image.Image.WorkDir}/models/{model}")), $"models/{model} is not in the image"));
    }

    [Fact]
    public async Task Answers_liveness_and_readiness()
    {
        foreach (var path in new[] { "/health/live", "/health/ready" })
        {
            using var response = await _image.Http.GetAsync(new Uri(_image.App.BaseAddress, path), Cancellation);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public void Runs_as_the_images_non_root_user()
    {
        var ids = File.ReadLines($"/proc/{_image.App.ProcessId}/status")
            .Where(l => l.StartsWith("Uid:", StringComparison.Ordinal) || l.StartsWith("Gid:", StringComparison.Ordinal))
            .SelectMany(l => l.Split('\t', StringSplitOptions.RemoveEmptyEntries).Skip(1))
            .Select(id => int.Parse(id, CultureInfo.InvariantCulture))
            .ToList();
        Assert.Equal(8, ids.Count); // real, effective, saved, filesystem; user and group
        Assert.All(ids, id => Assert.Equal(ContainerProcess.UserId(_image.Image), id));
        Assert.All(ids, id => Assert.NotEqual(0, id));
    }

    [Theory]
    [InlineData("seven.jpg", "image/jpeg")]
    [InlineData("seven-rgb24.png", "image/png")]
    [InlineData("seven.webp", "image/webp")]
    public async Task Predicts_seven_for_a_photographed_seven(string file, string contentType)
    {
        using var content = new MultipartFormDataContent();
        var bytes = new ByteArrayContent(await File.ReadAllBytesAsync(Repository.PathOf("tests", "TestData", "images", file), Cancellation));
        bytes.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        content.Add(bytes, "image", file);

        using var response = await _image.Http.PostAsync(new Uri(_image.App.BaseAddress, "/predict"), content, Cancellation);
        var body = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(7, json.RootElement.GetProperty("digit").GetInt32());
    }

    [Fact]
    public async Task Health_check_command_passes_while_the_app_is_ready()
    {
        var result = await _image.App.ExecAsync(HealthCheckCommand(), TimeSpan.FromMinutes(1), Cancellation);
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("200 /health/ready", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stops_cleanly_on_sigterm_and_the_health_check_then_fails()
    {
        await using var app = await _image.StartAsync(ContainerProcess.PickPort(0));
        var healthy = await app.ExecAsync(HealthCheckCommand(), TimeSpan.FromMinutes(1), Cancellation);
        Assert.True(healthy.ExitCode == 0, healthy.Output);

        // docker stop: SIGTERM, then SIGKILL after the grace period (30 s in docker-compose.yml).
        Assert.Equal(0, await app.StopAsync(TimeSpan.FromSeconds(30), Cancellation));

        var unhealthy = await app.ExecAsync(HealthCheckCommand(), TimeSpan.FromMinutes(1), Cancellation);
        Assert.Equal(1, unhealthy.ExitCode);
    }

    [Fact]
    public async Task Logs_json_and_no_errors_on_a_read_only_filesystem()
    {
        using (var response = await _image.Http.GetAsync(new Uri(_image.App.BaseAddress, "/models"), Cancellation))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Compact JSON lines (Serilog outside Development); a failed write would surface as an error or on stderr.
        var output = _image.App.Output;
        Assert.NotEmpty(output);
        Assert.All(output, line =>
        {
            Assert.False(line.StartsWith("stderr: ", StringComparison.Ordinal), line);
            using var json = JsonDocument.Parse(line);
            var level = json.RootElement.TryGetProperty("@l", out var l) ? l.GetString() : "Information";
            Assert.True(level is not ("Error" or "Fatal"), line);
        });
    }

    [Fact]
    public void Runs_with_the_gen0_budget_the_image_sets()
    {
        // An environment-only runtime setting: the start-up log reports the budget the GC really took.
        var expected = Convert.ToInt64(_image.Image.Env["DOTNET_GCgen0size"], 16) / (1024.0 * 1024);
        using var cpuLine = JsonDocument.Parse(_image.App.Output.Single(line => line.Contains("\"Gen0BudgetMb\"", StringComparison.Ordinal)));
        Assert.Equal(expected, cpuLine.RootElement.GetProperty("Gen0BudgetMb").GetDouble());
    }

    [Fact]
    public async Task Decodes_jpeg_with_the_libjpeg_turbo_copy_the_image_carries()
    {
        // Required by the image's settings, logged at startup, and mapped from the app's folder (not the system's).
        Assert.Equal("TurboJpeg", _image.Image.Env["Imaging__JpegDecoder"]);
        using var startup = JsonDocument.Parse(_image.App.Output.Single(line => line.Contains("\"LogJpegDecoder\"", StringComparison.Ordinal)));
        Assert.StartsWith("libjpeg-turbo", startup.RootElement.GetProperty("Decoder").GetString(), StringComparison.Ordinal);
        var carried = _image.Image.HostPath($"{_image.Image.WorkDir}/libturbojpeg.so.0");
        Assert.Contains(File.ReadLines($"/proc/{_image.App.ProcessId}/maps"), line => line.EndsWith(carried, StringComparison.Ordinal));

        using var content = new ByteArrayContent(File.ReadAllBytes(Repository.PathOf("tests", "TestData", "images", "seven-exif-rotated.jpg")));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        using var response = await _image.Http.PostAsync(new Uri(_image.App.BaseAddress, "/predict"), content, Cancellation);
        using var prediction = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        Assert.Equal(7, prediction.RootElement.GetProperty("digit").GetInt32());
    }

    /// <summary>The image's HEALTHCHECK command, as Docker runs it (exec form).</summary>
    private string[] HealthCheckCommand()
    {
        var healthCheck = _image.Image.HealthCheck;
        Assert.NotNull(healthCheck);
        return JsonSerializer.Deserialize<string[]>(healthCheck.Arguments.Split(' ', 2)[1])!;
    }
}
