using System.Net;
using System.Text.Json;
using DigitApi.Tests;

namespace DigitApi.IntegrationTests.OpenInference;

/// <summary>
/// The Open Inference Protocol (KServe v2) REST endpoints, checked against the request and response
/// objects of the specification: $metadata_server_response, $live/ready responses,
/// $metadata_model_response, $inference_request / $inference_response and the error object.
/// </summary>
public sealed class OpenInferenceEndpointTests(DigitApiFactory factory) : IClassFixture<DigitApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/v2")]
    [InlineData("/v2/")]
    public async Task Server_metadata_names_the_server_its_version_and_extensions(string path)
    {
        var body = await GetOkAsync(path);

        Assert.Equal("DigitApi", body.GetProperty("name").GetString());
        Assert.Matches(@"^\d+\.\d+\.\d+", body.GetProperty("version").GetString());
        Assert.Equal(JsonValueKind.Array, body.GetProperty("extensions").ValueKind);
    }

    [Fact]
    public async Task Server_live_and_ready_answer_200_with_a_boolean()
    {
        Assert.True((await GetOkAsync("/v2/health/live")).GetProperty("live").GetBoolean());
        Assert.True((await GetOkAsync("/v2/health/ready")).GetProperty("ready").GetBoolean());
    }

    [Theory]
    [InlineData("cnn")]
    [InlineData("lenet")]
    [InlineData("mlp")]
    [InlineData("logreg")]
    public async Task Model_metadata_describes_the_onnx_model_and_its_tensors(string name)
    {
        var body = await GetOkAsync($"/v2/models/{name}");

        Assert.Equal(name, body.GetProperty("name").GetString());
        Assert.Equal(["1"], body.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("onnx_onnxv1", body.GetProperty("platform").GetString());
        AssertTensor(body.GetProperty("inputs").EnumerateArray().Single(), "input", [-1, 1, 28, 28]);
        var outputs = body.GetProperty("outputs").EnumerateArray().ToArray();
        Assert.Equal(2, outputs.Length);
        AssertTensor(outputs[0], "logits", [-1, 10]);
        AssertTensor(outputs[1], "probabilities", [-1, 10]);
    }

    [Fact]
    public async Task The_ensemble_is_a_model_too()
    {
        var body = await GetOkAsync("/v2/models/ensemble");

        Assert.Equal("ensemble", body.GetProperty("platform").GetString());
        Assert.Equal(["1"], body.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        AssertTensor(body.GetProperty("inputs")[0], "input", [-1, 1, 28, 28]);
    }

    [Theory]
    [InlineData("/v2/models/cnn/versions/1")]
    [InlineData("/v2/models/ensemble/versions/1")]
    public async Task Versioned_model_metadata_is_the_same(string path)
    {
        var versioned = await GetOkAsync(path);
        var plain = await GetOkAsync(path[..path.IndexOf("/versions", StringComparison.Ordinal)]);

        Assert.Equal(plain.GetRawText(), versioned.GetRawText());
    }

    [Theory]
    [InlineData("/v2/models/cnn/ready", "cnn")]
    [InlineData("/v2/models/lenet/versions/1/ready", "lenet")]
    [InlineData("/v2/models/ensemble/ready", "ensemble")]
    public async Task Model_ready_names_the_model(string path, string name)
    {
        var body = await GetOkAsync(path);

        Assert.Equal(name, body.GetProperty("name").GetString());
        Assert.True(body.GetProperty("ready").GetBoolean());
    }

    [Theory]
    [InlineData("/v2/models/resnet")]
    [InlineData("/v2/models/CNN")]
    [InlineData("/v2/models/resnet/ready")]
    [InlineData("/v2/models/cnn/versions/2")]
    [InlineData("/v2/models/cnn/versions/2/ready")]
    public async Task Unknown_models_and_versions_are_404_errors(string path)
    {
        using var response = await _client.GetAsync(path, Cancel);

        await response.AssertErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Inference_answers_as_the_specification_example_does_echoing_the_id()
    {
        using var response = await _client.PostAsync("/v2/models/cnn/infer", V2.Json(V2.Request([V2.Row(0)], id: "42")), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal("cnn", body.GetProperty("model_name").GetString());
        Assert.Equal("1", body.GetProperty("model_version").GetString());
        Assert.Equal("42", body.GetProperty("id").GetString());
        var outputs = body.GetProperty("outputs").EnumerateArray().ToArray();
        Assert.Equal(["logits", "probabilities"], outputs.Select(o => o.GetProperty("name").GetString()));
        Assert.All(outputs, o =>
        {
            Assert.Equal("FP32", o.GetProperty("datatype").GetString());
            Assert.Equal([1, 10], o.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
            Assert.Equal(10, o.GetProperty("data").GetArrayLength());
        });
        var logits = V2.Floats(outputs[0].GetProperty("data"));
        var probabilities = V2.Floats(outputs[1].GetProperty("data"));
        Assert.Equal(1f, probabilities.Sum(), 3);
        Assert.Equal(Softmax(logits), probabilities, (a, b) => Math.Abs(a - b) < 1e-5);
        Assert.Equal(MnistTestSet.Instance.Labels[0], Array.IndexOf(probabilities, probabilities.Max()));
    }

    [Fact]
    public async Task Without_an_id_the_response_has_none()
    {
        using var response = await _client.PostAsync("/v2/models/cnn/infer", V2.Json(V2.Request([V2.Row(1)])), Cancel);

        Assert.False((await response.ReadJsonAsync()).TryGetProperty("id", out _));
    }

    [Theory]
    [InlineData("logits")]
    [InlineData("probabilities")]
    public async Task Only_the_requested_output_is_returned(string output)
    {
        using var response = await _client.PostAsync("/v2/models/lenet/infer", V2.Json(V2.Request([V2.Row(2)], outputs: new[] { new { name = output } })), Cancel);

        var outputs = (await response.ReadJsonAsync()).GetProperty("outputs").EnumerateArray().ToArray();
        Assert.Equal([output], outputs.Select(o => o.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task A_batch_gives_one_row_per_input_row_and_nested_data_equals_flat_data()
    {
        var rows = Enumerable.Range(0, 5).Select(V2.Row).ToArray();
        var nested = new
        {
            inputs = new[]
            {
                new
                {
                    name = "input", shape = new[] { 5, 1, 28, 28 }, datatype = "FP32",
                    data = rows.Select(r => new[] { Enumerable.Range(0, 28).Select(y => r[(y * 28)..((y + 1) * 28)]).ToArray() }).ToArray(),
                },
            },
        };

        using var flatResponse = await _client.PostAsync("/v2/models/mlp/infer", V2.Json(V2.Request(rows)), Cancel);
        using var nestedResponse = await _client.PostAsync("/v2/models/mlp/infer", V2.Json(nested), Cancel);

        var flat = (await flatResponse.ReadJsonAsync()).GetProperty("outputs")[1];
        Assert.Equal([5, 10], flat.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
        Assert.Equal(flat.GetRawText(), (await nestedResponse.ReadJsonAsync()).GetProperty("outputs")[1].GetRawText());
        var probabilities = V2.Floats(flat.GetProperty("data"));
        Assert.Equal(MnistTestSet.Instance.Labels.Take(5).Select(l => (int)l), Enumerable.Range(0, 5).Select(r => ArgMax(probabilities.AsSpan(r * 10, 10))));
    }

    [Fact]
    public async Task More_rows_than_one_inference_batch_holds_are_run_in_several()
    {
        var rows = Enumerable.Range(0, 150).Select(V2.Row).ToArray();

        using var response = await _client.PostAsync("/v2/models/cnn/infer", V2.Json(V2.Request(rows, outputs: new[] { new { name = "probabilities" } })), Cancel);

        var data = V2.Floats((await response.ReadJsonAsync()).GetProperty("outputs")[0].GetProperty("data"));
        Assert.Equal(1500, data.Length);
        var right = Enumerable.Range(0, 150).Count(r => ArgMax(data.AsSpan(r * 10, 10)) == MnistTestSet.Instance.Labels[r]);
        Assert.True(right >= 148, $"{right} of 150");
    }

    [Fact]
    public async Task The_ensemble_answers_with_its_members_mean_probabilities_and_their_log_as_logits()
    {
        var request = V2.Json(V2.Request([V2.Row(3)]));
        var members = new List<float[]>();
        foreach (var member in await _client.EnsembleMembersAsync())
        {
            using var single = await _client.PostAsync($"/v2/models/{member}/infer", V2.Json(V2.Request([V2.Row(3)])), Cancel);
            members.Add(V2.Floats((await single.ReadJsonAsync()).GetProperty("outputs")[1].GetProperty("data")));
        }

        using var response = await _client.PostAsync("/v2/models/ensemble/versions/1/infer", request, Cancel);

        var body = await response.ReadJsonAsync();
        Assert.Equal("ensemble", body.GetProperty("model_name").GetString());
        var logits = V2.Floats(body.GetProperty("outputs")[0].GetProperty("data"));
        var probabilities = V2.Floats(body.GetProperty("outputs")[1].GetProperty("data"));
        var mean = Enumerable.Range(0, 10).Select(i => members.Average(m => m[i])).ToArray();
        Assert.Equal(mean, probabilities, (a, b) => Math.Abs(a - b) < 1e-5);
        Assert.Equal(probabilities.Select(p => MathF.Log(p)), logits, (a, b) => Math.Abs(a - b) < 1e-3);
    }

    [Fact]
    public async Task Parameters_with_string_number_or_boolean_values_are_accepted()
    {
        var json = """
            {"id": "p", "parameters": {"priority": 1, "trace": true, "note": "x"},
             "inputs": [{"name": "input", "shape": [1,1,28,28], "datatype": "FP32", "parameters": {"content_type": "image"}, "data": DATA}],
             "outputs": [{"name": "probabilities", "parameters": {"binary_data": false}}]}
            """.Replace("DATA", JsonSerializer.Serialize(V2.BlankRow()), StringComparison.Ordinal);

        using var response = await _client.PostAsync("/v2/models/cnn/infer", V2.Json(json), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("p", (await response.ReadJsonAsync()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task Binary_input_after_the_json_as_tritonclient_sends_it_gives_the_json_answer()
    {
        var rows = new[] { V2.Row(5), V2.Row(6) };
        var header = JsonSerializer.SerializeToUtf8Bytes(new
        {
            inputs = new[] { new { name = "input", shape = new[] { 2, 1, 28, 28 }, datatype = "FP32", parameters = new { binary_data_size = 2 * 784 * 4 } } },
            outputs = new[] { new { name = "probabilities", parameters = new { binary_data = true } } },
        });
        var tensor = rows.SelectMany(r => r).SelectMany(v => BitConverter.IsLittleEndian ? BitConverter.GetBytes(v) : BitConverter.GetBytes(v).Reverse().ToArray());
        using var content = new ByteArrayContent([.. header, .. tensor]);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        content.Headers.Add("Inference-Header-Content-Length", header.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));

        using var binary = await _client.PostAsync("/v2/models/cnn/infer", content, Cancel);
        using var json = await _client.PostAsync("/v2/models/cnn/infer", V2.Json(V2.Request(rows, outputs: new[] { new { name = "probabilities" } })), Cancel);

        Assert.Equal(HttpStatusCode.OK, binary.StatusCode);
        Assert.Equal((await json.ReadJsonAsync()).GetRawText(), (await binary.ReadJsonAsync()).GetRawText());
    }

    [Fact]
    public async Task Unversioned_and_versioned_infer_give_the_same_answer()
    {
        using var plain = await _client.PostAsync("/v2/models/logreg/infer", V2.Json(V2.Request([V2.Row(4)])), Cancel);
        using var versioned = await _client.PostAsync("/v2/models/logreg/versions/1/infer", V2.Json(V2.Request([V2.Row(4)])), Cancel);

        Assert.Equal((await plain.ReadJsonAsync()).GetRawText(), (await versioned.ReadJsonAsync()).GetRawText());
    }

    [Fact]
    public async Task A_tensor_of_the_digit_predict_saw_gets_the_class_predict_gave()
    {
        var temperature = (await GetOkAsync("/models/cnn")).GetProperty("card").GetProperty("calibration").GetProperty("temperature").GetDouble();
        foreach (var index in Enumerable.Range(100, 20))
        {
            var png = TestImages.MnistPng(MnistTestSet.Instance.Images[index]);
            using var predict = await _client.PostAsync("/predict?model=cnn&include=input", Http.Image(png), Cancel);
            var answer = await predict.ReadJsonAsync();
            var input = V2.Normalised(V2.Pixels(answer.GetProperty("input").GetString()!));

            using var infer = await _client.PostAsync("/v2/models/cnn/infer", V2.Json(V2.Request([input])), Cancel);

            var outputs = (await infer.ReadJsonAsync()).GetProperty("outputs");
            var probabilities = V2.Floats(outputs[1].GetProperty("data"));
            Assert.Equal(answer.GetProperty("digit").GetInt32(), ArgMax(probabilities));
            // /v2 answers the model's own softmax; /predict's confidence is calibrated by the card's temperature.
            var calibrated = V2.Floats(outputs[0].GetProperty("data")).Select(logit => Math.Exp(logit / temperature)).ToArray();
            Assert.Equal(answer.GetProperty("confidence").GetSingle(), calibrated.Max() / calibrated.Sum(), 2);
        }
    }

    private async Task<JsonElement> GetOkAsync(string path)
    {
        using var response = await _client.GetAsync(path, Cancel);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Cancel)}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return await response.ReadJsonAsync();
    }

    private static void AssertTensor(JsonElement tensor, string name, int[] shape)
    {
        Assert.Equal(name, tensor.GetProperty("name").GetString());
        Assert.Equal("FP32", tensor.GetProperty("datatype").GetString());
        Assert.Equal(shape, tensor.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
    }

    private static float[] Softmax(float[] logits)
    {
        var max = logits.Max();
        var exp = logits.Select(l => MathF.Exp(l - max)).ToArray();
        return exp.Select(e => e / exp.Sum()).ToArray();
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            best = values[i] > values[best] ? i : best;
        }

        return best;
    }
}
