using System.Net;
using System.Text.Json;

namespace DigitApi.IntegrationTests.Trust;

/// <summary>
/// What the committed models do with real uploads at default settings: things that are not digits are
/// declined (422 not-a-digit, or answered but flagged uncertain) and an ambiguous digit is flagged (that clean digits in every format are answered sure and
/// right is checked per format in <see cref="PredictionEndpointTests"/>). These hold only for models
/// trained to know what is not a digit, with calibrated lines on their cards.
/// </summary>
public sealed class NotADigitBehaviourTests(DigitApiFactory factory) : IClassFixture<DigitApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Every file under TestData/images/not-digits: clothing photos, handwritten letters, canvas doodles, a kanji, a word, a photo crop.</summary>
    public static TheoryData<string> NotDigits() => FilesIn("not-digits");

    [Theory]
    [MemberData(nameof(NotDigits))]
    public async Task An_upload_that_is_not_a_digit_is_declined(string file) => await AssertDeclinedAsync(null, file);

    [Theory]
    [MemberData(nameof(NotDigits))]
    public async Task The_ensemble_declines_uploads_that_are_not_digits_too(string file) => await AssertDeclinedAsync("ensemble", file);

    [Fact]
    public async Task A_digit_that_reads_as_4_or_9_is_answered_uncertain_with_both_on_top()
    {
        using var response = await _client.PostAsync("/predict", Http.Image(TestFiles.Read("uncertain/four-or-nine.png"), "four-or-nine.png"), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.True(body.GetProperty("uncertain").GetBoolean());
        var topTwo = body.GetProperty("probabilities").EnumerateArray().Select((p, digit) => (P: p.GetSingle(), Digit: digit))
            .OrderByDescending(x => x.P).Take(2).Select(x => x.Digit).Order();
        Assert.Equal([4, 9], topTwo);
    }

    // Declined as the acceptance counts it: 422 not-a-digit, or at least an answer flagged uncertain.
    private async Task AssertDeclinedAsync(string? model, string file)
    {
        using var response = await _client.PostAsync($"/predict?model={model}", Http.Image(TestFiles.Read(file), file), Cancel);

        var body = await response.Content.ReadAsStringAsync(Cancel);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("uncertain").GetBoolean(), $"answered sure: {body}");
            return;
        }

        var problem = await response.AssertProblemAsync(422);
        Assert.Equal("/problems/not-a-digit", problem.GetProperty("type").GetString());
    }

    private static TheoryData<string> FilesIn(string folder)
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(TestFiles.Folder, folder)).Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            data.Add($"{folder}/{file}");
        }

        return data;
    }
}
