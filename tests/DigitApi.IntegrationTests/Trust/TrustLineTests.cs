using System.Net;
using System.Text.Json;
using DigitApi.Tests;
using SkiaSharp;

namespace DigitApi.IntegrationTests.Trust;

/// <summary>
/// How the answers follow the lines on the model cards, whichever models are committed: the manifest of
/// <see cref="TrustLinesFactory"/> puts every upload over (or under) each line.
/// </summary>
public sealed class TrustLineTests(TrustLinesFactory factory, DigitApiFactory committed)
    : IClassFixture<TrustLinesFactory>, IClassFixture<DigitApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_upload_over_the_not_a_digit_line_is_422_with_the_best_guess()
    {
        using var response = await _client.PostAsync("/predict?model=cnn", Http.Image(TestFiles.Seven, "seven.png"), Cancel);

        var problem = await response.AssertProblemAsync(422);
        Assert.Equal("/problems/not-a-digit", problem.GetProperty("type").GetString());
        Assert.Equal("Not a digit", problem.GetProperty("title").GetString());
        Assert.Contains("Send a photo, scan or drawing of one digit", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("alwaysAnswer=true", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.InRange(problem.GetProperty("digit").GetInt32(), 0, 9);
        Assert.InRange(problem.GetProperty("confidence").GetSingle(), 0.1f, 1f);
        Assert.True(problem.GetProperty("notADigitScore").GetSingle() < 0, "energy is -logsumexp of the logits, negative for any confident model");
        Assert.Equal("cnn", problem.GetProperty("model").GetString());
    }

    [Fact]
    public async Task AlwaysAnswer_turns_not_a_digit_into_the_same_guess_flagged_uncertain()
    {
        using var declined = await _client.PostAsync("/predict?model=cnn", Http.Image(TestFiles.Seven, "seven.png"), Cancel);
        var guess = await declined.AssertProblemAsync(422);

        using var response = await _client.PostAsync("/predict?model=cnn&alwaysAnswer=true", Http.Image(TestFiles.Seven, "seven.png"), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.True(body.GetProperty("uncertain").GetBoolean());
        Assert.Equal(guess.GetProperty("digit").GetInt32(), body.GetProperty("digit").GetInt32());
        Assert.Equal(guess.GetProperty("confidence").GetSingle(), body.GetProperty("confidence").GetSingle());
        Assert.Equal(10, body.GetProperty("probabilities").GetArrayLength());
    }

    [Fact]
    public async Task An_alwaysAnswer_that_is_not_true_or_false_is_400()
    {
        using var response = await _client.PostAsync("/predict?model=cnn&alwaysAnswer=yes", Http.Image(TestFiles.Seven, "seven.png"), Cancel);

        await response.AssertProblemAsync(400);
    }

    [Fact]
    public async Task The_max_probability_score_declines_too()
    {
        using var response = await _client.PostAsync("/predict?model=logreg", Http.Image(TestFiles.Seven, "seven.png"), Cancel);

        var problem = await response.AssertProblemAsync(422);
        Assert.Equal("/problems/not-a-digit", problem.GetProperty("type").GetString());
        Assert.Equal(1 - problem.GetProperty("confidence").GetSingle(), problem.GetProperty("notADigitScore").GetSingle(), 5);
    }

    [Fact]
    public async Task A_low_resolution_scan_is_judged_by_the_cards_line_for_such_scans()
    {
        // cnn's card declines every upload but scans of 16 px or less, whose line nothing reaches: an 8x8 scan is
        // answered, as it is when saved enlarged in whole-pixel blocks or smoothly; a 28x28 digit is declined.
        var digit = MnistTestSet.Instance.Images[0];
        var scanPng = TestImages.CoarseScan(digit);
        var digitPng = TestImages.MnistPng(digit);

        using var small = await _client.PostAsync("/predict?model=cnn", Http.Image(scanPng, "scan-8x8.png"), Cancel);
        using var blocks = await _client.PostAsync("/predict?model=cnn", Http.Image(TestImages.CoarseScan(digit, shownAt: 64), "scan-8x8-blocks.png"), Cancel);
        using var smoothed = await _client.PostAsync("/predict?model=cnn", Http.Image(TestImages.CoarseScan(digit, shownAt: 280, smoothly: true), "scan-8x8-smooth.png"), Cancel);
        using var plain = await _client.PostAsync("/predict?model=cnn", Http.Image(digitPng, "digit.png"), Cancel);

        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
        Assert.False((await small.ReadJsonAsync()).GetProperty("uncertain").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, blocks.StatusCode);
        Assert.Equal(HttpStatusCode.OK, smoothed.StatusCode);
        var problem = await plain.AssertProblemAsync(422);
        Assert.Equal("/problems/not-a-digit", problem.GetProperty("type").GetString());

        // In one batch, each image by its own side.
        using var batch = await _client.PostAsync("/predict/batch?model=cnn",
            Http.Images((digitPng, "digit.png"), (scanPng, "scan.png")), Cancel);
        var items = (await batch.ReadJsonAsync()).GetProperty("predictions").EnumerateArray().ToArray();
        Assert.Equal(422, items[0].GetProperty("status").GetInt32());
        Assert.False(items[1].TryGetProperty("status", out _), "the 8x8 scan is answered");
        Assert.Equal(10, items[1].GetProperty("probabilities").GetArrayLength());
    }

    [Fact]
    public async Task A_blank_image_stays_no_digit_found_even_with_alwaysAnswer()
    {
        using var bitmap = new SKBitmap(300, 200);
        bitmap.Erase(new SKColor(236, 232, 225));

        using var response = await _client.PostAsync("/predict?model=cnn&alwaysAnswer=true", Http.Image(TestImages.Encode(bitmap), "blank.png"), Cancel);

        var problem = await response.AssertProblemAsync(422);
        Assert.Equal("/problems/no-digit-found", problem.GetProperty("type").GetString());
        Assert.False(problem.TryGetProperty("digit", out _));
    }

    [Theory]
    [InlineData("lenet", true)] // line above 1: every answer is below it
    [InlineData("mlp", false)] // line at 0
    [InlineData("ensemble", false)] // its own lines, although its member cnn declines everything
    public async Task Uncertain_follows_the_models_line(string model, bool uncertain)
    {
        var body = await PredictAsync(model, TestFiles.Seven);

        Assert.Equal(7, body.GetProperty("digit").GetInt32());
        Assert.Equal(uncertain, body.GetProperty("uncertain").GetBoolean());
    }

    [Fact]
    public async Task Confidence_is_the_softmax_of_the_logits_divided_by_the_temperature()
    {
        // The copy doubles lenet's temperature T: softmax(z / 2T) is proportional to sqrt(softmax(z / T)).
        var doubled = Probabilities(await PredictAsync("lenet", TestFiles.Seven));
        using var response = await committed.CreateClient().PostAsync("/predict?model=lenet", Http.Image(TestFiles.Seven, "seven.png"), Cancel);
        var original = Probabilities(await response.ReadJsonAsync());

        var roots = original.Select(Math.Sqrt).ToArray();
        var expected = roots.Select(r => r / roots.Sum()).ToArray();
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(expected[i], doubled[i], 4);
        }

        Assert.True(doubled.Max() < original.Max(), "a higher temperature lowers the confidence");
    }

    [Fact]
    public async Task The_ensemble_averages_its_members_calibrated_probabilities()
    {
        // lenet's temperature is doubled in the copy: a mean of raw softmaxes would not match.
        var members = new List<double[]>();
        foreach (var member in await _client.EnsembleMembersAsync())
        {
            using var response = await _client.PostAsync($"/predict?model={member}&alwaysAnswer=true", Http.Image(TestFiles.Seven, "seven.png"), Cancel);
            members.Add(Probabilities(await response.ReadJsonAsync()));
        }

        var ensemble = Probabilities(await PredictAsync("ensemble", TestFiles.Seven));

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(members.Average(m => m[i]), ensemble[i], 5);
        }
    }

    [Fact]
    public async Task Batch_judges_each_image_alone()
    {
        using var bitmap = new SKBitmap(300, 200);
        bitmap.Erase(SKColors.White);
        var files = Http.Images((TestFiles.Seven, "seven.png"), (TestImages.Encode(bitmap), "blank.png"), ("text"u8.ToArray(), "notes.txt"));

        using var response = await _client.PostAsync("/predict/batch?model=cnn", files, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = (await response.ReadJsonAsync()).GetProperty("predictions").EnumerateArray().ToArray();
        Assert.Equal(422, items[0].GetProperty("status").GetInt32());
        Assert.Equal("/problems/not-a-digit", items[0].GetProperty("type").GetString());
        Assert.InRange(items[0].GetProperty("digit").GetInt32(), 0, 9);
        Assert.True(items[0].TryGetProperty("confidence", out _));
        Assert.True(items[0].TryGetProperty("notADigitScore", out _));
        Assert.Equal("cnn", items[0].GetProperty("model").GetString());
        Assert.False(items[0].TryGetProperty("probabilities", out _));
        Assert.Equal("/problems/no-digit-found", items[1].GetProperty("type").GetString());
        Assert.Equal(415, items[2].GetProperty("status").GetInt32());

        using var always = await _client.PostAsync("/predict/batch?model=cnn&alwaysAnswer=true", Http.Images((TestFiles.Seven, "seven.png")), Cancel);
        var item = (await always.ReadJsonAsync()).GetProperty("predictions")[0];
        Assert.False(item.TryGetProperty("status", out _));
        Assert.True(item.GetProperty("uncertain").GetBoolean());
        Assert.Equal(10, item.GetProperty("probabilities").GetArrayLength());
    }

    [Fact]
    public async Task Batch_items_carry_uncertain()
    {
        using var response = await _client.PostAsync("/predict/batch?model=lenet", Http.Images((TestFiles.Seven, "a.png"), (TestFiles.Seven, "b.png")), Cancel);

        var items = (await response.ReadJsonAsync()).GetProperty("predictions").EnumerateArray().ToArray();
        Assert.All(items, i => Assert.True(i.GetProperty("uncertain").GetBoolean()));
    }

    [Fact]
    public async Task A_number_with_ink_that_is_not_digits_is_422_with_the_pieces()
    {
        var sample = NumberImages.Number("407");

        using var response = await _client.PostAsync("/predict/number?model=cnn", Http.Image(sample.Image, "number.png"), Cancel);

        var problem = await response.AssertProblemAsync(422);
        Assert.Equal("/problems/not-a-digit", problem.GetProperty("type").GetString());
        Assert.Equal(3, problem.GetProperty("number").GetString()!.Length);
        Assert.Equal("cnn", problem.GetProperty("model").GetString());
        Assert.True(problem.TryGetProperty("confidence", out _));
        var pieces = problem.GetProperty("notDigits").EnumerateArray().ToArray();
        Assert.Equal(3, pieces.Length);
        Assert.All(pieces, p => Assert.True(p.GetProperty("width").GetInt32() > 0 && p.GetProperty("height").GetInt32() > 0));
    }

    [Fact]
    public async Task A_number_with_alwaysAnswer_flags_the_pieces_and_the_number_uncertain()
    {
        var sample = NumberImages.Number("407");

        using var response = await _client.PostAsync("/predict/number?model=cnn&alwaysAnswer=true", Http.Image(sample.Image, "number.png"), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.True(body.GetProperty("uncertain").GetBoolean());
        Assert.All(body.GetProperty("digits").EnumerateArray(), d => Assert.True(d.GetProperty("uncertain").GetBoolean()));
    }

    [Theory]
    [InlineData("lenet", true)]
    [InlineData("mlp", false)]
    public async Task A_number_is_uncertain_when_a_digit_is(string model, bool uncertain)
    {
        var sample = NumberImages.Number("407");

        using var response = await _client.PostAsync($"/predict/number?model={model}", Http.Image(sample.Image, "number.png"), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal("407", body.GetProperty("number").GetString());
        Assert.Equal(uncertain, body.GetProperty("uncertain").GetBoolean());
        Assert.All(body.GetProperty("digits").EnumerateArray(), d => Assert.Equal(uncertain, d.GetProperty("uncertain").GetBoolean()));
    }

    [Fact]
    public async Task Model_cards_show_the_trust_lines_and_their_measurements()
    {
        using var cnnResponse = await _client.GetAsync("/models/cnn", Cancel);
        var card = (await cnnResponse.ReadJsonAsync()).GetProperty("card");
        var notADigit = card.GetProperty("notADigit");
        Assert.Equal("energy", notADigit.GetProperty("score").GetString());
        Assert.Equal(-1e6, notADigit.GetProperty("threshold").GetDouble());
        Assert.Equal(0.008, notADigit.GetProperty("digitDeclineRate").GetDouble());
        Assert.Equal(16, notADigit.GetProperty("lowResolution").GetProperty("maxSide").GetInt32());
        Assert.Equal(1e6, notADigit.GetProperty("lowResolution").GetProperty("threshold").GetDouble());
        var family = notADigit.GetProperty("families")[0];
        Assert.Equal("fashion", family.GetProperty("name").GetString());
        Assert.True(family.GetProperty("heldOut").GetBoolean());
        Assert.Equal(500, family.GetProperty("count").GetInt32());
        Assert.Equal(0.995, family.GetProperty("auroc").GetDouble());
        Assert.Equal(0.97, family.GetProperty("declineRate").GetDouble());
        Assert.False(notADigit.GetProperty("families")[1].TryGetProperty("auroc", out _), "a family not measured has no auroc");
        Assert.Equal(0, card.GetProperty("uncertainBelow").GetDouble());

        using var lenetResponse = await _client.GetAsync("/models/lenet", Cancel);
        var lenet = (await lenetResponse.ReadJsonAsync()).GetProperty("card");
        Assert.Equal(2 * factory.CommittedTemperatures["lenet"], lenet.GetProperty("calibration").GetProperty("temperature").GetDouble(), 6);

        using var ensembleResponse = await _client.GetAsync("/models/ensemble", Cancel);
        var ensemble = await ensembleResponse.ReadJsonAsync();
        Assert.Equal(1e6, ensemble.GetProperty("notADigit").GetProperty("threshold").GetDouble());
        var row = ensemble.GetProperty("riskCoverage")[0];
        Assert.Equal(0.5, row.GetProperty("uncertainBelow").GetDouble());
        Assert.Equal(0.004, row.GetProperty("flagged").GetDouble());
        Assert.Equal(0.993, row.GetProperty("accuracyUnflagged").GetDouble());
        Assert.Equal(1.0, ensemble.GetProperty("riskCoverage")[1].GetProperty("flagged").GetDouble());

        using var list = await _client.GetAsync("/models", Cancel);
        var listed = await list.ReadJsonAsync();
        Assert.Equal(1e6, listed.GetProperty("ensemble").GetProperty("notADigit").GetProperty("threshold").GetDouble());
    }

    private static double[] Probabilities(JsonElement answer) =>
        answer.GetProperty("probabilities").EnumerateArray().Select(p => p.GetDouble()).ToArray();

    private async Task<JsonElement> PredictAsync(string model, byte[] image)
    {
        using var response = await _client.PostAsync($"/predict?model={model}", Http.Image(image, "digit.png"), Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }
}
