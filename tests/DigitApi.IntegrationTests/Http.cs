using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace DigitApi.IntegrationTests;

/// <summary>Request builders and response readers shared by the endpoint tests.</summary>
public static class Http
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>A multipart/form-data body with one 'image' part per file, as curl -F image=@file sends it.</summary>
    public static MultipartFormDataContent Images(params (byte[] Bytes, string FileName)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (bytes, fileName) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue(MediaTypeOf(fileName));
            form.Add(part, "image", fileName);
        }

        return form;
    }

    public static MultipartFormDataContent Image(byte[] bytes, string fileName = "digit.png") => Images((bytes, fileName));

    /// <summary>The image as the raw request body, as curl --data-binary sends it.</summary>
    public static ByteArrayContent Raw(byte[] bytes, string contentType)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return content;
    }

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Json, TestContext.Current.CancellationToken);

    /// <summary>The members of the service's ensemble, as GET /models lists them.</summary>
    public static async Task<string[]> EnsembleMembersAsync(this HttpClient client)
    {
        using var response = await client.GetAsync("/models", TestContext.Current.CancellationToken);
        var members = (await response.ReadJsonAsync()).GetProperty("ensemble").GetProperty("members");
        return members.EnumerateArray().Select(m => m.GetString()!).ToArray();
    }

    /// <summary>Asserts an RFC 7807 answer with the given status and returns it.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, int status)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.StartsWith("/problems/", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.True(problem.TryGetProperty("traceId", out _));
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal); // no stack trace
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        return problem;
    }

    private static string MediaTypeOf(string fileName) => Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".png" => "image/png",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".gif" => "image/gif",
        ".bmp" => "image/bmp",
        ".webp" => "image/webp",
        _ => "application/octet-stream",
    };
}
