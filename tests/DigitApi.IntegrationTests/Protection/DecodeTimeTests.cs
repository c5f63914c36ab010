using DigitApi.Tests;

namespace DigitApi.IntegrationTests.Protection;

/// <summary>
/// Imaging:DecodeSeconds through the endpoints, set far below what a 16-megapixel PNG takes to inflate: the request
/// is answered 422 image-too-costly naming the setting, never a 500.
/// </summary>
public sealed class DecodeTimeTests(DecodeTimeTests.Service factory) : IClassFixture<DecodeTimeTests.Service>
{
    private static readonly byte[] Costly = HostileImages.LargePng(4_000, 4_000);

    private readonly HttpClient _client = factory.CreateClient();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/predict")]
    [InlineData("/predict/number")]
    public async Task An_image_that_outlasts_the_decode_time_is_a_422_naming_the_setting(string path)
    {
        using var response = await _client.PostAsync(path, Http.Raw(Costly, "image/png"), Cancel);

        var problem = await response.AssertProblemAsync(422);
        Assert.Equal("/problems/image-too-costly", problem.GetProperty("type").GetString());
        Assert.Contains("Imaging:DecodeSeconds", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_that_outlasts_its_decode_time_answers_each_image_not_done_with_a_422()
    {
        using var response = await _client.PostAsync("/predict/batch", Http.Images((Costly, "a.png"), (Costly, "b.png"), (Costly, "c.png")), Cancel);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.All((await response.ReadJsonAsync()).GetProperty("predictions").EnumerateArray(), item =>
        {
            Assert.Equal(422, item.GetProperty("status").GetInt32());
            Assert.Contains("Imaging:DecodeSeconds", item.GetProperty("detail").GetString(), StringComparison.Ordinal);
        });
    }

    public sealed class Service() : ConfiguredFactory(new Dictionary<string, string?> { ["Imaging:DecodeSeconds"] = "0.001" });
}
