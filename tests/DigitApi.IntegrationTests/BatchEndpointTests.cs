using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using DigitApi.Tests;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;

namespace DigitApi.IntegrationTests;

public sealed class BatchEndpointTests(DigitApiFactory factory) : IClassFixture<DigitApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Predictions_come_back_in_request_order_with_file_names_and_equal_single_predictions()
    {
        var files = Enumerable.Range(0, 12).Select(i => (TestImages.MnistPng(MnistTestSet.Instance.Images[i]), $"digit-{i}.png")).ToArray();

        using var response = await _client.PostAsync("/predict/batch", Http.Images(files), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal("cnn", body.GetProperty("model").GetString());
        Assert.True(body.GetProperty("elapsedMs").GetDouble() > 0);
        var items = body.GetProperty("predictions").EnumerateArray().ToArray();
        Assert.Equal(files.Length, items.Length);
        for (var i = 0; i < files.Length; i++)
        {
            Assert.Equal(i, items[i].GetProperty("index").GetInt32());
            Assert.Equal(files[i].Item2, items[i].GetProperty("fileName").GetString());
            using var single = await _client.PostAsync("/predict", Http.Image(files[i].Item1, files[i].Item2), Cancel);
            var expected = await single.ReadJsonAsync();
            Assert.Equal(expected.GetProperty("digit").GetInt32(), items[i].GetProperty("digit").GetInt32());
            Assert.Equal(expected.GetProperty("model").GetString(), items[i].GetProperty("model").GetString());
            Assert.Equal(expected.GetProperty("confidence").GetSingle(), items[i].GetProperty("confidence").GetSingle(), 4);
            Assert.Equal(Probabilities(expected), Probabilities(items[i]), (a, b) => Math.Abs(a - b) < 1e-4);
            Assert.False(items[i].TryGetProperty("status", out _));
        }

        Assert.Equal(MnistTestSet.Instance.Labels.Take(12).Select(l => (int)l), items.Select(i => i.GetProperty("digit").GetInt32()));
    }

    [Fact]
    public async Task A_bad_file_fails_alone_with_the_problem_a_single_prediction_would_give()
    {
        using var blank = new SKBitmap(120, 120);
        blank.Erase(SKColors.White);
        var seven = TestFiles.Read("seven.jpg");
        var files = new (byte[], string)[]
        {
            (seven, "seven.jpg"),
            ("not an image"u8.ToArray(), "notes.txt"),
            (TestImages.Encode(blank), "blank.png"),
            ([], "empty.png"),
            (TestImages.MnistPng(MnistTestSet.Instance.Images[1])[..60], "truncated.png"),
            (seven, "again.jpg"),
        };

        using var response = await _client.PostAsync("/predict/batch", Http.Images(files), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = (await response.ReadJsonAsync()).GetProperty("predictions").EnumerateArray().ToArray();
        Assert.Equal(7, items[0].GetProperty("digit").GetInt32());
        AssertProblem(items[1], 415, "/problems/unsupported-image-format", "notes.txt");
        AssertProblem(items[2], 422, "/problems/no-digit-found", "blank.png");
        AssertProblem(items[3], 400, "/problems/missing-image", "empty.png");
        AssertProblem(items[4], 400, "/problems/undecodable-image", "truncated.png");
        Assert.Equal(7, items[5].GetProperty("digit").GetInt32());
    }

    [Fact]
    public async Task All_valid_images_go_through_the_model_in_one_inference()
    {
        var rows = new List<int>();
        using var listener = BatchSizeListener(rows, model: "mlp");
        var files = Enumerable.Range(20, 10).Select(i => (TestImages.MnistPng(MnistTestSet.Instance.Images[i]), $"{i}.png"))
            .Append(("not an image"u8.ToArray(), "notes.txt")).ToArray();

        using var response = await _client.PostAsync("/predict/batch?model=mlp", Http.Images(files), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // One run carried all ten images (a late run of another request on this service may be listed beside it).
        lock (rows)
        {
            Assert.Contains(10, rows);
        }
    }

    [Fact]
    public async Task Include_input_adds_the_28x28_image_of_each_prediction()
    {
        var files = new[] { (TestFiles.Read("seven.jpg"), "seven.jpg"), ("x"u8.ToArray(), "x.png") };

        using var response = await _client.PostAsync("/predict/batch?include=input", Http.Images(files), Cancel);

        var items = (await response.ReadJsonAsync()).GetProperty("predictions").EnumerateArray().ToArray();
        using var input = SKBitmap.Decode(Convert.FromBase64String(items[0].GetProperty("input").GetString()!));
        Assert.Equal((28, 28), (input.Width, input.Height));
        Assert.False(items[1].TryGetProperty("input", out _));
    }

    [Fact]
    public async Task More_images_than_the_maximum_is_a_413_problem()
    {
        var digit = TestImages.MnistPng(MnistTestSet.Instance.Images[0]);

        using var response = await _client.PostAsync("/predict/batch", Http.Images(Enumerable.Repeat((digit, "d.png"), 65).ToArray()), Cancel);

        var problem = await response.AssertProblemAsync(413);
        Assert.Contains("64", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sixty_four_images_are_accepted()
    {
        var files = Enumerable.Range(0, 64).Select(i => (TestImages.MnistPng(MnistTestSet.Instance.Images[i]), $"{i}.png")).ToArray();

        using var response = await _client.PostAsync("/predict/batch", Http.Images(files), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(64, (await response.ReadJsonAsync()).GetProperty("predictions").GetArrayLength());
    }

    [Fact]
    public async Task A_batch_without_images_is_a_400_problem()
    {
        using var form = new MultipartFormDataContent { { new StringContent("hello"), "note" } };

        using var response = await _client.PostAsync("/predict/batch", form, Cancel);

        await response.AssertProblemAsync(400);
    }

    [Fact]
    public async Task An_unknown_model_is_a_404_problem()
    {
        using var response = await _client.PostAsync("/predict/batch?model=resnet", Http.Images((TestFiles.Read("seven.jpg"), "seven.jpg")), Cancel);

        await response.AssertProblemAsync(404);
    }

    internal static void AssertProblem(JsonElement item, int status, string type, string fileName)
    {
        Assert.Equal(status, item.GetProperty("status").GetInt32());
        Assert.Equal(type, item.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(item.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(item.GetProperty("detail").GetString()));
        Assert.Equal(fileName, item.GetProperty("fileName").GetString());
        Assert.False(item.TryGetProperty("digit", out _));
    }

    private static float[] Probabilities(JsonElement item) => item.GetProperty("probabilities").EnumerateArray().Select(p => p.GetSingle()).ToArray();

    // Rows of each inference this service runs for the model (other test classes host their own services).
    private MeterListener BatchSizeListener(List<int> rows, string model)
    {
        var meters = factory.Services.GetRequiredService<IMeterFactory>();
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == meters && instrument.Name == "digitapi.inference.batch_size")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<int>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "model" && (string?)tag.Value == model)
                {
                    lock (rows)
                    {
                        rows.Add(value);
                    }
                }
            }
        });
        listener.Start();
        return listener;
    }
}

/// <summary>Per-image limits that fail one part of a batch, not the batch.</summary>
public sealed class BatchLimitTests(BatchLimitTests.Service factory) : IClassFixture<BatchLimitTests.Service>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task An_image_over_the_size_limit_is_a_413_item_and_the_others_are_read()
    {
        var small = TestImages.MnistPng(MnistTestSet.Instance.Images[0]);
        var large = TestImages.Presented(MnistTestSet.Instance.Images[1], invert: true, scale: 8, canvas: 300, left: 20, top: 20, SKEncodedImageFormat.Png);
        Assert.True(large.Length > Service.MaxImageBytes && small.Length < Service.MaxImageBytes);

        using var response = await _client.PostAsync("/predict/batch", Http.Images((small, "small.png"), (large, "large.png"), (small, "small-again.png")), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = (await response.ReadJsonAsync()).GetProperty("predictions").EnumerateArray().ToArray();
        Assert.Equal(MnistTestSet.Instance.Labels[0], items[0].GetProperty("digit").GetInt32());
        BatchEndpointTests.AssertProblem(items[1], 413, "/problems/too-large", "large.png");
        Assert.Equal(MnistTestSet.Instance.Labels[0], items[2].GetProperty("digit").GetInt32());
    }

    [Fact]
    public async Task The_same_image_alone_on_predict_fails_the_request()
    {
        var large = TestImages.Presented(MnistTestSet.Instance.Images[1], invert: true, scale: 8, canvas: 300, left: 20, top: 20, SKEncodedImageFormat.Png);

        using var response = await _client.PostAsync("/predict", Http.Image(large), TestContext.Current.CancellationToken);

        await response.AssertProblemAsync(413);
    }

    public sealed class Service() : Protection.ConfiguredFactory(new Dictionary<string, string?> { ["Uploads:MaxImageBytes"] = MaxImageBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) })
    {
        public const int MaxImageBytes = 2048;
    }
}
