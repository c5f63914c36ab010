using System.Globalization;
using System.Text;
using DigitApi.Inference;
using DigitApi.OpenInference;
using DigitApi.Uploads;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;

namespace DigitApi.UnitTests.OpenInference;

/// <summary>Reading an $inference_request against the committed cnn model's signature.</summary>
public sealed class TensorRequestReaderTests
{
    private static readonly ServedModel Cnn = CnnFromManifest();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Flat_data_becomes_the_tensor_with_its_rows_id_and_both_outputs_by_default()
    {
        var values = Enumerable.Range(0, 2 * 784).Select(i => (i % 7) / 7f).ToArray();

        var tensor = await ReadAsync($$"""{"id":"42","inputs":[{"name":"input","shape":[2,1,28,28],"datatype":"FP32","data":[{{Numbers(values)}}]}]}""");

        Assert.Equal("42", tensor.Id);
        Assert.Equal(2, tensor.Rows);
        Assert.Equal(values, tensor.Tensor);
        Assert.Equal(["logits", "probabilities"], tensor.Outputs.Order());
    }

    [Fact]
    public async Task Nested_data_reads_the_same_as_flat_data()
    {
        var values = Enumerable.Range(0, 784).Select(i => (i % 13) / 13f).ToArray();
        var rows = Enumerable.Range(0, 28).Select(r => $"[{Numbers(values.AsSpan(r * 28, 28).ToArray())}]");

        var tensor = await ReadAsync($$"""{"inputs":[{"name":"input","shape":[1,1,28,28],"datatype":"FP32","data":[[[{{string.Join(",", rows)}}]]]}],"outputs":[{"name":"probabilities"}]}""");

        Assert.Equal(values, tensor.Tensor);
        Assert.Equal(["probabilities"], tensor.Outputs);
    }

    [Fact]
    public async Task Binary_data_after_the_json_is_read_as_little_endian_fp32()
    {
        var values = Enumerable.Range(0, 784).Select(i => i / 784f).ToArray();
        var json = Encoding.UTF8.GetBytes("""{"inputs":[{"name":"input","shape":[1,1,28,28],"datatype":"FP32","parameters":{"binary_data_size":3136}}]}""");
        var body = json.Concat(values.SelectMany(BitConverter.GetBytes)).ToArray();

        var tensor = await ReadAsync(body, json.Length);

        Assert.Equal(values, tensor.Tensor);
    }

    [Theory]
    [InlineData("""{"inputs":[{"name":"pixels","shape":[1,1,28,28],"datatype":"FP32","data":[0]}]}""", "Unknown input 'pixels'")]
    [InlineData("""{"inputs":[{"name":"input","shape":[1,1,28,28],"datatype":"INT8","data":[0]}]}""", "datatype INT8")]
    [InlineData("""{"inputs":[{"name":"input","shape":[1,784],"datatype":"FP32","data":[0]}]}""", "has shape [1,784]")]
    [InlineData("""{"inputs":[{"name":"input","shape":[1,1,28,28],"datatype":"FP32","data":[0,1]}]}""", "needs 784 values")]
    [InlineData("""{"inputs":""", "not valid JSON")]
    public async Task A_request_that_does_not_fit_the_model_is_a_400_that_says_why(string json, string says)
    {
        var error = await Assert.ThrowsAsync<OpenInferenceException>(() => ReadAsync(json));

        Assert.Equal(StatusCodes.Status400BadRequest, error.StatusCode);
        Assert.Contains(says, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_output_the_model_does_not_have_is_a_400_that_names_the_outputs_it_has()
    {
        var zeros = string.Join(",", Enumerable.Repeat("0", 784));

        var error = await Assert.ThrowsAsync<OpenInferenceException>(() =>
            ReadAsync($$"""{"inputs":[{"name":"input","shape":[1,1,28,28],"datatype":"FP32","data":[{{zeros}}]}],"outputs":[{"name":"features"}]}"""));

        Assert.Equal(StatusCodes.Status400BadRequest, error.StatusCode);
        Assert.Contains("Unknown output 'features'", error.Message, StringComparison.Ordinal);
        Assert.Contains("probabilities", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task More_rows_than_allowed_is_a_413()
    {
        var reader = Reader(maxRows: 2);

        var error = await Assert.ThrowsAsync<OpenInferenceException>(() =>
            reader.ReadAsync(Request(Encoding.UTF8.GetBytes("""{"inputs":[{"name":"input","shape":[3,1,28,28],"datatype":"FP32","data":[0]}]}""")), Cnn, Cancel));

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, error.StatusCode);
    }

    private static Task<TensorRequest> ReadAsync(string json) => ReadAsync(Encoding.UTF8.GetBytes(json));

    private static Task<TensorRequest> ReadAsync(byte[] body, int? jsonLength = null) => Reader().ReadAsync(Request(body, jsonLength), Cnn, Cancel);

    private static TensorRequestReader Reader(int maxRows = 1024) =>
        new(new RequestBodyReader(Options.Create(new UploadOptions())), Options.Create(new OpenInferenceOptions { MaxRows = maxRows }));

    private static HttpRequest Request(byte[] body, int? jsonLength = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Post;
        context.Request.ContentType = jsonLength is null ? "application/json" : "application/octet-stream";
        context.Request.ContentLength = body.Length;
        context.Request.Body = new MemoryStream(body);
        if (jsonLength is { } length)
        {
            context.Request.Headers[TensorRequestReader.BinaryHeader] = length.ToString(CultureInfo.InvariantCulture);
        }

        return context.Request;
    }

    private static string Numbers(float[] values) => string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));

    private static ServedModel CnnFromManifest()
    {
        var catalog = new ModelCatalog(Options.Create(new InferenceOptions()), new HostingEnvironment { ContentRootPath = AppContext.BaseDirectory });
        var card = catalog.Find("cnn")!;
        return new ServedModel(card.Name, card.Version, "onnx_onnxv1", card);
    }
}
