using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(DigitApi.BrowserTests.BrowserFixture))]

namespace DigitApi.BrowserTests;

/// <summary>
/// One service process and one Chromium for the whole run: both take seconds to start. Each test
/// opens its own browser context, so tests share no page state.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Debian's Chromium; Playwright's own browser download is not used.</summary>
    public static readonly string ChromiumPath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private DigitApiService? _service;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser is not running.");

    public DigitApiService Service => _service ?? throw new InvalidOperationException("The service is not running.");

    /// <summary>Screenshots land here, beside the test results.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            return; // each test skips, or fails under CI (RequireChromium)
        }

        // Shared CI machines can be slow; a missing answer still fails, only later.
        Assertions.SetDefaultExpectTimeout(30_000);
        Directory.CreateDirectory(ScreenshotFolder);
        _service = await DigitApiService.StartAsync(TestContext.Current.CancellationToken);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });

        // The first page pays for Chromium's first renderer and the service's first static files and JIT;
        // paying it here, with a long timeout, keeps a busy machine from failing whichever test comes first.
        var first = await OpenAsync();
        await first.Page.Context.CloseAsync();
    }

    /// <summary>Skips the running test without Chromium (fails it where CI is set).</summary>
    public static void RequireChromium() =>
        OptionalComponent.Require(File.Exists(ChromiumPath), $"Chromium is not installed at {ChromiumPath} (apt-get install chromium, or run .ci/browser-deps.sh).");

    /// <summary>A fresh page at <c>/</c> with the model list loaded; skips the test without Chromium.</summary>
    /// <param name="options">Browser context settings (viewport, touch...).</param>
    /// <param name="service">Another running service to open the page of; default: the shared one.</param>
    public async Task<DigitPage> OpenAsync(BrowserNewContextOptions? options = null, DigitApiService? service = null)
    {
        RequireChromium();
        options ??= new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } };
        options.BaseURL = (service ?? Service).BaseAddress.ToString();
        var context = await Browser.NewContextAsync(options);
        context.SetDefaultTimeout(30_000);
        context.SetDefaultNavigationTimeout(90_000);
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            // A 4xx answer is logged by the browser as "Failed to load resource"; the page expects those.
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => errors.Add(error);
        return await DigitPage.OpenAsync(page, errors);
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }
    }
}
