using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
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

/// <summary>The same on a real Kestrel server: bodies that stall, and chunk sizes that overflow.</summary>
public sealed class HostileConnectionTests : IAsyncLifetime
{
    private readonly ConfiguredFactory _factory = new(new Dictionary<string, string?>
    {
        ["Uploads:StallSeconds"] = "1",
        ["Uploads:MinBytesPerSecond"] = "1024",
        ["Admission:MaxConcurrentRequests"] = "2",
        ["Admission:QueueLength"] = "30",
    });

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private Uri Address => _factory.ClientOptions.BaseAddress;

    public ValueTask InitializeAsync()
    {
        _factory.UseKestrel(0);
        _factory.StartServer();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    [Fact]
    public async Task Stalled_uploads_get_408_and_are_closed_within_seconds_and_hold_no_place_at_work()
    {
        // More stalled uploads than places at work: had they been admitted, nothing else would run.
        var stalled = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => StallAsync()));
        var client = _factory.CreateClient();
        var started = TimeProvider.System.GetTimestamp();
        using var normal = await client.PostAsync("/predict", Http.Image(TestFiles.Read("seven-rgb24.png"), "seven-rgb24.png"), Cancel);
        var normalTook = TimeProvider.System.GetElapsedTime(started);
        using var ready = await client.GetAsync("/health/ready", Cancel);

        Assert.Equal(HttpStatusCode.OK, normal.StatusCode);
        Assert.True(normalTook < TimeSpan.FromSeconds(2), $"{normalTook}");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        foreach (var socket in stalled)
        {
            using (socket)
            {
                var (answer, closedAfter) = await ReadUntilClosedAsync(socket);
                Assert.StartsWith("HTTP/1.1 408", answer, StringComparison.Ordinal);
                Assert.Contains("upload-too-slow", answer, StringComparison.Ordinal);
                Assert.True(closedAfter < TimeSpan.FromSeconds(8), $"closed after {closedAfter}"); // one 1-s window, then at most Kestrel's 5-s drain
            }
        }
    }

    [Fact]
    public async Task A_slow_upload_that_keeps_above_the_minimum_rate_is_answered()
    {
        // 4 KB/s for about 2.5 s (a 9 KB photo) against 1 KB/s in 1-s windows: slow, never stalled.
        var image = TestFiles.Read("seven-progressive-600x750.jpg");
        using var socket = await ConnectAsync();
        await socket.SendAsync(Encoding.ASCII.GetBytes(
            $"POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\nContent-Length: {image.Length}\r\nConnection: close\r\n\r\n"), Cancel);
        for (var sent = 0; sent < image.Length; sent += 1024)
        {
            await socket.SendAsync(image.AsMemory(sent, Math.Min(1024, image.Length - sent)), Cancel);
            await Task.Delay(250, Cancel);
        }

        var (answer, _) = await ReadUntilClosedAsync(socket);

        Assert.StartsWith("HTTP/1.1 200", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_chunk_size_that_overflows_is_a_400()
    {
        using var socket = await ConnectAsync();
        await socket.SendAsync(Encoding.ASCII.GetBytes(
            "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFFFF\r\n"), Cancel);

        var (answer, _) = await ReadUntilClosedAsync(socket);

        Assert.StartsWith("HTTP/1.1 400", answer, StringComparison.Ordinal);
    }

    // Headers declaring 10 MB, 200 KB of them, then silence.
    private async Task<Socket> StallAsync()
    {
        var socket = await ConnectAsync();
        await socket.SendAsync(Encoding.ASCII.GetBytes(
            "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nContent-Length: 10000000\r\n\r\n"), Cancel);
        await socket.SendAsync(new byte[200_000], Cancel);
        return socket;
    }

    private async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, Address.Port, Cancel);
        return socket;
    }

    private static async Task<(string Answer, TimeSpan ClosedAfter)> ReadUntilClosedAsync(Socket socket)
    {
        var started = TimeProvider.System.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            // Closed by a reset: the server gave up on a body it did not read to its end.
        }

        return (Encoding.ASCII.GetString(received.ToArray()), TimeProvider.System.GetElapsedTime(started));
    }
}
