using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DigitApi.BrowserTests;

/// <summary>Images that come from a file: the picker, drag and drop, and the clipboard.</summary>
public class UploadTests(BrowserFixture browser)
{
    private static string Image(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", "images", name);

    public static TheoryData<string> SevenFiles => ["seven-rgb24.png", "seven.jpg", "seven.webp", "seven-exif-rotated.jpg"];

    [Theory]
    [MemberData(nameof(SevenFiles))]
    public async Task A_file_from_the_picker_is_recognised(string file)
    {
        await using var page = await browser.OpenAsync();

        var request = await page.Page.RunAndWaitForRequestAsync(
            () => page.FileInput.SetInputFilesAsync(Image(file)),
            r => r.Method == "POST" && new Uri(r.Url).AbsolutePath == "/predict");
        await page.WaitForAnswerAsync();

        Assert.StartsWith("multipart/form-data", await request.HeaderValueAsync("content-type"));
        Assert.Contains("include=input", request.Url);
        await Expect(page.Digit).ToHaveTextAsync("7");
        await Expect(page.Page.GetByRole(AriaRole.Img, new() { Name = $"The uploaded image {file}" })).ToBeVisibleAsync();
        await Expect(page.Pad).ToBeHiddenAsync();
        await page.ScreenshotAsync($"upload-{Path.GetFileNameWithoutExtension(file)}");
    }

    [Fact]
    public async Task The_upload_button_opens_the_file_picker_from_the_keyboard()
    {
        await using var page = await browser.OpenAsync();

        // Subscribing turns on file chooser interception; the round trip after it makes sure that is done
        // before Enter opens the chooser.
        var chosen = new TaskCompletionSource<IFileChooser>();
        page.Page.FileChooser += (_, chooser) => chosen.TrySetResult(chooser);
        await page.Page.EvaluateAsync("() => 0");
        await page.UploadButton.FocusAsync();
        await page.Page.Keyboard.PressAsync("Enter");
        var chooser = await chosen.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await chooser.SetFilesAsync(Image("seven-gray8.png"));
        await page.WaitForAnswerAsync();

        await Expect(page.Digit).ToHaveTextAsync("7");
        await Expect(page.Announcer).ToContainTextAsync("Recognised 7");

        // Clear goes back to the drawing pad.
        await page.Clear.ClickAsync();
        await Expect(page.Pad).ToBeVisibleAsync();
        await Expect(page.Page.Locator("#upload-preview")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task A_file_dropped_on_the_page_is_recognised()
    {
        await using var page = await browser.OpenAsync();
        var stage = page.Page.Locator("#stage");
        var transfer = await FilesAsync(page.Page, "seven.gif", "image/gif");

        await stage.DispatchEventAsync("dragenter", new { dataTransfer = transfer });
        await Expect(stage).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\bdragging\\b"));
        await Expect(page.Page.GetByText("Drop the image here")).ToBeVisibleAsync();
        await stage.DispatchEventAsync("dragover", new { dataTransfer = transfer });
        await stage.DispatchEventAsync("drop", new { dataTransfer = transfer });
        await page.WaitForAnswerAsync();

        await Expect(stage).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\bdragging\\b"));
        await Expect(page.Digit).ToHaveTextAsync("7");
    }

    [Fact]
    public async Task An_image_pasted_from_the_clipboard_is_recognised()
    {
        await using var page = await browser.OpenAsync();
        await page.Page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);

        // Put a PNG on the system clipboard, then paste it with the keyboard shortcut.
        var png = Convert.ToBase64String(await File.ReadAllBytesAsync(Image("seven-rgba32.png"), TestContext.Current.CancellationToken));
        await page.Page.EvaluateAsync("""
            async base64 => {
              const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
              await navigator.clipboard.write([new ClipboardItem({ 'image/png': new Blob([bytes], { type: 'image/png' }) })]);
            }
            """, png);
        await page.Page.Locator("body").ClickAsync(new() { Position = new() { X = 5, Y = 5 } });
        await page.Page.Keyboard.PressAsync("ControlOrMeta+V");
        await page.WaitForAnswerAsync();

        await Expect(page.Digit).ToHaveTextAsync("7");
    }

    /// <summary>A DataTransfer in the page holding one file read from TestData/images.</summary>
    private static async Task<IJSHandle> FilesAsync(IPage page, string name, string type)
    {
        var base64 = Convert.ToBase64String(await File.ReadAllBytesAsync(Image(name)));
        return await page.EvaluateHandleAsync("""
            ([name, type, base64]) => {
              const transfer = new DataTransfer();
              transfer.items.add(new File([Uint8Array.from(atob(base64), c => c.charCodeAt(0))], name, { type }));
              return transfer;
            }
            """, new[] { name, type, base64 });
    }
}
