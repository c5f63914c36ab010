using System.Net;
using System.Text.Json;

namespace DigitApi.IntegrationTests.Trust;

/// <summary>
/// What the committed models do with real uploads at default settings: things that are not digits are
/// declined (422 not-a-digit, or answered but flagged uncertain) and an ambiguous digit is not answered sure (that clean digits in every format are answered sure and
/// right is checked per format in <see cref="PredictionEndpointTests"/>). These hold only for models
/// trained to know what is not a digit, with calibrated lines on their cards.
/// </summary>
public sealed class NotADigitBehaviourTests(DigitApiFactory factory) : IClassFixture<DigitApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>The files under TestData/images/not-digits: clothing photos, handwritten letters, canvas doodles, a kanji, a word, a photo crop.</summary>
    private static readonly string[] NotDigits =
        [.. Directory.EnumerateFiles(Path.Combine(TestFiles.Folder, "not-digits")).Select(f => $"not-digits/{Path.GetFileName(f)}").Order(StringComparer.Ordinal)];

    // The share of those files that must be declined: the floor the service is held to on non-digit uploads (85 %),
    // for the default model and the ensemble alike. Their known miss: the smiley drawn on a canvas, eyes and all,
    // reads as 0.
    [Theory]
    [InlineData(null, 0.85)]
    [InlineData("ensemble", 0.85)]
    public async Task Most_uploads_that_are_not_digits_are_declined(string? model, double declinedFloor)
    {
        var answeredSure = new List<string>();
        foreach (var file in NotDigits)
        {
            var (declined, body) = await DeclineAsync(model, file);
            if (!declined)
            {
                answeredSure.Add($"{file}: {body}");
            }
        }

        var share = 1.0 - ((double)answeredSure.Count / NotDigits.Length);
        TestContext.Current.SendDiagnosticMessage($"{model ?? "default"}: {share:P0} of {NotDigits.Length} declined; answered sure: {string.Join("; ", answeredSure)}");
        Assert.True(share >= declinedFloor, $"{share:P0} declined (< {declinedFloor:P0}); answered sure: {string.Join("; ", answeredSure)}");
    }

    [Fact]
    public async Task A_digit_that_reads_as_4_or_9_is_not_answered_sure_and_has_both_on_top()
    {
        using var response = await _client.PostAsync("/predict", Http.Image(TestFiles.Read("uncertain/four-or-nine.png"), "four-or-nine.png"), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        var topTwo = body.GetProperty("probabilities").EnumerateArray().Select((p, digit) => (P: p.GetSingle(), Digit: digit))
            .OrderByDescending(x => x.P).Take(2).Select(x => x.Digit).Order();
        Assert.Equal([4, 9], topTwo);
        // Calibrated: a digit a person could read either way is not reported at the certainty of a clean one (clean
        // digits read above 0.99).
        Assert.True(body.GetProperty("confidence").GetSingle() < 0.95f, body.ToString());
    }

    // Declined as the issue's acceptance counts it: 422 not-a-digit, or at least an answer flagged uncertain.
    private async Task<(bool Declined, string Body)> DeclineAsync(string? model, string file)
    {
        using var response = await _client.PostAsync($"/predict?model={model}", Http.Image(TestFiles.Read(file), file), Cancel);

        var body = await response.Content.ReadAsStringAsync(Cancel);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            return (JsonDocument.Parse(body).RootElement.GetProperty("uncertain").GetBoolean(), body);
        }

        var problem = await response.AssertProblemAsync(422);
        Assert.Equal("/problems/not-a-digit", problem.GetProperty("type").GetString());
        return (true, body);
    }
}
