using DigitApi.Uploads;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DigitApi.Benchmarks;

/// <summary>
/// The HTTP floor: a bare Kestrel minimal API that reads the multipart upload as the service does (its
/// <see cref="UploadReader"/> and Kestrel settings, registered by the same <c>AddUploads</c>) and answers a fixed
/// prediction, with no decoding, inference, logging or middleware. (ASP.NET Core's form reader would buffer a
/// file over 64 KiB to disk, a cost the service does not have.) What wrk measures against it is the most any
/// ASP.NET Core service can answer on this machine with the load generator beside it; the service's
/// requests/s divided by it is the share the real work leaves.
/// </summary>
public static class HttpFloor
{
    private const string Answer = """{"digit":7,"confidence":0.9999,"probabilities":[0,0,0,0,0,0,0,0.9999,0,0],"model":"cnn","elapsedMs":0.1}""";

    public static async Task<int> RunAsync(string url)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        builder.Services.AddUploads(builder.WebHost);
        var app = builder.Build();
        var uploads = app.Services.GetRequiredService<UploadReader>();
        app.MapPost("/predict", async (HttpRequest request) =>
        {
            using var upload = await uploads.ReadAsync(request, maxImages: 1, request.HttpContext.RequestAborted);
            return upload.Uploads[0].Length > 0 ? Results.Text(Answer, "application/json") : Results.BadRequest();
        });
        app.MapGet("/health/ready", () => "ready");
        Console.WriteLine($"HTTP floor listening on {url}");
        await app.RunAsync();
        return 0;
    }
}
