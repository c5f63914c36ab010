using System.Net;
using System.Text;
using DigitApi.Uploads;
using Microsoft.Extensions.DependencyInjection;

namespace DigitApi.IntegrationTests.Protection;

/// <summary>
/// Uploads:BodyMemoryBytes on a real Kestrel server, set to 1 MiB: a body larger than all of it is refused with 413,
/// bodies that together need more than it wait and are refused with 503 and Retry-After, and a request's share comes
/// back when it ends. The request that holds the budget is held open by the test, so no timing decides who waits.
/// </summary>
public sealed class BodyMemoryTests(BodyMemoryTests.Server server) : IClassFixture<BodyMemoryTests.Server>
{
    private const int Budget = 1 << 20;

    private readonly HttpClient _client = server.CreateClient();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_body_larger_than_the_body_memory_is_a_413_naming_the_setting_declared_or_chunked()
    {
        using var declared = await _client.PostAsync("/predict/batch", Http.Images((new byte[1_500_000], "big.png")), Cancel);
        var json = new StringBuilder("""{"inputs": [{"name": "input", "shape": [700,1,28,28], "datatype": "FP32", "data": [""");
        json.Insert(json.Length, "0,", (700 * 784) - 1).Append("0]}]}");
        using var chunkedBody = new StreamContent(new MemoryStream(Encoding.ASCII.GetBytes(json.ToString()))); // no length: sent chunked
        chunkedBody.Headers.ContentType = new("application/json");
        using var chunked = await _client.PostAsync("/v2/models/cnn/infer", chunkedBody, Cancel);

        Assert.Contains("Uploads:BodyMemoryBytes", (await declared.AssertProblemAsync(413)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunked.StatusCode);
        Assert.Contains("Uploads:BodyMemoryBytes", await chunked.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bodies_that_together_need_more_than_the_body_memory_get_503_with_retry_after_until_the_holder_ends()
    {
        // A declares 900 KB and sends 800 KB of it, then waits: once read, those 800 KB are held, and less than the
        // 300 KB that B sends is left.
        using var holder = await HostileConnectionTests.ConnectAsync(server.ClientOptions.BaseAddress);
        await holder.SendAsync(Encoding.ASCII.GetBytes(
            "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nContent-Length: 900000\r\nConnection: close\r\n\r\n"), Cancel);
        await holder.SendAsync(new byte[800_000], Cancel);
        await BodyMemoryAsync(available => available <= Budget - 800_000);

        using var refused = await _client.PostAsync("/predict", Http.Raw(new byte[300_000], "image/png"), Cancel);

        var problem = await refused.AssertProblemAsync(503);
        Assert.Equal("/problems/overloaded", problem.GetProperty("type").GetString());
        Assert.Contains("Uploads:BodyMemoryBytes", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);

        await holder.SendAsync(new byte[100_000], Cancel);
        var (answer, _) = await HostileConnectionTests.ReadUntilClosedAsync(holder);
        Assert.StartsWith("HTTP/1.1 415", answer, StringComparison.Ordinal); // zeros are no image; what matters is that it was read
        await BodyMemoryAsync(available => available == Budget);

        using var admitted = await _client.PostAsync("/predict", Http.Raw(new byte[300_000], "image/png"), Cancel);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, admitted.StatusCode);
    }

    // Polled, with a generous limit: the server reads bodies and ends requests on its own threads.
    private async Task BodyMemoryAsync(Func<long, bool> available)
    {
        var memory = server.Services.GetRequiredService<RequestBodyReader>().Memory;
        var started = TimeProvider.System.GetTimestamp();
        while (!available(memory.Available))
        {
            Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(60), $"body memory available: {memory.Available:N0}");
            await Task.Delay(20, Cancel);
        }
    }

    /// <summary>The service on Kestrel with 1 MiB for bodies in flight, a 1-s wait for it, and rate windows long enough for the held request.</summary>
    public sealed class Server() : ConfiguredFactory.OnKestrel(new Dictionary<string, string?>
    {
        ["Uploads:BodyMemoryBytes"] = Budget.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Uploads:BodyWaitSeconds"] = "1",
        ["Uploads:StallSeconds"] = "60",
    });
}
