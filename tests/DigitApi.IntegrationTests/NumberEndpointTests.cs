using System.Net;
using System.Text.Json;
using DigitApi.Imaging;
using DigitApi.Tests;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;

namespace DigitApi.IntegrationTests;

public sealed class NumberEndpointTests(DigitApiFactory factory) : IClassFixture<DigitApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private IImageDecoder Decoder => factory.Services.GetRequiredService<IImageDecoder>();

    [Fact]
    public async Task A_number_comes_back_with_each_digit_its_confidence_and_box()
    {
        var sample = NumberImages.Number("4071");

        var body = await ReadAsync(sample.Image);

        Assert.Equal("4071", body.GetProperty("number").GetString());
        Assert.Equal("ensemble", body.GetProperty("model").GetString());
        Assert.True(body.GetProperty("elapsedMs").GetDouble() > 0);
        var digits = body.GetProperty("digits").EnumerateArray().ToArray();
        Assert.Equal([4, 0, 7, 1], digits.Select(d => d.GetProperty("digit").GetInt32()));
        var confidences = digits.Select(d => d.GetProperty("confidence").GetSingle()).ToArray();
        Assert.All(confidences, c => Assert.InRange(c, 0.5f, 1f));
        Assert.Equal(confidences.Aggregate(1f, (p, c) => p * c), body.GetProperty("confidence").GetSingle(), 4);
        for (var i = 0; i < digits.Length; i++)
        {
            AssertBoxCovers(digits[i].GetProperty("box"), sample.Boxes[i]);
        }
    }

    [Fact]
    public async Task Boxes_are_in_the_uploaded_images_pixels_when_it_is_larger_than_the_working_size()
    {
        var sample = NumberImages.Number("3859", gap: 0.5, scale: 9); // about 1,000 pixels wide, reduced to 512 inside

        var body = await ReadAsync(sample.Image);

        Assert.Equal("3859", body.GetProperty("number").GetString());
        var digits = body.GetProperty("digits").EnumerateArray().ToArray();
        for (var i = 0; i < digits.Length; i++)
        {
            AssertBoxCovers(digits[i].GetProperty("box"), sample.Boxes[i]);
        }
    }

    [Theory]
    [InlineData("7")]
    [InlineData("0")]
    public async Task One_digit_is_a_number_too(string digit)
    {
        var body = await ReadAsync(NumberImages.Number(digit).Image);

        Assert.Equal(digit, body.GetProperty("number").GetString());
        Assert.Single(body.GetProperty("digits").EnumerateArray());
    }

    [Theory]
    [InlineData(false, 0)]
    [InlineData(true, 80)]
    public async Task Light_ink_on_dark_and_jpeg_photos_read_the_same(bool darkOnLight, int jpegQuality)
    {
        var body = await ReadAsync(NumberImages.Number("25896", darkOnLight: darkOnLight, jpegQuality: jpegQuality).Image);

        Assert.Equal("25896", body.GetProperty("number").GetString());
    }

    [Theory]
    [InlineData("10", 0)]
    [InlineData("38", 0)]
    [InlineData("65", 0)]
    [InlineData("4271", 1)]
    [InlineData("7364", 1)]
    [InlineData("2590", 2)]
    public async Task Touching_digits_are_cut_apart(string number, int touching)
    {
        // Move two neighbours together until their strokes meet: their ink becomes one blob.
        var indices = number.Select(d => NumberImages.Clean[d - '0']).ToArray();
        var sample = Enumerable.Range(1, 20)
            .Select(step => NumberImages.Layout(indices, indices.Skip(1).Select((_, i) => i == touching ? -0.02 * step : 0.3).ToArray()))
            .First(s => NumberImages.InkBlobs(s.Image, Decoder) == number.Length - 1);

        var body = await ReadAsync(sample.Image);

        Assert.Equal(number, body.GetProperty("number").GetString());
    }

    [Theory]
    [InlineData(2.5, true)]
    [InlineData(2.8, false)]
    [InlineData(3.6, true)]
    [InlineData(4.5, false)]
    public async Task A_digit_the_model_is_sure_of_is_not_cut_in_two_however_clean_the_cut(double scale, bool darkOnLight)
    {
        // A round 0 whose left side reads as a sure 1 and the rest as a sure 2, cut through one stroke as touching digits are.
        var sample = NumberImages.Layout([NumberImages.Clean[4], 5993, NumberImages.Clean[2]], [0.4, 0.4], scale, darkOnLight);

        var body = await ReadAsync(sample.Image);

        Assert.Equal("402", body.GetProperty("number").GetString());
    }

    [Fact]
    public async Task A_five_with_its_bar_lifted_off_stays_one_five()
    {
        var five = NumberImages.FiveWithDetachedBar(NumberImages.Clean[5]);
        var glyphs = new[] { Glyph.Of(MnistTestSet.Instance.Images[NumberImages.Clean[3]], 3), Glyph.Of(five, 3), Glyph.Of(MnistTestSet.Instance.Images[NumberImages.Clean[9]], 3) };
        var (image, _) = SyntheticNumbers.Render(glyphs, new NumberLayout([0, 0, 0], 3, [1, 1, 1], [18, 18], [0, 0, 0]));
        Assert.Equal(4, NumberImages.InkBlobs(image, Decoder)); // 3, the 5's body, its bar, 9

        var body = await ReadAsync(image);

        Assert.Equal("359", body.GetProperty("number").GetString());
    }

    [Fact]
    public async Task Specks_of_dust_are_not_digits()
    {
        var sample = NumberImages.Number("2468");
        using var bitmap = SKBitmap.Decode(sample.Image);
        var random = new Random(5);
        using (var canvas = new SKCanvas(bitmap))
        using (var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true })
        {
            for (var i = 0; i < 40; i++)
            {
                canvas.DrawCircle(random.Next(bitmap.Width), random.Next(bitmap.Height), 1 + (float)random.NextDouble(), paint);
            }
        }

        var body = await ReadAsync(TestImages.Encode(bitmap));

        Assert.Equal("2468", body.GetProperty("number").GetString());
    }

    [Fact]
    public async Task Very_wide_spacing_keeps_the_digits_in_order()
    {
        var body = await ReadAsync(NumberImages.Number("907", gap: 4).Image);

        Assert.Equal("907", body.GetProperty("number").GetString());
    }

    [Fact]
    public async Task The_model_can_be_chosen_as_for_predict()
    {
        var body = await ReadAsync(NumberImages.Number("52").Image, "?model=lenet");

        Assert.Equal("lenet", body.GetProperty("model").GetString());
        Assert.Equal("52", body.GetProperty("number").GetString());
    }

    [Fact]
    public async Task An_unknown_model_is_a_404_problem()
    {
        using var response = await _client.PostAsync("/predict/number?model=resnet", Http.Image(NumberImages.Number("52").Image), Cancel);

        var problem = await response.AssertProblemAsync(404);
        Assert.Equal("/problems/unknown-model", problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_blank_page_is_a_422_problem()
    {
        using var blank = new SKBitmap(600, 200);
        blank.Erase(new SKColor(236, 236, 236));

        using var response = await _client.PostAsync("/predict/number", Http.Image(TestImages.Encode(blank)), Cancel);

        var problem = await response.AssertProblemAsync(422);
        Assert.Equal("/problems/no-digit-found", problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task More_digits_than_the_maximum_is_a_422_problem_that_says_so()
    {
        var sample = NumberImages.Number("3141592653589");

        using var response = await _client.PostAsync("/predict/number", Http.Image(sample.Image), Cancel);

        var problem = await response.AssertProblemAsync(422);
        Assert.Equal("/problems/too-many-digits", problem.GetProperty("type").GetString());
        Assert.Contains("at most 12", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Twelve_digits_are_still_a_number()
    {
        var body = await ReadAsync(NumberImages.Number("314159265358").Image);

        Assert.Equal("314159265358", body.GetProperty("number").GetString());
    }

    [Fact]
    public async Task A_request_without_an_image_is_a_400_problem()
    {
        using var response = await _client.PostAsync("/predict/number", null, Cancel);

        await response.AssertProblemAsync(400);
    }

    private async Task<JsonElement> ReadAsync(byte[] image, string query = "")
    {
        using var response = await _client.PostAsync("/predict/number" + query, Http.Image(image), Cancel);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Cancel));
        return await response.ReadJsonAsync();
    }

    // The reported box must hold the digit's ink, give or take the anti-aliased rim.
    private static void AssertBoxCovers(JsonElement box, (int X, int Y, int Width, int Height) ink)
    {
        var (x, y, width, height) = (box.GetProperty("x").GetInt32(), box.GetProperty("y").GetInt32(), box.GetProperty("width").GetInt32(), box.GetProperty("height").GetInt32());
        var slack = Math.Max(4, ink.Height / 8);
        Assert.InRange(x, ink.X - slack, ink.X + slack);
        Assert.InRange(y, ink.Y - slack, ink.Y + slack);
        Assert.InRange(x + width, ink.X + ink.Width - slack, ink.X + ink.Width + slack);
        Assert.InRange(y + height, ink.Y + ink.Height - slack, ink.Y + ink.Height + slack);
    }
}
