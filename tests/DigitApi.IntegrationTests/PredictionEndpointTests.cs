using System.Net;
using System.Text;
using DigitApi.Tests;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace DigitApi.IntegrationTests;

public sealed class PredictionEndpointTests(DigitApiFactory factory) : IClassFixture<DigitApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestFiles.Sevens), MemberType = typeof(TestFiles))]
    public async Task Every_accepted_format_is_recognised_as_multipart(string file)
    {
        using var response = await _client.PostAsync("/predict", Http.Image(TestFiles.Read(file), file), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal(7, body.GetProperty("digit").GetInt32());
        Assert.False(body.GetProperty("uncertain").GetBoolean(), "a clean digit is answered sure");
        Assert.Equal("cnn", body.GetProperty("model").GetString());
        var probabilities = body.GetProperty("probabilities").EnumerateArray().Select(p => p.GetSingle()).ToArray();
        Assert.Equal(10, probabilities.Length);
        Assert.Equal(1f, probabilities.Sum(), 3);
        Assert.Equal(probabilities.Max(), body.GetProperty("confidence").GetSingle());
        Assert.False(body.TryGetProperty("input", out _));
    }

    [Theory]
    [InlineData("seven.jpg", "image/jpeg")]
    [InlineData("seven-rgba32.png", "image/png")]
    [InlineData("canvas-chrome-280x280.png", "image/png")] // a browser's canvas.toDataURL() export
    [InlineData("photo-paper-1200x1600.jpg", "image/jpeg")] // a 7 on vignetted paper, with noise and blur (128 KB)
    [InlineData("seven.webp", "application/octet-stream")]
    public async Task A_raw_body_works_like_multipart(string file, string contentType)
    {
        using var response = await _client.PostAsync("/predict", Http.Raw(TestFiles.Read(file), contentType), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(7, (await response.ReadJsonAsync()).GetProperty("digit").GetInt32());
    }

    [Theory]
    // Handwritten digits photographed on notebook paper (1200x1600, the sheet turned and seen at a slant, uneven light,
    // noise, blur, JPEG): PhotoDigits.OnPaper(HandDigits.Write(HandStyle.Plain, digit, seed), paper, seed, size)
    // with seeds 26, 30, 4, 18 and 29.
    [InlineData("ruled-paper-7.jpg", 7)] // rules and a red margin
    [InlineData("squared-paper-4.jpg", 4)] // a grey squared grid
    [InlineData("ruled-paper-small-3.jpg", 3)] // a small digit on a large ruled page
    [InlineData("ruled-paper-line-gap-8.jpg", 8)] // the page photographed whole, the digit between two rules
    [InlineData("squared-paper-line-gap-9.jpg", 9)] // the same on a dense blue grid
    public Task A_digit_photographed_on_ruled_or_squared_paper_is_read(string file, int digit) => AssertReadAsAsync(file, digit);

    [Theory]
    [InlineData("postal-scan-stretched-1.png")] // a 16x16 gray scan the 1 fills: declined as not a digit before the models saw such
    [InlineData("form-bitmap-stretched-1.png")] // a 32x32 form bitmap, the 1 stretched onto 20x32: declined as not a digit before
    public Task A_one_stretched_to_fill_its_box_is_read(string file) => AssertReadAsAsync(file, 1);

    [Fact] // an 8x8 image of 4x4 block counts (the UCI optical digits' form): declined as not a digit before the models saw such
    public Task A_coarse_8x8_scan_is_read() => AssertReadAsAsync("coarse-scan-8x8-8.png", 8);

    // The committed file posted to /predict is answered with the digit.
    private async Task AssertReadAsAsync(string file, int digit)
    {
        using var response = await _client.PostAsync("/predict", Http.Image(TestFiles.Read(file), file), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(digit, (await response.ReadJsonAsync()).GetProperty("digit").GetInt32());
    }

    [Fact]
    public async Task A_photo_of_an_empty_ruled_page_is_not_read_as_a_digit()
    {
        // Made like the photos above, with nothing written (PhotoDigits.OnPaper, an empty HandDigit, seed 559): what
        // is left of the rules is pieces one pixel wide, which the search for the digit near the pen must not take
        // for one (read so, the strongest piece of a rule passed for a sure 1).
        using var response = await _client.PostAsync("/predict", Http.Image(TestFiles.Read("ruled-paper-empty.jpg"), "ruled-paper-empty.jpg"), Cancel);

        var problem = await response.AssertProblemAsync(422);
        Assert.Equal("/problems/not-a-digit", problem.GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("seven.webp")]
    [InlineData("seven-gray8.png")]
    [InlineData("seven.bmp")]
    public async Task A_small_body_with_the_longest_boundary_and_long_part_headers_is_read(string file)
    {
        // Small bodies get a read buffer of about their own size; the longest boundary RFC 2046 allows and a long
        // file name must still fit through it.
        using var form = new MultipartFormDataContent(new string('b', 70));
        form.Add(new StringContent(new string('x', 3000)), "note");
        form.Add(new ByteArrayContent(TestFiles.Read(file)), "image", new string('n', 2000) + Path.GetExtension(file));

        using var response = await _client.PostAsync("/predict", form, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(7, (await response.ReadJsonAsync()).GetProperty("digit").GetInt32());
    }

    [Theory]
    [InlineData("cnn")]
    [InlineData("lenet")]
    [InlineData("mlp")]
    [InlineData("logreg")]
    [InlineData("ensemble")]
    [InlineData("LeNet")]
    public async Task Each_model_can_be_chosen(string model)
    {
        using var response = await _client.PostAsync($"/predict?model={model}", Http.Image(TestFiles.Read("seven.jpg"), "seven.jpg"), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal(model.ToLowerInvariant(), body.GetProperty("model").GetString());
        Assert.Equal(7, body.GetProperty("digit").GetInt32());
    }

    [Fact]
    public void Kestrel_reads_an_upload_into_its_buffer_without_waiting_for_data_first()
    {
        var sockets = factory.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value;

        Assert.False(sockets.WaitForDataBeforeAllocatingBuffer);
    }

    [Fact]
    public async Task Include_input_returns_the_28x28_image_the_model_saw()
    {
        using var response = await _client.PostAsync("/predict?include=input", Http.Image(TestFiles.Read("seven.jpg"), "seven.jpg"), Cancel);

        var body = await response.ReadJsonAsync();
        using var bitmap = SKBitmap.Decode(Convert.FromBase64String(body.GetProperty("input").GetString()!));
        Assert.Equal((28, 28), (bitmap.Width, bitmap.Height));
        // MNIST convention: white ink on black, digit centred, border empty.
        Assert.True(bitmap.GetPixel(14, 14).Red + bitmap.GetPixel(13, 14).Red + bitmap.GetPixel(14, 10).Red > 0 || Enumerable.Range(8, 12).Any(x => bitmap.GetPixel(x, 14).Red > 128));
        Assert.All(Enumerable.Range(0, 28), i => Assert.Equal(0, bitmap.GetPixel(i, 0).Red));
        Assert.All(Enumerable.Range(0, 28), i => Assert.Equal(0, bitmap.GetPixel(0, i).Red));
    }

    [Fact]
    public async Task Parallel_requests_answer_exactly_as_sequential_ones()
    {
        var digits = MnistTestSet.Instance;
        var uploads = Enumerable.Range(0, 200).Select(i => TestImages.Presented(
            digits.Images[i], invert: i % 2 == 0, scale: 4 + (i % 5), canvas: 240, left: 10 + (i % 7), top: 12, SKEncodedImageFormat.Png)).ToArray();

        var sequential = new List<string>();
        foreach (var upload in uploads)
        {
            sequential.Add(await PredictAsync(upload));
        }

        var parallel = await Task.WhenAll(uploads.Select(PredictAsync));

        Assert.Equal(sequential, parallel);
        var correct = parallel.Select((answer, i) => answer.StartsWith($"{digits.Labels[i]}:", StringComparison.Ordinal)).Count(ok => ok);
        Assert.True(correct >= 196, $"{correct}/200 correct");
    }

    [Fact]
    public async Task Unknown_model_is_404()
    {
        using var response = await _client.PostAsync("/predict?model=resnet", Http.Image(TestFiles.Read("seven.jpg"), "seven.jpg"), Cancel);

        var problem = await response.AssertProblemAsync(404);
        Assert.Contains("resnet", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_body_is_400()
    {
        using var response = await _client.PostAsync("/predict", null, Cancel);

        await response.AssertProblemAsync(400);
    }

    [Fact]
    public async Task A_form_without_an_image_field_is_400()
    {
        using var form = new MultipartFormDataContent { { new StringContent("7"), "label" } };
        using var response = await _client.PostAsync("/predict", form, Cancel);

        await response.AssertProblemAsync(400);
    }

    [Fact]
    public async Task Truncated_image_is_400()
    {
        var png = TestFiles.Read("seven-gray8.png");
        using var response = await _client.PostAsync("/predict", Http.Image(png[..(png.Length / 2)], "broken.png"), Cancel);

        var problem = await response.AssertProblemAsync(400);
        Assert.Equal("/problems/undecodable-image", problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Text_and_json_are_415()
    {
        using var text = await _client.PostAsync("/predict", Http.Image(Encoding.UTF8.GetBytes("hello, this is not an image"), "note.txt"), Cancel);
        using var json = await _client.PostAsync("/predict", new StringContent("{\"image\":\"x\"}", Encoding.UTF8, "application/json"), Cancel);

        Assert.Equal("/problems/unsupported-image-format", (await text.AssertProblemAsync(415)).GetProperty("type").GetString());
        await json.AssertProblemAsync(415);
    }

    [Fact]
    public async Task Blank_paper_is_422()
    {
        using var bitmap = new SKBitmap(300, 200);
        bitmap.Erase(new SKColor(236, 232, 225));
        using var response = await _client.PostAsync("/predict", Http.Image(TestImages.Encode(bitmap, SKEncodedImageFormat.Jpeg), "blank.jpg"), Cancel);

        var problem = await response.AssertProblemAsync(422);
        Assert.Equal("/problems/no-digit-found", problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Upload_over_the_size_limit_is_413()
    {
        var big = new byte[11 * 1024 * 1024];
        TestFiles.Read("seven.jpg").CopyTo(big, 0);
        using var response = await _client.PostAsync("/predict", Http.Image(big, "huge.jpg"), Cancel);

        await response.AssertProblemAsync(413);
    }

    [Fact]
    public async Task Two_images_on_the_single_digit_endpoint_are_413()
    {
        var seven = TestFiles.Read("seven.jpg");
        using var response = await _client.PostAsync("/predict", Http.Images((seven, "a.jpg"), (seven, "b.jpg")), Cancel);

        await response.AssertProblemAsync(413);
    }

    [Fact]
    public async Task Pixel_bomb_is_413_before_decoding()
    {
        using var response = await _client.PostAsync("/predict", Http.Image(HostileImages.PngBomb(50_000, 50_000), "bomb.png"), Cancel);

        await response.AssertProblemAsync(413);
    }

    [Fact]
    public async Task Wrong_method_and_unknown_path_answer_with_problems()
    {
        using var get = await _client.GetAsync("/predict", Cancel);
        using var missing = await _client.GetAsync("/nothing-here", Cancel);

        await get.AssertProblemAsync(405);
        await missing.AssertProblemAsync(404);
    }

    // The answer as text: the digit and every probability, or the status of a refusal (a digit declined as not one).
    private async Task<string> PredictAsync(byte[] upload)
    {
        using var response = await _client.PostAsync("/predict", Http.Image(upload), Cancel);
        if (response.StatusCode == HttpStatusCode.UnprocessableEntity)
        {
            return "422";
        }

        response.EnsureSuccessStatusCode();
        var body = await response.ReadJsonAsync();
        var probabilities = string.Join(',', body.GetProperty("probabilities").EnumerateArray().Select(p => p.GetSingle().ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        return $"{body.GetProperty("digit").GetInt32()}:{probabilities}";
    }
}
