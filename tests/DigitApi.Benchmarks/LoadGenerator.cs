using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace DigitApi.Benchmarks;

/// <summary>
/// HTTP load for machines without wrk (tests/load/gpu.sh): <c>connections</c> callers, each on its own connection,
/// post the image to POST /predict as multipart form data, one request after another, for the given time after a
/// warm-up. Prints one RESULT line with the fields of tests/load/predict.lua, so that the scripts read both alike.
/// </summary>
public static class LoadGenerator
{
    private const string Boundary = "digitapi-load-5b2e";

    public static async Task<int> RunAsync(Uri url, string image, TimeSpan warmUp, TimeSpan duration, int connections)
    {
        var body = Multipart(Path.GetFileName(image), File.Exists(image) ? await File.ReadAllBytesAsync(image) : SampleImages.Get(image));
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            Timeout = TimeSpan.FromSeconds(10),
        };

        await DriveAsync(http, url, body, warmUp, connections);
        var started = Stopwatch.GetTimestamp();
        var callers = await DriveAsync(http, url, body, duration, connections);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        var latencies = callers.SelectMany(c => c.LatenciesMs).Order().ToArray();
        double Percentile(double p) => latencies.Length == 0 ? double.NaN : latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(p / 100 * latencies.Length) - 1)];
        FormattableString result = $"RESULT requests={latencies.Length} rps={latencies.Length / seconds:F0} p50_ms={Percentile(50):F2} p99_ms={Percentile(99):F2} max_ms={(latencies.Length == 0 ? double.NaN : latencies[^1]):F2} non2xx={callers.Sum(c => c.Non2xx)} errors={callers.Sum(c => c.Errors)}";
        Console.WriteLine(FormattableString.Invariant(result));
        return 0;
    }

    private static async Task<Caller[]> DriveAsync(HttpClient http, Uri url, byte[] body, TimeSpan duration, int connections)
    {
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var callers = Enumerable.Range(0, connections).Select(_ => new Caller()).ToArray();
        await Task.WhenAll(callers.Select(caller => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < until)
            {
                var sent = Stopwatch.GetTimestamp();
                try
                {
                    using var content = new ByteArrayContent(body);
                    content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={Boundary}");
                    using var response = await http.PostAsync(url, content);
                    await response.Content.LoadIntoBufferAsync();
                    caller.LatenciesMs.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                    caller.Non2xx += response.IsSuccessStatusCode ? 0 : 1;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    caller.Errors++;
                }
            }
        })));
        return callers;
    }

    private static byte[] Multipart(string fileName, byte[] image)
    {
        var head = Encoding.ASCII.GetBytes(
            $"--{Boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"{fileName}\"\r\nContent-Type: application/octet-stream\r\n\r\n");
        var tail = Encoding.ASCII.GetBytes($"\r\n--{Boundary}--\r\n");
        return [.. head, .. image, .. tail];
    }

    private sealed class Caller
    {
        public List<double> LatenciesMs { get; } = [];

        public int Non2xx { get; set; }

        public int Errors { get; set; }
    }
}
