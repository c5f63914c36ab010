using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DigitApi.BrowserTests;

/// <summary>
/// The draw-a-digit page as a person sees it. Controls are found by role and accessible name, so a
/// control that loses its label breaks the tests.
/// </summary>
public sealed class DigitPage(IPage page, IReadOnlyList<string> scriptErrors) : IAsyncDisposable
{
    public IPage Page { get; } = page;

    /// <summary>Uncaught script errors seen so far.</summary>
    public IReadOnlyList<string> ScriptErrors { get; } = scriptErrors;

    public ILocator Pad => Page.GetByRole(AriaRole.Img, new() { Name = "Drawing pad" });

    public ILocator Undo => Page.GetByRole(AriaRole.Button, new() { Name = "Undo" });

    public ILocator Clear => Page.GetByRole(AriaRole.Button, new() { Name = "Clear" });

    public ILocator Recognise => Page.GetByRole(AriaRole.Button, new() { Name = "Recognise", Exact = true });

    public ILocator UploadButton => Page.GetByRole(AriaRole.Button, new() { Name = "Upload image" });

    public ILocator StrokeWidth => Page.GetByRole(AriaRole.Slider, new() { Name = "Stroke width" });

    public ILocator Model => Page.GetByRole(AriaRole.Combobox, new() { Name = "Model" });

    public ILocator Live => Page.GetByRole(AriaRole.Checkbox, new() { Name = "Recognise as I draw" });

    public ILocator Compare => Page.GetByRole(AriaRole.Checkbox, new() { Name = "Compare all models" });

    public ILocator Modes => Page.GetByRole(AriaRole.Radiogroup, new() { Name = "What to recognise" });

    /// <summary>The file input behind the Upload button.</summary>
    public ILocator FileInput => Page.Locator("input[type=file]");

    public ILocator Result => Page.Locator("#result");

    public ILocator Digit => Page.Locator("#digit");

    public ILocator Confidence => Page.Locator("#confidence");

    public ILocator ResultModel => Page.Locator("#result-model");

    public ILocator Bars => Page.Locator("#bars > li");

    public ILocator ModelInput => Page.GetByRole(AriaRole.Img, new() { Name = "The 28 by 28 pixel image the model saw" });

    public ILocator Announcer => Page.GetByRole(AriaRole.Status);

    public ILocator Error => Page.GetByRole(AriaRole.Alert);

    public ILocator ErrorTitle => Page.Locator("#error-title");

    public ILocator ErrorDetail => Page.Locator("#error-detail");

    public ILocator Comparison => Page.Locator("#comparison > article");

    public static async Task<DigitPage> OpenAsync(IPage page, IReadOnlyList<string> scriptErrors)
    {
        await page.GotoAsync("/");
        var digitPage = new DigitPage(page, scriptErrors);

        // Ready once the model list has arrived and /predict/number has been probed.
        await Expect(digitPage.Model).ToHaveAttributeAsync("data-loaded", "true");
        await Expect(page.Locator("#modes[data-available]")).ToHaveCountAsync(1);
        return digitPage;
    }

    /// <summary>Sets the pen width with the keyboard, as a person without a mouse would.</summary>
    public async Task SetStrokeWidthAsync(int width)
    {
        await StrokeWidth.FocusAsync();
        await StrokeWidth.PressAsync("Home");
        var min = int.Parse(await StrokeWidth.GetAttributeAsync("min") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        for (var value = min; value < width; value++)
        {
            await Page.Keyboard.PressAsync("ArrowRight");
        }
    }

    /// <summary>
    /// Replays <paramref name="drawing"/> with mouse down, moves and up. Its 28x28 frame is mapped onto
    /// the part of the pad given by <paramref name="left"/> and <paramref name="width"/> (fractions of
    /// the pad's width; the frame is square and fills the pad's height).
    /// </summary>
    public async Task DrawAsync(Drawing drawing, double left = 0, double width = 1)
    {
        var box = await Pad.BoundingBoxAsync() ?? throw new InvalidOperationException("The pad is not visible.");
        var canvasWidth = await Pad.EvaluateAsync<int>("c => c.width");
        var frame = box.Width * width;
        var pen = drawing.PenWidth * canvasWidth * width / 28;
        await SetStrokeWidthAsync((int)Math.Clamp(Math.Round(pen), 6, 40));

        var mouse = Page.Mouse;
        foreach (var stroke in drawing.Strokes)
        {
            var (x, y) = (box.X + (box.Width * left) + (stroke[0].X / 28 * frame), box.Y + (stroke[0].Y / 28 * box.Height));
            await mouse.MoveAsync((float)x, (float)y);
            await mouse.DownAsync();
            foreach (var point in stroke.Skip(1))
            {
                await mouse.MoveAsync((float)(box.X + (box.Width * left) + (point.X / 28 * frame)), (float)(box.Y + (point.Y / 28 * box.Height)));
            }

            await mouse.UpAsync();
        }
    }

    /// <summary>Presses Recognise and waits for the answer or the error.</summary>
    public async Task RecogniseAsync()
    {
        await Recognise.ClickAsync();
        await WaitForAnswerAsync();
    }

    /// <summary>Waits until the page shows an answer (or an error) for what is on the pad now.</summary>
    public async Task WaitForAnswerAsync() =>
        await Expect(Page.Locator("#result[data-state=done], #result[data-state=error]")).ToHaveCountAsync(1);

    /// <summary>Stops recognising on every stroke, so each test decides when to ask.</summary>
    public async Task TurnOffLiveRecognitionAsync() => await Live.UncheckAsync();

    /// <summary>Closes the page's browser context.</summary>
    public async ValueTask DisposeAsync() => await Page.Context.CloseAsync();

    public async Task ScreenshotAsync(string name) =>
        await Page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotFolder, name + ".png"), FullPage = true });
}
