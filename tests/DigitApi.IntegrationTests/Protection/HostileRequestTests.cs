using System.Net;
using System.Net.Http.Headers;
using System.Text;
using DigitApi.Tests;

namespace DigitApi.IntegrationTests.Protection;

/// <summary>
/// Requests built to hurt, within every documented limit or just past one: each gets its 4xx problem naming the
/// limit, never a 500, and the service answers normal requests afterwards.
/// </summary>
public sealed class HostileRequestTests(DigitApiFactory factory) : IClassFixture<DigitApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static byte[] Seven => TestFiles.Read("seven-rgb24.png");

    [Fact]
    public async Task A_multipart_body_without_its_boundary_is_a_400()
    {
        using var response = await _client.PostAsync("/predict", Multipart("a", Seven), Cancel);

        Assert.Contains("closing boundary", (await response.AssertProblemAsync(400)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_truncated_part_is_a_400()
    {
        var body = Encoding.ASCII.GetBytes("--b\r\nContent-Disposition: form-data; name=\"image\"; filename=\"x.png\"\r\n\r\n").Concat(Seven.Take(500)).ToArray();

        using var response = await _client.PostAsync("/predict", Multipart("b", body), Cancel);

        await response.AssertProblemAsync(400);
    }

    [Fact]
    public async Task A_boundary_over_16_KB_is_a_400_naming_the_limit()
    {
        var boundary = new string('b', 17_000);

        using var response = await _client.PostAsync("/predict", Multipart(boundary, Encoding.ASCII.GetBytes($"--{boundary}--\r\n")), Cancel);

        Assert.Contains("at most 70", (await response.AssertProblemAsync(400)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_1_MB_part_header_is_a_400_naming_the_header_limit()
    {
        var header = $"--b\r\nContent-Disposition: form-data; name=\"image\"; filename=\"x.png\"\r\nX-Padding: {new string('x', 1 << 20)}\r\n\r\n";
        var body = Encoding.ASCII.GetBytes(header).Concat(Seven).Concat(Encoding.ASCII.GetBytes("\r\n--b--\r\n")).ToArray();

        using var response = await _client.PostAsync("/predict", Multipart("b", body), Cancel);

        var detail = (await response.AssertProblemAsync(400)).GetProperty("detail").GetString();
        Assert.Contains("16,384 bytes", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_png_declaring_1x40_000_000_is_a_413_not_damage()
    {
        using var response = await _client.PostAsync("/predict", Http.Raw(HostileImages.PngBomb(1, 40_000_000), "image/png"), Cancel);

        Assert.Contains("Imaging:MaxSide", (await response.AssertProblemAsync(413)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_of_large_interlaced_pngs_is_refused_image_by_image_from_their_headers()
    {
        var bomb = HostileImages.InterlacedPngBomb(2_500, 2_500); // 6.25 MP, under Imaging:MaxFullSizePixels but interlaced
        var files = Enumerable.Repeat((bomb, "bomb.png"), 16).Append((Seven, "seven-rgb24.png")).ToArray();

        using var response = await _client.PostAsync("/predict/batch", Http.Images(files), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = (await response.ReadJsonAsync()).GetProperty("predictions").EnumerateArray().ToList();
        Assert.All(items.Take(16), item =>
        {
            Assert.Equal(413, item.GetProperty("status").GetInt32());
            Assert.Contains("Imaging:MaxInterlacedPixels", item.GetProperty("detail").GetString(), StringComparison.Ordinal);
        });
        Assert.Equal(7, items[16].GetProperty("digit").GetInt32());
    }

    [Fact]
    public async Task A_progressive_jpeg_of_hundreds_of_scans_is_refused_before_decoding()
    {
        var bomb = HostileImages.ScanBombJpeg(TestFiles.Read("seven.jpg"), scans: 600);
        var started = TimeProvider.System.GetTimestamp();

        using var response = await _client.PostAsync("/predict", Http.Raw(bomb, "image/jpeg"), Cancel);

        var problem = await response.AssertProblemAsync(422);
        Assert.Equal("/problems/image-too-costly", problem.GetProperty("type").GetString());
        Assert.Contains("Imaging:MaxJpegScans", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(2));
    }

    [Theory]
    [InlineData("duplicate key at the top", """{"inputs": [], "inputs": []}""")]
    [InlineData("duplicate key in the input", """{"inputs": [{"name": "input", "name": "input", "shape": [1,1,28,28], "datatype": "FP32", "data": []}]}""")]
    [InlineData("duplicate parameter", """{"parameters": {"a": 1, "a": 2}, "inputs": []}""")]
    public async Task Duplicate_json_names_under_v2_are_a_400(string what, string json)
    {
        using var response = await _client.PostAsync("/v2/models/cnn/infer", new StringContent(json, Encoding.UTF8, "application/json"), Cancel);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, what);
        Assert.Contains("appears twice", await response.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_utf8_inside_a_v2_json_string_is_a_400()
    {
        var json = Encoding.UTF8.GetBytes("""{"id": "X", "inputs": []}""");
        json[8] = 0xC3; // a lead byte with no continuation
        using var content = new ByteArrayContent(json);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await _client.PostAsync("/v2/models/cnn/infer", content, Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_large_bad_v2_value_is_not_echoed_back()
    {
        var json = $$"""{"inputs": [{"name": "input", "shape": [1,1,28,28], "datatype": "FP32", "data": ["{{new string('z', 60_000)}}"]}]}""";

        using var response = await _client.PostAsync("/v2/models/cnn/infer", new StringContent(json, Encoding.UTF8, "application/json"), Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadAsByteArrayAsync(Cancel)).Length < 1024);
    }

    [Fact]
    public async Task A_v2_body_of_more_numbers_than_rows_allowed_is_refused_once_past_the_limit()
    {
        // 1,025 rows of zeros (OpenInference:MaxRows is 1,024): refused at the first value past the limit.
        var json = new StringBuilder("""{"inputs": [{"name": "input", "shape": [1025,1,28,28], "datatype": "FP32", "data": [""");
        json.Insert(json.Length, "0,", 1025 * 784 - 1).Append("0]}]}");

        using var response = await _client.PostAsync("/v2/models/cnn/infer", new StringContent(json.ToString(), Encoding.UTF8, "application/json"), Cancel);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("OpenInference:MaxRows", await response.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    private static ByteArrayContent Multipart(string boundary, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/form-data; boundary={boundary}");
        return content;
    }
}
