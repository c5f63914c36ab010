using DigitApi.Tests;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DigitApi.BrowserTests;

/// <summary>The page on a 390x844 phone screen, drawn on with a finger.</summary>
public class PhoneTests(BrowserFixture browser)
{
    private const int Width = 390;

    private static BrowserNewContextOptions Phone => new()
    {
        ViewportSize = new ViewportSize { Width = Width, Height = 844 },
        DeviceScaleFactor = 2,
        IsMobile = true,
        HasTouch = true,
    };

    [Fact]
    public async Task On_a_phone_there_is_no_horizontal_scroll_and_every_control_fits_and_is_large_enough_to_tap()
    {
        await using var page = await browser.OpenAsync(Phone);
        await page.Compare.CheckAsync(); // the widest content: answer, bars and every model's card
        await page.FileInput.SetInputFilesAsync(Path.Combine(AppContext.BaseDirectory, "TestData", "images", "seven-rgb24.png"));
        await page.WaitForAnswerAsync();
        await Expect(page.Page.Locator("#comparison > article .model-digit")).ToHaveCountAsync(5);
        await page.Clear.TapAsync();
        await page.Page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await page.ScreenshotAsync("phone");

        // A phone widens its layout viewport to fit overflowing content, so compare with the screen, not innerWidth.
        var width = await page.Page.EvaluateAsync<int>("() => Math.max(document.documentElement.scrollWidth, window.innerWidth)");
        Assert.True(width <= Width, $"The page is {width} px wide on a {Width} px screen: it scrolls sideways.");
        foreach (var control in new[] { page.Undo, page.Clear, page.UploadButton, page.Recognise, page.Model })
        {
            var box = await control.BoundingBoxAsync() ?? throw new InvalidOperationException($"{control} is not visible.");
            Assert.InRange(box.X, 0, Width);
            Assert.InRange(box.X + box.Width, 0, Width);
            Assert.True(box.Height >= 44, $"{control} is {box.Height} px high; fingers need 44.");
        }

        var pad = (await page.Pad.BoundingBoxAsync())!;
        Assert.InRange(pad.X + pad.Width, Width * 0.8, Width);
    }

    [Fact]
    public async Task On_a_phone_a_digit_drawn_with_a_finger_is_recognised()
    {
        await using var page = await browser.OpenAsync(Phone);
        await page.TurnOffLiveRecognitionAsync();
        var drawing = StrokeTracer.Trace(MnistTestSet.Instance.Images[2]); // a 1: one long downward stroke
        await page.SetStrokeWidthAsync((int)Math.Round(drawing.PenWidth * 10));

        // Scrolled down a little, a downward swipe on anything but the pad would scroll the page back up.
        var scrollBefore = await page.Page.EvaluateAsync<double>("() => { window.scrollTo(0, 40); return window.scrollY; }");
        Assert.Equal(40, scrollBefore);
        var box = (await page.Pad.BoundingBoxAsync())!;

        // Real touch input: touchstart/move/end from the browser's input pipeline, not synthetic DOM events.
        var cdp = await page.Page.Context.NewCDPSessionAsync(page.Page);
        foreach (var stroke in drawing.Strokes)
        {
            var type = "touchStart";
            foreach (var point in stroke)
            {
                await cdp.SendAsync("Input.dispatchTouchEvent", new Dictionary<string, object>
                {
                    ["type"] = type,
                    ["touchPoints"] = new[] { new Dictionary<string, object> { ["x"] = box.X + (point.X / 28 * box.Width), ["y"] = box.Y + (point.Y / 28 * box.Height) } },
                });
                type = "touchMove";
            }

            // A finger comes to rest before it lifts; lifting at full speed would start a fling, and the
            // browser takes the next tap as "stop the fling", not as a click.
            await page.Page.WaitForTimeoutAsync(150);
            await cdp.SendAsync("Input.dispatchTouchEvent", new Dictionary<string, object> { ["type"] = "touchEnd", ["touchPoints"] = Array.Empty<object>() });
        }

        // touch-action: none keeps the finger drawing instead of scrolling the page.
        Assert.Equal(scrollBefore, await page.Page.EvaluateAsync<double>("() => window.scrollY"));
        await page.Recognise.TapAsync();
        await page.WaitForAnswerAsync();
        await Expect(page.Digit).ToHaveTextAsync("1");
        await page.ScreenshotAsync("phone-finger-drawing");
    }
}
