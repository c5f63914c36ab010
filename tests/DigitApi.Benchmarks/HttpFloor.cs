using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DigitApi.Benchmarks;

/// <summary>
/// The HTTP floor: a bare Kestrel minimal API that reads the multipart upload (ASP.NET Core's form reader)
/// and answers a fixed prediction, with no decoding, inference, logging or middleware. What wrk measures
/// against it is the most any ASP.NET Core service can answer on this machine with the load generator
/// beside it; the service's requests/s divided by it is the share the real work leaves.
/// </summary>
public static class HttpFloor
{
    private const string Answer = """{"digit":7,"confidence":0.9999,"probabilities":[0,0,0,0,0,0,0,0.9999,0,0],"model":"cnn","elapsedMs":0.1}""";

    public static async Task<int> RunAsync(string url)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        var app = builder.Build();
        app.MapPost("/predict", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            return form.Files.Count == 1 && form.Files[0].Length > 0 ? Results.Text(Answer, "application/json") : Results.BadRequest();
        }).DisableAntiforgery();
        app.MapGet("/health/ready", () => "ready");
        Console.WriteLine($"HTTP floor listening on {url}");
        await app.RunAsync();
        return 0;
    }
}
