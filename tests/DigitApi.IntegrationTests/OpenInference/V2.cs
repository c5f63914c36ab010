using System.Net;
using System.Text;
using System.Text.Json;
using DigitApi.Tests;
using SkiaSharp;

namespace DigitApi.IntegrationTests.OpenInference;

/// <summary>Requests and checks shared by the Open Inference Protocol tests.</summary>
public static class V2
{
    /// <summary>A JSON body, sent as protocol clients send it.</summary>
    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static StringContent Json(object body) => Json(JsonSerializer.Serialize(body));

    /// <summary>
    /// The model input for 28x28 pixels with ink bright (0-255): x/255 normalised with the model card's
    /// mean and std (0.5, 0.5), as a tensor client prepares it.
    /// </summary>
    public static float[] Normalised(IEnumerable<byte> pixels) => pixels.Select(p => ((p / 255f) - 0.5f) / 0.5f).ToArray();

    /// <summary>The 28x28 image /predict?include=input says the model saw, as pixels 0-255.</summary>
    public static byte[] Pixels(string base64Png)
    {
        using var bitmap = SKBitmap.Decode(Convert.FromBase64String(base64Png));
        return Enumerable.Range(0, 28 * 28).Select(i => bitmap.GetPixel(i % 28, i / 28).Red).ToArray();
    }

    /// <summary>An $inference_request for these rows of 784 values each, data flat.</summary>
    public static object Request(IReadOnlyList<float[]> rows, string? id = null, object? outputs = null) => new Dictionary<string, object?>
    {
        ["id"] = id,
        ["inputs"] = new[] { new { name = "input", shape = new[] { rows.Count, 1, 28, 28 }, datatype = "FP32", data = rows.SelectMany(r => r).ToArray() } },
        ["outputs"] = outputs,
    }.Where(p => p.Value is not null).ToDictionary();

    public static float[] BlankRow() => Enumerable.Repeat(-1f, 784).ToArray();

    public static float[] Row(int mnistIndex) => Normalised(MnistTestSet.Instance.Images[mnistIndex]);

    /// <summary>Asserts the protocol's error object, {"error": "..."}, with the given status, and returns the message.</summary>
    public static async Task<string> AssertErrorAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal(["error"], body.EnumerateObject().Select(p => p.Name));
        var message = body.GetProperty("error").GetString();
        Assert.False(string.IsNullOrWhiteSpace(message));
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        return message!;
    }

    public static float[] Floats(JsonElement array) => array.EnumerateArray().Select(v => v.GetSingle()).ToArray();
}
