using System.Net;
using Microsoft.AspNetCore.Hosting;

namespace DigitApi.IntegrationTests;

/// <summary>A models folder where one file does not match its card: that model is refused, the others serve.</summary>
public sealed class DegradedServiceTests : IClassFixture<DegradedServiceTests.CorruptLogregFactory>
{
    private readonly HttpClient _client;

    public DegradedServiceTests(CorruptLogregFactory factory) => _client = factory.CreateClient();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_model_whose_file_fails_its_checksum_answers_503()
    {
        using var response = await _client.PostAsync("/predict?model=logreg", Http.Image(TestFiles.Read("seven.jpg"), "seven.jpg"), Cancel);

        var problem = await response.AssertProblemAsync(503);
        Assert.Contains("logreg", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_intact_models_keep_serving()
    {
        using var response = await _client.PostAsync("/predict?model=cnn", Http.Image(TestFiles.Read("seven.jpg"), "seven.jpg"), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Readiness_reports_the_failure_and_models_says_why()
    {
        using var ready = await _client.GetAsync("/health/ready", Cancel);
        using var models = await _client.GetAsync("/models/logreg", Cancel);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.StartsWith("failed", (await models.ReadJsonAsync()).GetProperty("runtime").GetProperty("status").GetString(), StringComparison.Ordinal);
    }

    public sealed class CorruptLogregFactory : DigitApiFactory
    {
        private readonly string _folder = Directory.CreateTempSubdirectory("digitapi-models-").FullName;

        public CorruptLogregFactory()
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "models")))
            {
                File.Copy(file, Path.Combine(_folder, Path.GetFileName(file)));
            }

            var logreg = Path.Combine(_folder, "logreg.onnx");
            var bytes = File.ReadAllBytes(logreg);
            bytes[^1] ^= 0xFF;
            File.WriteAllBytes(logreg, bytes);
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Inference:ModelsPath", _folder);
        }

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            Directory.Delete(_folder, recursive: true);
        }
    }
}
