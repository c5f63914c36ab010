using System.Net;
using System.Security.Cryptography;

namespace DigitApi.IntegrationTests;

public sealed class ModelEndpointTests(DigitApiFactory factory) : IClassFixture<DigitApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Models_lists_every_card_the_default_and_the_ensemble()
    {
        using var response = await _client.GetAsync("/models", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal("cnn", body.GetProperty("defaultModel").GetString());
        var models = body.GetProperty("models").EnumerateArray().ToArray();
        Assert.Equal(["cnn", "lenet", "logreg", "mlp"], models.Select(m => m.GetProperty("card").GetProperty("name").GetString()).Order(StringComparer.Ordinal));
        Assert.All(models, m =>
        {
            Assert.Equal("ready", m.GetProperty("runtime").GetProperty("status").GetString());
            Assert.Equal("Cpu", m.GetProperty("runtime").GetProperty("provider").GetString());
            Assert.Equal(2, m.GetProperty("runtime").GetProperty("workers").GetInt32());
            Assert.InRange(m.GetProperty("card").GetProperty("testAccuracy").GetDouble(), 90, 100);
        });
        Assert.Equal(["cnn", "lenet"], body.GetProperty("ensemble").GetProperty("members").EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public async Task A_card_describes_the_file_the_service_runs()
    {
        using var response = await _client.GetAsync("/models/lenet", Cancel);

        var card = (await response.ReadJsonAsync()).GetProperty("card");
        var file = Path.Combine(AppContext.BaseDirectory, "models", card.GetProperty("file").GetString()!);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file))), card.GetProperty("sha256").GetString());
        Assert.Equal("input", card.GetProperty("input").GetProperty("name").GetString());
        Assert.Equal(0.5, card.GetProperty("normalization").GetProperty("mean").GetDouble());
        Assert.Equal(10, card.GetProperty("confusionMatrix").GetArrayLength());
    }

    [Fact]
    public async Task The_ensemble_has_a_card_too()
    {
        using var response = await _client.GetAsync("/models/ensemble", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.InRange((await response.ReadJsonAsync()).GetProperty("testAccuracy").GetDouble(), 99, 100);
    }

    [Fact]
    public async Task Unknown_model_card_is_404()
    {
        using var response = await _client.GetAsync("/models/alexnet", Cancel);

        await response.AssertProblemAsync(404);
    }
}
