using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DigitApi.IntegrationTests.Protection;

/// <summary>The same on a real Kestrel server: bodies that stall, and chunk sizes that overflow.</summary>
public sealed class HostileConnectionTests(HostileConnectionTests.Server server) : IClassFixture<HostileConnectionTests.Server>
{
    private readonly ConfiguredFactory _factory = server;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private Uri Address => _factory.ClientOptions.BaseAddress;

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

    private Task<Socket> ConnectAsync() => ConnectAsync(Address);

    /// <summary>A raw connection to a server on loopback, for requests an HTTP client would not send.</summary>
    internal static async Task<Socket> ConnectAsync(Uri server)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, server.Port, Cancel);
        return socket;
    }

    /// <summary>Everything the server sends until it closes the connection (at most 15 s).</summary>
    internal static async Task<(string Answer, TimeSpan ClosedAfter)> ReadUntilClosedAsync(Socket socket)
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

    /// <summary>The service on Kestrel, with 1-s rate windows.</summary>
    public sealed class Server() : ConfiguredFactory.OnKestrel(new Dictionary<string, string?>
    {
        ["Uploads:StallSeconds"] = "1",
        ["Uploads:MinBytesPerSecond"] = "1024",
        ["Admission:MaxConcurrentRequests"] = "2",
        ["Admission:QueueLength"] = "30",
    });
}
