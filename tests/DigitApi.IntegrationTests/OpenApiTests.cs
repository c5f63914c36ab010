using System.Net;

namespace DigitApi.IntegrationTests;

public sealed class OpenApiTests(DigitApiFactory factory) : IClassFixture<DigitApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Predict_documents_its_upload_query_and_errors()
    {
        using var response = await _client.GetAsync("/swagger/v1/swagger.json", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var predict = (await response.ReadJsonAsync()).GetProperty("paths").GetProperty("/predict").GetProperty("post");
        var content = predict.GetProperty("requestBody").GetProperty("content");
        var image = content.GetProperty("multipart/form-data").GetProperty("schema").GetProperty("properties").GetProperty("image");
        Assert.Equal("binary", image.GetProperty("format").GetString());
        Assert.True(content.TryGetProperty("image/*", out _));
        Assert.Equal(["model", "include"], predict.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.Equal(7, predict.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json")
            .GetProperty("example").GetProperty("digit").GetInt32());
        foreach (var status in new[] { "200", "400", "404", "413", "415", "422", "503" })
        {
            Assert.True(predict.GetProperty("responses").TryGetProperty(status, out _), $"response {status} documented");
        }
    }

    [Fact]
    public async Task Swagger_ui_is_served()
    {
        using var response = await _client.GetAsync("/swagger/index.html", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("swagger-ui", await response.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }
}
