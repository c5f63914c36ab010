using DigitApi.Tests;
using static Microsoft.Playwright.Assertions;

namespace DigitApi.BrowserTests;

/// <summary>Several digits at once through POST /predict/number, the page's second mode.</summary>
public class NumberModeTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_number_mode_is_offered_because_the_service_reads_numbers()
    {
        await using var page = await browser.OpenAsync();

        Assert.Equal(400, await NumberEndpointStatusAsync()); // the endpoint exists: an empty upload is a missing image
        await Expect(page.Modes).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Two_digits_written_side_by_side_are_read_as_a_number_with_a_box_around_each()
    {
        await using var page = await browser.OpenAsync();
        await page.TurnOffLiveRecognitionAsync();
        await page.Page.GetByRole(Microsoft.Playwright.AriaRole.Radio, new() { Name = "A number" }).CheckAsync();
        await Expect(page.Page.Locator("#stage")).ToHaveAttributeAsync("data-mode", "number");

        await page.DrawAsync(StrokeTracer.Trace(MnistTestSet.Instance.Images[4]), left: 0.02, width: 0.46); // a 4
        await page.DrawAsync(StrokeTracer.Trace(MnistTestSet.Instance.Images[1]), left: 0.52, width: 0.46); // a 2
        await page.RecogniseAsync();

        await Expect(page.Page.Locator("#number")).ToHaveTextAsync("42");
        var boxes = page.Page.Locator("#boxes .box");
        await Expect(boxes).ToHaveCountAsync(2);
        var pad = (await page.Pad.BoundingBoxAsync())!;
        var first = (await boxes.Nth(0).BoundingBoxAsync())!;
        var second = (await boxes.Nth(1).BoundingBoxAsync())!;
        Assert.InRange(first.X + (first.Width / 2), pad.X, pad.X + (pad.Width / 2));
        Assert.InRange(second.X + (second.Width / 2), pad.X + (pad.Width / 2), pad.X + pad.Width);
        await Expect(boxes.Nth(0)).ToContainTextAsync("4");
        await Expect(boxes.Nth(1)).ToContainTextAsync("2");
        await page.ScreenshotAsync("number-mode");
    }

    /// <summary>What the service answers to an empty POST /predict/number: 400 if it has the endpoint.</summary>
    private async Task<int> NumberEndpointStatusAsync()
    {
        BrowserFixture.RequireChromium();
        using var http = new HttpClient { BaseAddress = browser.Service.BaseAddress };
        using var response = await http.PostAsync("predict/number", null, TestContext.Current.CancellationToken);
        return (int)response.StatusCode;
    }
}
