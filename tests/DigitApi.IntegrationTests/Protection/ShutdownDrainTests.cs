using System.Net;
using DigitApi.Hosting;
using DigitApi.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SkiaSharp;

namespace DigitApi.IntegrationTests.Protection;

public sealed class ShutdownDrainTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Stopping_refuses_new_work_and_finishes_every_accepted_request()
    {
        // One worker that waits up to 0.9 s to fill a batch: the requests below are still queued when the stop begins.
        var factory = new ConfiguredFactory(new Dictionary<string, string?>
        {
            ["Inference:WorkersPerModel"] = "1",
            ["Inference:MaxQueueDelayMilliseconds"] = "900",
            ["Shutdown:DrainTimeoutSeconds"] = "20",
        });
        // A real Kestrel server on loopback: the drain under test is the server's as much as the service's.
        factory.UseKestrel(0);
        factory.StartServer();
        var client = factory.CreateClient();
        var digits = MnistTestSet.Instance;
        var inFlight = Enumerable.Range(0, 24).Select(i => PredictAsync(client, TestImages.Presented(
            digits.Images[i], invert: true, scale: 5, canvas: 200, left: 20, top: 30, SKEncodedImageFormat.Png))).ToArray();
        var tracker = factory.Services.GetRequiredService<InFlightRequests>();
        while (tracker.Count == 0 || tracker.Count < inFlight.Count(t => !t.IsCompleted))
        {
            await Task.Delay(5, Cancel); // until every request still unanswered is inside the service
        }

        factory.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        var ready = await StatusOrRefusedAsync(() => client.GetAsync("/health/ready", Cancel));
        var refused = await StatusOrRefusedAsync(() => client.PostAsync("/predict", Http.Image(TestFiles.Read("seven.jpg"), "seven.jpg"), Cancel));
        var answers = await Task.WhenAll(inFlight);
        await factory.DisposeAsync();

        // New work finds the connection refused or closed, or gets a 503 with Retry-After.
        Assert.Contains(ready, new HttpStatusCode?[] { null, HttpStatusCode.ServiceUnavailable });
        Assert.Contains(refused, new HttpStatusCode?[] { null, HttpStatusCode.ServiceUnavailable });
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.Equal(digits.Labels.Take(24).Select(l => (int)l), answers.Select(a => a.Digit));
    }

    private static async Task<HttpStatusCode?> StatusOrRefusedAsync(Func<Task<HttpResponseMessage>> send)
    {
        try
        {
            using var response = await send();
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && response.RequestMessage?.RequestUri?.AbsolutePath == "/predict")
            {
                await response.AssertProblemAsync(503);
                Assert.True(response.Headers.Contains("Retry-After"));
            }

            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            // Connection refused, or a kept-alive connection the stopping server closed: both refuse the work.
            return null;
        }
    }

    private static async Task<(HttpStatusCode Status, int Digit)> PredictAsync(HttpClient client, byte[] image)
    {
        using var response = await client.PostAsync("/predict", Http.Image(image), Cancel);
        return response.IsSuccessStatusCode
            ? (response.StatusCode, (await response.ReadJsonAsync()).GetProperty("digit").GetInt32())
            : (response.StatusCode, -1);
    }
}
