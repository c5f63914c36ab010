using System.Net;
using System.Text.Json;

namespace DigitApi.IntegrationTests;

/// <summary>Swagger documents /predict/batch, /predict/number and the Open Inference Protocol endpoints.</summary>
public sealed class BatchNumberAndV2OpenApiTests(DigitApiFactory factory) : IClassFixture<DigitApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Batch_documents_repeated_image_parts_its_answer_and_its_errors()
    {
        var batch = (await PathsAsync()).GetProperty("/predict/batch").GetProperty("post");

        var image = batch.GetProperty("requestBody").GetProperty("content").GetProperty("multipart/form-data")
            .GetProperty("schema").GetProperty("properties").GetProperty("image");
        Assert.Equal("array", image.GetProperty("type").GetString());
        Assert.Equal("binary", image.GetProperty("items").GetProperty("format").GetString());
        Assert.Equal(["model", "include", "alwaysAnswer"], batch.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.EndsWith("/BatchPredictionResponse", SchemaOf(batch, "200"), StringComparison.Ordinal);
        Assert.Equal(7, Example(batch, "200").GetProperty("predictions")[0].GetProperty("digit").GetInt32());
        AssertResponses(batch, "400", "404", "413", "415", "503");
    }

    [Fact]
    public async Task Number_documents_its_upload_model_answer_and_errors()
    {
        var number = (await PathsAsync()).GetProperty("/predict/number").GetProperty("post");

        var content = number.GetProperty("requestBody").GetProperty("content");
        Assert.True(content.TryGetProperty("multipart/form-data", out _));
        Assert.True(content.TryGetProperty("image/*", out _));
        Assert.Equal(["model", "alwaysAnswer"], number.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.EndsWith("/NumberResponse", SchemaOf(number, "200"), StringComparison.Ordinal);
        Assert.Equal("4071", Example(number, "200").GetProperty("number").GetString());
        AssertResponses(number, "400", "404", "413", "415", "422", "503");
    }

    [Theory]
    [InlineData("/v2", "get")]
    [InlineData("/v2/health/live", "get")]
    [InlineData("/v2/health/ready", "get")]
    [InlineData("/v2/models/{name}", "get")]
    [InlineData("/v2/models/{name}/versions/{version}", "get")]
    [InlineData("/v2/models/{name}/ready", "get")]
    [InlineData("/v2/models/{name}/versions/{version}/ready", "get")]
    [InlineData("/v2/models/{name}/infer", "post")]
    [InlineData("/v2/models/{name}/versions/{version}/infer", "post")]
    public async Task Every_open_inference_endpoint_is_documented(string path, string method)
    {
        var operation = (await PathsAsync()).GetProperty(path).GetProperty(method);

        Assert.Contains("Open Inference Protocol", operation.GetProperty("tags")[0].GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()));
        Assert.True(operation.GetProperty("responses").TryGetProperty("200", out _));
    }

    [Fact]
    public async Task Infer_documents_the_json_request_the_response_and_the_error_object()
    {
        using var response = await _client.GetAsync("/swagger/v1/swagger.json", TestContext.Current.CancellationToken);
        var document = await response.ReadJsonAsync();
        var infer = document.GetProperty("paths").GetProperty("/v2/models/{name}/infer").GetProperty("post");

        var body = infer.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        Assert.EndsWith("/InferenceRequest", body.GetProperty("$ref").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("/InferenceResponse", SchemaOf(infer, "200"), StringComparison.Ordinal);
        foreach (var status in new[] { "400", "404", "413", "503" })
        {
            Assert.EndsWith("/InferenceError", SchemaOf(infer, status), StringComparison.Ordinal);
        }

        var schemas = document.GetProperty("components").GetProperty("schemas");
        Assert.True(schemas.GetProperty("InferenceResponse").GetProperty("properties").TryGetProperty("model_name", out _));
        Assert.True(schemas.GetProperty("InferenceRequest").GetProperty("properties").TryGetProperty("inputs", out _));
        Assert.Equal("cnn", Example(infer, "200").GetProperty("model_name").GetString());
    }

    private async Task<JsonElement> PathsAsync()
    {
        using var response = await _client.GetAsync("/swagger/v1/swagger.json", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("paths");
    }

    private static string SchemaOf(JsonElement operation, string status) =>
        operation.GetProperty("responses").GetProperty(status).GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString()!;

    private static JsonElement Example(JsonElement operation, string status) =>
        operation.GetProperty("responses").GetProperty(status).GetProperty("content").GetProperty("application/json").GetProperty("example");

    private static void AssertResponses(JsonElement operation, params string[] statuses)
    {
        foreach (var status in statuses)
        {
            Assert.True(operation.GetProperty("responses").TryGetProperty(status, out _), $"response {status} documented");
        }
    }
}
