using System.Net.Http.Json;
using System.Text.Json;
using DigitApi.Tests;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DigitApi.BrowserTests;

/// <summary>The model selector and the side-by-side comparison, checked against GET /models.</summary>
public class ModelTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_selector_lists_every_model_and_the_ensemble_with_the_default_selected()
    {
        var catalog = await CatalogAsync();
        await using var page = await browser.OpenAsync();

        var options = await page.Model.Locator("option").EvaluateAllAsync<string[]>("options => options.map(o => o.value)");

        Assert.Equal([.. catalog.Models, "ensemble"], options);
        await Expect(page.Model).ToHaveValueAsync(catalog.DefaultModel);
    }

    [Fact]
    public async Task Switching_the_model_asks_that_model_and_shows_its_answer()
    {
        var catalog = await CatalogAsync();
        await using var page = await browser.OpenAsync();
        await page.TurnOffLiveRecognitionAsync();
        await page.DrawAsync(StrokeTracer.Trace(MnistTestSet.Instance.Images[30])); // a 3 the cnn and lenet both answer
        await page.RecogniseAsync();
        await Expect(page.ResultModel).ToHaveTextAsync(DisplayName(catalog.DefaultModel));
        Assert.NotEqual("lenet", catalog.DefaultModel);
        var cnnBars = await BarTextsAsync(page);

        // Choosing another model asks again at once, with ?model=.
        var request = await page.Page.RunAndWaitForRequestAsync(
            () => page.Model.SelectOptionAsync("lenet"),
            r => r.Method == "POST" && new Uri(r.Url).AbsolutePath == "/predict");
        await page.WaitForAnswerAsync();

        Assert.Equal("lenet", System.Web.HttpUtility.ParseQueryString(new Uri(request.Url).Query)["model"]);
        await Expect(page.ResultModel).ToHaveTextAsync("LeNet-5");
        await Expect(page.Digit).ToHaveTextAsync("3");
        Assert.NotEqual(cnnBars, await BarTextsAsync(page)); // another model, other probabilities
    }

    [Fact]
    public async Task The_comparison_shows_every_model_and_the_ensemble_side_by_side()
    {
        var catalog = await CatalogAsync();
        await using var page = await browser.OpenAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1200, Height = 800 } });
        await page.TurnOffLiveRecognitionAsync();
        await page.Compare.CheckAsync();
        await Expect(page.Page.GetByRole(AriaRole.Heading, new() { Name = "Every model side by side" })).ToBeVisibleAsync();

        await page.DrawAsync(StrokeTracer.Trace(MnistTestSet.Instance.Images[11])); // a 6
        await page.RecogniseAsync();

        string[] names = [.. catalog.Models, "ensemble"];
        await Expect(page.Comparison).ToHaveCountAsync(names.Length);
        for (var i = 0; i < names.Length; i++)
        {
            var card = page.Comparison.Nth(i);
            await Expect(card).ToHaveAttributeAsync("data-model", names[i]);
            await Expect(card.Locator(".bars > li")).ToHaveCountAsync(10);
            await Expect(card.Locator(".model-digit")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9]$"));
        }

        // The two convolutional networks and the ensemble agree on a clean 6.
        foreach (var name in new[] { "cnn", "lenet", "ensemble" })
        {
            await Expect(page.Page.Locator($"#comparison > article[data-model={name}] .model-digit")).ToHaveTextAsync("6");
        }

        var ensemble = page.Page.Locator("#comparison > article[data-model=ensemble]");
        await Expect(ensemble).ToHaveClassAsync("model-card ensemble");
        await Expect(ensemble.Locator(".model-about")).ToContainTextAsync("mean of " + string.Join(", ", catalog.Members.Select(DisplayName)));
        await page.ScreenshotAsync("web-page");
    }

    private static string DisplayName(string model) => model switch
    {
        "cnn" => "CNN",
        "lenet" => "LeNet-5",
        "mlp" => "MLP",
        "logreg" => "Logistic regression",
        _ => model,
    };

    private async Task<(string DefaultModel, string[] Models, string[] Members)> CatalogAsync()
    {
        BrowserFixture.RequireChromium();
        using var http = new HttpClient { BaseAddress = browser.Service.BaseAddress };
        var json = await http.GetFromJsonAsync<JsonElement>("models", TestContext.Current.CancellationToken);
        var models = json.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("card").GetProperty("name").GetString()!).ToArray();
        var members = json.GetProperty("ensemble").GetProperty("members").EnumerateArray().Select(m => m.GetString()!).ToArray();
        return (json.GetProperty("defaultModel").GetString()!, models, members);
    }

    /// <summary>The bar heights: each digit's probability to four places.</summary>
    private static Task<string[]> BarTextsAsync(DigitPage page) =>
        page.Bars.EvaluateAllAsync<string[]>("bars => bars.map(b => b.style.getPropertyValue('--p'))");
}
