using System.Text.Json;
using DigitApi.Tests;
using static Microsoft.Playwright.Assertions;

namespace DigitApi.BrowserTests;

/// <summary>
/// A second service on <see cref="TrustLinesModels"/>: with cnn every drawing is "not a digit", with lenet every
/// answer is uncertain, whatever the committed models, so the page's two states can be checked for sure.
/// </summary>
public sealed class TrustLinesService : IAsyncLifetime
{
    private TrustLinesModels? _models;

    public DigitApiService? Service { get; private set; }

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(BrowserFixture.ChromiumPath))
        {
            return; // each test skips, or fails under CI (RequireChromium)
        }

        _models = new TrustLinesModels(Path.Combine(DigitApiService.Folder, "models"));
        Service = await DigitApiService.StartAsync(TestContext.Current.CancellationToken, "--Inference:ModelsPath", _models.Folder);
    }

    public async ValueTask DisposeAsync()
    {
        if (Service is not null)
        {
            await Service.DisposeAsync();
        }

        _models?.Dispose();
    }
}

/// <summary>The page says plainly when an upload is not a digit and when the answer is not sure.</summary>
public class TrustTests(BrowserFixture browser, TrustLinesService trustLines) : IClassFixture<TrustLinesService>
{
    [Fact]
    public async Task ADrawingThatIsNotADigitSaysSoWithTheBestGuessSmall()
    {
        var (page, status, problem) = await DrawASevenAsync("cnn");
        await using var _ = page;

        Assert.Equal(422, status);
        Assert.Equal("/problems/not-a-digit", problem.GetProperty("type").GetString());
        await Expect(page.Error).ToBeVisibleAsync();
        await Expect(page.ErrorTitle).ToHaveTextAsync("That doesn't look like a digit");
        await Expect(page.ErrorDetail).ToContainTextAsync("Draw one digit, 0 to 9");
        var guess = page.Page.Locator("#error-guess");
        await Expect(guess).ToBeVisibleAsync();
        await Expect(guess).ToContainTextAsync($"Best guess: {problem.GetProperty("digit").GetInt32()} (");
        await Expect(guess).ToContainTextAsync("CNN");
        await Expect(page.Page.Locator("#digit-result")).ToBeHiddenAsync();
        Assert.True(
            await guess.EvaluateAsync<bool>("g => parseFloat(getComputedStyle(g).fontSize) < parseFloat(getComputedStyle(document.getElementById('error-title')).fontSize)"),
            "the guess is in smaller print than the message");
        await page.ScreenshotAsync("not-a-digit");
        Assert.Empty(page.ScriptErrors);
    }

    [Fact]
    public async Task AnUncertainAnswerSaysNotSureWithTheTwoLikeliestDigits()
    {
        var (page, status, answer) = await DrawASevenAsync("lenet");
        await using var _ = page;

        Assert.Equal(200, status);
        Assert.True(answer.GetProperty("uncertain").GetBoolean());
        var likeliest = answer.GetProperty("probabilities").EnumerateArray().Select((p, digit) => (P: p.GetSingle(), Digit: digit))
            .OrderByDescending(x => x.P).Take(2).Select(x => x.Digit).ToArray();
        var unsure = page.Page.Locator("#unsure");
        await Expect(unsure).ToBeVisibleAsync();
        await Expect(unsure).ToHaveTextAsync($"Not sure: {likeliest[0]} or {likeliest[1]}?");
        await Expect(page.Digit).ToHaveTextAsync(likeliest[0].ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(page.Announcer).ToContainTextAsync("Not sure:");
        await page.ScreenshotAsync("uncertain");

        // A sure answer from another model takes the note away.
        var sure = await page.Page.RunAndWaitForResponseAsync(() => page.Model.SelectOptionAsync("mlp"), r => new Uri(r.Url).AbsolutePath == "/predict");
        Assert.Equal(200, sure.Status);
        await page.WaitForAnswerAsync();
        await Expect(page.ResultModel).ToHaveTextAsync("MLP");
        await Expect(unsure).ToBeHiddenAsync();
        Assert.Empty(page.ScriptErrors);
    }

    /// <summary>Opens the page on the trust-lines service, chooses the model, draws a 7 and presses Recognise.</summary>
    private async Task<(DigitPage Page, int Status, JsonElement Body)> DrawASevenAsync(string model)
    {
        BrowserFixture.RequireChromium();
        var page = await browser.OpenAsync(service: trustLines.Service);
        await page.TurnOffLiveRecognitionAsync();
        await page.Model.SelectOptionAsync(model); // the pad is empty: nothing is asked yet
        await page.DrawAsync(StrokeTracer.Trace(MnistTestSet.Instance.Images[0]));
        var response = await page.Page.RunAndWaitForResponseAsync(page.RecogniseAsync, r => new Uri(r.Url).AbsolutePath == "/predict");
        return (page, response.Status, JsonDocument.Parse(await response.TextAsync()).RootElement);
    }
}
