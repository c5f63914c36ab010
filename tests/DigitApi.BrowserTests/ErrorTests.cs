using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DigitApi.BrowserTests;

/// <summary>The service's ProblemDetails, shown to a person as a title, the detail and what to do.</summary>
public class ErrorTests(BrowserFixture browser)
{
    [Fact]
    public async Task Recognising_a_blank_pad_shows_no_digit_found()
    {
        await using var page = await browser.OpenAsync();
        await page.TurnOffLiveRecognitionAsync();

        var response = await page.Page.RunAndWaitForResponseAsync(page.RecogniseAsync, r => new Uri(r.Url).AbsolutePath == "/predict");

        Assert.Equal(422, response.Status);
        await Expect(page.Error).ToBeVisibleAsync();
        await Expect(page.ErrorTitle).ToHaveTextAsync("No digit found");
        await Expect(page.ErrorDetail).ToContainTextAsync("blank");
        await Expect(page.ErrorDetail).ToContainTextAsync("Draw a digit on the pad first");
        await Expect(page.Page.Locator("#digit-result")).ToBeHiddenAsync();
        await page.ScreenshotAsync("error-blank-pad");

        // The message goes away with the next good answer.
        await page.DrawAsync(StrokeTracer.Trace(Tests.MnistTestSet.Instance.Images[0]));
        await page.RecogniseAsync();
        await Expect(page.Error).ToBeHiddenAsync();
        await Expect(page.Digit).ToHaveTextAsync("7");
    }

    [Fact]
    public async Task A_file_that_is_not_an_image_shows_unsupported_format()
    {
        await using var page = await browser.OpenAsync();

        await page.FileInput.SetInputFilesAsync(new FilePayload
        {
            Name = "notes.txt",
            MimeType = "text/plain",
            Buffer = "not a picture of a digit"u8.ToArray(),
        });
        await page.WaitForAnswerAsync();

        await Expect(page.ErrorTitle).ToHaveTextAsync("Unsupported image format");
        await Expect(page.ErrorDetail).ToContainTextAsync("Use a PNG, JPEG, GIF, BMP or WebP image.");
        await page.ScreenshotAsync("error-unsupported-file");
    }

    [Fact]
    public async Task An_image_over_the_size_limit_shows_too_large()
    {
        await using var page = await browser.OpenAsync();

        // From a file, so the browser reads it from disk rather than receiving 11 MB through Playwright.
        var folder = Directory.CreateTempSubdirectory("digitapi-browser-");
        var huge = Path.Combine(folder.FullName, "huge.png");
        var bytes = new byte[11 * 1024 * 1024]; // the service accepts 10 MiB
        new Random(6).NextBytes(bytes);
        await File.WriteAllBytesAsync(huge, bytes, TestContext.Current.CancellationToken);
        IResponse response;
        try
        {
            response = await page.Page.RunAndWaitForResponseAsync(
                () => page.FileInput.SetInputFilesAsync(huge),
                r => new Uri(r.Url).AbsolutePath == "/predict");
            await page.WaitForAnswerAsync();
        }
        finally
        {
            folder.Delete(recursive: true);
        }

        Assert.Equal(413, response.Status);
        await Expect(page.ErrorTitle).ToContainTextAsync("too large");
        await Expect(page.ErrorDetail).ToContainTextAsync("Try a smaller image");
    }
}
