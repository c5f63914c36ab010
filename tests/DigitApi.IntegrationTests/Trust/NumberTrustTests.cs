using System.Net;
using System.Text.Json;
using DigitApi.Inference;
using DigitApi.Numbers;
using DigitApi.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace DigitApi.IntegrationTests.Trust;

/// <summary>
/// When the committed models decline a number (422 not-a-digit) and when they read it flagged uncertain: a real digit
/// that only looks a bit odd does not throw its number away, a letter or a word among digits does.
/// </summary>
public sealed class NumberTrustTests(DigitApiFactory factory) : IClassFixture<DigitApiFactory>
{
    // MNIST test images searched for a real digit the committed ensemble scores over its not-a-digit line while still
    // naming it with at least NumberReading.OddDigitLine confidence (a 1 written as one short, thick, curved stroke is
    // typical): between two clean digits it is the number's one odd piece. Searched rather than fixed, so that a
    // retrain keeps the test.
    private const int OddDigitSearch = 3000;

    private readonly HttpClient _client = factory.CreateClient();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_number_with_one_digit_over_the_not_a_digit_line_is_read_and_flagged_uncertain()
    {
        var (image, digit) = await NumberWithOneOddDigitAsync();

        var body = await NumberAsync(image);

        Assert.Equal($"4{digit}2", body.GetProperty("number").GetString());
        Assert.True(body.GetProperty("uncertain").GetBoolean());
        Assert.Equal([false, true, false], body.GetProperty("digits").EnumerateArray().Select(d => d.GetProperty("uncertain").GetBoolean()));
    }

    [Theory]
    [InlineData("4x2", 2)]
    [InlineData("48W27", 1)]
    public async Task A_number_with_a_handwritten_letter_among_its_digits_is_422_not_a_digit(string text, int font)
    {
        var sample = LetterNumbers.Draw(text, font, NumberImages.LayoutOf(text));

        using var response = await _client.PostAsync("/predict/number", Http.Image(sample.Image, "number.png"), Cancel);

        var problem = await response.AssertProblemAsync(422);
        Assert.Equal("/problems/not-a-digit", problem.GetProperty("type").GetString());
        var piece = Assert.Single(problem.GetProperty("notDigits").EnumerateArray());
        var letter = sample.Boxes[text.IndexOf(text.First(char.IsAsciiLetter), StringComparison.Ordinal)];
        Assert.InRange(piece.GetProperty("x").GetInt32() + (piece.GetProperty("width").GetInt32() / 2), letter.X, letter.X + letter.Width);
    }

    [Fact]
    public async Task A_handwritten_word_is_422_not_a_digit()
    {
        using var response = await _client.PostAsync("/predict/number", Http.Image(TestFiles.Read("not-digits/word-hello.png"), "word-hello.png"), Cancel);

        var problem = await response.AssertProblemAsync(422);
        Assert.Equal("/problems/not-a-digit", problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task AlwaysAnswer_reads_a_number_with_a_letter_with_the_letter_flagged_uncertain()
    {
        var sample = LetterNumbers.Draw("4x2", 2, NumberImages.LayoutOf("4x2"));

        var body = await NumberAsync(sample.Image, "?alwaysAnswer=true");

        Assert.Equal(3, body.GetProperty("number").GetString()!.Length);
        Assert.True(body.GetProperty("uncertain").GetBoolean());
        Assert.Equal([false, true, false], body.GetProperty("digits").EnumerateArray().Select(d => d.GetProperty("uncertain").GetBoolean()));
    }

    // "4?2" with the first MNIST test digit that is the number's one odd piece, and the label of that digit.
    private async Task<(byte[] Image, int Digit)> NumberWithOneOddDigitAsync()
    {
        var labels = MnistTestSet.Instance.Labels;
        for (var i = 0; i < OddDigitSearch; i++)
        {
            var image = NumberImages.Layout([NumberImages.Clean[4], i, NumberImages.Clean[2]], [0.3, 0.3]).Image;
            var reading = await ReadDirectlyAsync(image);
            if (reading.Digits.Count == 3 && reading.Digits[1] is { NotADigit: true } odd
                && odd.Confidence >= NumberReading.OddDigitLine && odd.Digit == labels[i])
            {
                return (image, labels[i]);
            }
        }

        Assert.Fail($"none of the first {OddDigitSearch} MNIST test digits is read right but over the ensemble's not-a-digit line");
        return default;
    }

    private async Task<NumberReading> ReadDirectlyAsync(byte[] image)
    {
        var number = factory.Services.GetRequiredService<NumberPreprocessor>().Prepare(image);
        return await factory.Services.GetRequiredService<NumberReader>().ReadAsync(number, ModelCatalog.EnsembleName, Cancel);
    }

    private async Task<JsonElement> NumberAsync(byte[] image, string query = "")
    {
        using var response = await _client.PostAsync("/predict/number" + query, Http.Image(image, "number.png"), Cancel);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Cancel));
        return await response.ReadJsonAsync();
    }
}
