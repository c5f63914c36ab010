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
        Assert.Equal(["model", "include", "alwaysAnswer"], predict.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.Equal(7, predict.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json")
            .GetProperty("example").GetProperty("digit").GetInt32());
        foreach (var status in new[] { "200", "400", "401", "404", "413", "415", "422", "429", "503" })
        {
            Assert.True(predict.GetProperty("responses").TryGetProperty(status, out _), $"response {status} documented");
        }
    }

    [Fact]
    public async Task Keyed_operations_declare_the_api_key_scheme_and_401_and_the_others_are_open()
    {
        using var response = await _client.GetAsync("/swagger/v1/swagger.json", Cancel);
        var document = await response.ReadJsonAsync();

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal(("apiKey", "header", "X-Api-Key"), (scheme.GetProperty("type").GetString(), scheme.GetProperty("in").GetString(), scheme.GetProperty("name").GetString()));
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var keyed = path.Name.StartsWith("/predict", StringComparison.Ordinal) || path.Name.StartsWith("/v2/models", StringComparison.Ordinal);
                var security = operation.Value.GetProperty("security").EnumerateArray().Select(r => string.Join(",", r.EnumerateObject().Select(s => s.Name)));
                var responses = operation.Value.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
                var where = $"{operation.Name} {path.Name}";
                Assert.True(keyed ? security.SequenceEqual(["ApiKey"]) : security.SequenceEqual([""]), where + ": security");
                Assert.Equal(keyed, responses.Contains("401"));
                Assert.True(responses.Any(r => r.StartsWith('4')), where + ": a 4xx response");
            }
        }
    }

    [Fact]
    public async Task Predict_documents_uncertain_the_opt_out_flag_and_the_not_a_digit_problem()
    {
        using var response = await _client.GetAsync("/swagger/v1/swagger.json", Cancel);

        var document = await response.ReadJsonAsync();
        var predict = document.GetProperty("paths").GetProperty("/predict").GetProperty("post");
        var flag = predict.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "alwaysAnswer");
        Assert.Equal("boolean", flag.GetProperty("schema").GetProperty("type").GetString());
        Assert.Contains("not-a-digit", flag.GetProperty("schema").GetProperty("description").GetString(), StringComparison.Ordinal);
        var schemas = document.GetProperty("components").GetProperty("schemas");
        var answer = schemas.GetProperty("PredictionResponse").GetProperty("properties");
        Assert.Equal("boolean", answer.GetProperty("uncertain").GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(answer.GetProperty("uncertain").GetProperty("description").GetString()));

        var problem = predict.GetProperty("responses").GetProperty("422").GetProperty("content").GetProperty("application/problem+json");
        Assert.EndsWith("/NotADigitProblem", problem.GetProperty("schema").GetProperty("$ref").GetString(), StringComparison.Ordinal);
        Assert.Equal("/problems/not-a-digit", problem.GetProperty("example").GetProperty("type").GetString());
        var members = schemas.GetProperty("NotADigitProblem").GetProperty("properties");
        foreach (var member in new[] { "type", "title", "status", "detail", "digit", "confidence", "notADigitScore", "model" })
        {
            Assert.True(members.TryGetProperty(member, out var property), $"422 documents '{member}'");
            Assert.True(property.TryGetProperty("description", out _), $"'{member}' is described");
        }
    }

    [Fact]
    public async Task The_document_names_its_server_license_and_tags()
    {
        using var response = await _client.GetAsync("/swagger/v1/swagger.json", Cancel);
        var document = await response.ReadJsonAsync();

        Assert.Equal("http://localhost", document.GetProperty("servers")[0].GetProperty("url").GetString());
        Assert.Equal("MIT", document.GetProperty("info").GetProperty("license").GetProperty("name").GetString());
        var tags = document.GetProperty("tags").EnumerateArray().ToList();
        Assert.Equal(3, tags.Count);
        Assert.All(tags, tag => Assert.False(string.IsNullOrWhiteSpace(tag.GetProperty("description").GetString())));
    }

    [Fact]
    public async Task Swagger_ui_is_served()
    {
        using var response = await _client.GetAsync("/swagger/index.html", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("swagger-ui", await response.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }
}
