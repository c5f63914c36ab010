using System.Net;
using System.Text.Json;

namespace DigitApi.IntegrationTests.OpenInference;

/// <summary>Every failure under /v2 answers with the protocol's error object, {"error": "..."}, and a fitting status.</summary>
public sealed class OpenInferenceErrorTests(DigitApiFactory factory) : IClassFixture<DigitApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string Blank => JsonSerializer.Serialize(V2.BlankRow());

    public static TheoryData<string, string> BadRequests => new()
    {
        { "malformed JSON", "{\"inputs\": [" },
        { "not an object", "[1, 2, 3]" },
        { "no inputs", "{}" },
        { "empty inputs", "{\"inputs\": []}" },
        { "two inputs", $"{{\"inputs\": [{Input()}, {Input()}]}}" },
        { "unknown input", $"{{\"inputs\": [{Input(name: "image")}]}}" },
        { "wrong datatype", $"{{\"inputs\": [{Input(datatype: "INT64")}]}}" },
        { "FP64 is not FP32", $"{{\"inputs\": [{Input(datatype: "FP64")}]}}" },
        { "datatype is case-sensitive", $"{{\"inputs\": [{Input(datatype: "fp32")}]}}" },
        { "flat shape", $"{{\"inputs\": [{Input(shape: "[1,784]")}]}}" },
        { "no batch dimension", $"{{\"inputs\": [{Input(shape: "[1,28,28]")}]}}" },
        { "wrong image size", $"{{\"inputs\": [{Input(shape: "[1,1,32,32]")}]}}" },
        { "empty batch", $"{{\"inputs\": [{Input(shape: "[0,1,28,28]", data: "[]")}]}}" },
        { "negative dimension", $"{{\"inputs\": [{Input(shape: "[-1,1,28,28]")}]}}" },
        { "too few values", $"{{\"inputs\": [{Input(data: "[0.5, 0.5]")}]}}" },
        { "too many values", $"{{\"inputs\": [{Input(shape: "[1,1,28,28]", data: JsonSerializer.Serialize(V2.BlankRow().Concat(V2.BlankRow())))}]}}" },
        { "nested against the shape", $"{{\"inputs\": [{Input(data: $"[[{Blank}]]")}]}}" },
        { "a string in the data", $"{{\"inputs\": [{Input(data: "[\"0.5\"]")}]}}" },
        { "no data", "{\"inputs\": [{\"name\": \"input\", \"shape\": [1,1,28,28], \"datatype\": \"FP32\"}]}" },
        { "unknown output", $"{{\"inputs\": [{Input()}], \"outputs\": [{{\"name\": \"softmax\"}}]}}" },
        { "output without a name", $"{{\"inputs\": [{Input()}], \"outputs\": [{{}}]}}" },
        { "id not a string", $"{{\"id\": 42, \"inputs\": [{Input()}]}}" },
        { "parameter value an object", $"{{\"parameters\": {{\"x\": {{}}}}, \"inputs\": [{Input()}]}}" },
        { "binary data size without the binary part", "{\"inputs\": [{\"name\": \"input\", \"shape\": [1,1,28,28], \"datatype\": \"FP32\", \"parameters\": {\"binary_data_size\": 3136}}]}" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task A_malformed_inference_request_is_a_400_error(string what, string json)
    {
        using var response = await _client.PostAsync("/v2/models/cnn/infer", V2.Json(json), Cancel);

        var message = await response.AssertErrorAsync(HttpStatusCode.BadRequest);
        Assert.False(string.IsNullOrEmpty(what));
        Assert.DoesNotContain("Exception", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("-1")]
    [InlineData("ten")]
    public async Task A_binary_header_that_does_not_fit_the_body_is_a_400_error(string length)
    {
        using var content = V2.Json(V2.Request([V2.BlankRow()]));
        content.Headers.Add("Inference-Header-Content-Length", length);

        using var response = await _client.PostAsync("/v2/models/cnn/infer", content, Cancel);

        await response.AssertErrorAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Errors_say_what_is_wrong()
    {
        using var shape = await _client.PostAsync("/v2/models/cnn/infer", V2.Json($"{{\"inputs\": [{Input(shape: "[1,784]")}]}}"), Cancel);
        using var datatype = await _client.PostAsync("/v2/models/cnn/infer", V2.Json($"{{\"inputs\": [{Input(datatype: "INT8")}]}}"), Cancel);

        Assert.Contains("[N,1,28,28]", await shape.AssertErrorAsync(HttpStatusCode.BadRequest), StringComparison.Ordinal);
        Assert.Contains("FP32", await datatype.AssertErrorAsync(HttpStatusCode.BadRequest), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v2/models/resnet/infer")]
    [InlineData("/v2/models/Cnn/infer")]
    [InlineData("/v2/models/cnn/versions/9/infer")]
    public async Task Inference_on_an_unknown_model_or_version_is_a_404_error(string path)
    {
        using var response = await _client.PostAsync(path, V2.Json(V2.Request([V2.BlankRow()])), Cancel);

        await response.AssertErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Any_content_type_is_read_as_json()
    {
        using var content = new StringContent(JsonSerializer.Serialize(V2.Request([V2.BlankRow()])));
        content.Headers.ContentType = null;

        using var response = await _client.PostAsync("/v2/models/cnn/infer", content, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task An_unknown_path_or_method_under_v2_is_an_error_object_too()
    {
        using var path = await _client.GetAsync("/v2/repository/index", Cancel);
        using var method = await _client.DeleteAsync("/v2/models/cnn", Cancel);

        await path.AssertErrorAsync(HttpStatusCode.NotFound);
        await method.AssertErrorAsync(HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task Outside_v2_errors_stay_problem_details()
    {
        using var response = await _client.GetAsync("/models/resnet", Cancel);

        await response.AssertProblemAsync(404);
    }

    private static string Input(string name = "input", string datatype = "FP32", string shape = "[1,1,28,28]", string? data = null) =>
        $"{{\"name\": \"{name}\", \"shape\": {shape}, \"datatype\": \"{datatype}\", \"data\": {data ?? Blank}}}";
}

/// <summary>Limits and protection under /v2 answer in the protocol's error shape as well.</summary>
public sealed class OpenInferenceLimitTests(OpenInferenceLimitTests.Service factory) : IClassFixture<OpenInferenceLimitTests.Service>
{
    private const string Key = "v2-test-key";

    private readonly HttpClient _client = factory.CreateClient();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_body_over_the_request_limit_is_a_413_error()
    {
        var rows = Enumerable.Range(0, 6).Select(V2.Row).ToArray(); // about 60 KB of JSON

        using var response = await SendAsync(V2.Json(V2.Request(rows)), Key);

        await response.AssertErrorAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task More_rows_than_allowed_is_a_413_error()
    {
        using var response = await SendAsync(V2.Json(V2.Request(Enumerable.Repeat(new float[784], 3).ToArray())), Key);

        Assert.Contains("at most 2", await response.AssertErrorAsync(HttpStatusCode.RequestEntityTooLarge), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_api_key_inference_is_a_401_error()
    {
        using var response = await SendAsync(V2.Json(V2.Request([V2.BlankRow()])), key: null);

        await response.AssertErrorAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task With_the_key_inference_works_and_health_needs_none()
    {
        using var infer = await SendAsync(V2.Json(V2.Request([V2.BlankRow()])), Key);
        using var ready = await _client.GetAsync("/v2/health/ready", Cancel);

        Assert.Equal(HttpStatusCode.OK, infer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpContent content, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v2/models/cnn/infer") { Content = content };
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        return await _client.SendAsync(request, Cancel);
    }

    public sealed class Service() : Protection.ConfiguredFactory(new Dictionary<string, string?>
    {
        ["Uploads:MaxRequestBytes"] = "40000",
        ["OpenInference:MaxRows"] = "2",
        ["ApiKeys:Keys:0"] = Key,
    });
}
