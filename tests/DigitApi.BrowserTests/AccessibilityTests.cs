using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DigitApi.BrowserTests;

/// <summary>Labels, keyboard operation, announcements and contrast.</summary>
public class AccessibilityTests(BrowserFixture browser)
{
    [Fact]
    public async Task Every_control_is_reachable_with_the_tab_key_in_reading_order()
    {
        await using var page = await browser.OpenAsync();
        List<string> expected =
        [
            "Skip to the drawing pad", "API docs", "Model cards", "Undo", "Clear", "Stroke width", "Model",
            "Upload image", "Recognise", "Recognise as I draw", "Compare all models",
        ];
        if (await page.Modes.IsVisibleAsync())
        {
            expected.Insert(3, "One digit"); // the radio group is one tab stop; arrows move within it
        }

        var reached = new List<string>();
        for (var i = 0; i < expected.Count; i++)
        {
            await page.Page.Keyboard.PressAsync("Tab");
            reached.Add(await page.Page.EvaluateAsync<string>("""
                () => {
                  const e = document.activeElement;
                  return (e.labels?.[0]?.textContent ?? e.getAttribute('aria-label') ?? e.textContent).trim();
                }
                """));
        }

        Assert.Equal(expected, reached);
    }

    [Fact]
    public async Task The_answer_is_announced_in_a_live_region()
    {
        await using var page = await browser.OpenAsync();

        await Expect(page.Announcer).ToHaveAttributeAsync("aria-live", "polite");
        await page.FileInput.SetInputFilesAsync(Path.Combine(AppContext.BaseDirectory, "TestData", "images", "seven.bmp"));
        await page.WaitForAnswerAsync();

        await Expect(page.Announcer).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^Recognised 7, \d+(\.\d)?% confident \(.+\)\.$"));
        await Expect(page.Page.Locator("#bars")).ToHaveAttributeAsync("aria-labelledby", "bars-heading");
        await Expect(page.Bars.Nth(7)).ToContainTextAsync("7: ");
    }

    [Fact]
    public async Task Text_has_at_least_aa_contrast_in_light_and_dark_themes()
    {
        foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
        {
            await using var page = await browser.OpenAsync(new BrowserNewContextOptions { ColorScheme = scheme });
            await page.FileInput.SetInputFilesAsync(Path.Combine(AppContext.BaseDirectory, "TestData", "images", "seven-rgb24.png"));
            await page.WaitForAnswerAsync();

            var failures = await page.Page.EvaluateAsync<string[]>(ContrastCheck);

            Assert.True(failures.Length == 0, $"{scheme}: " + string.Join("; ", failures));
        }
    }

    /// <summary>WCAG contrast of every visible text against its nearest opaque background: 4.5:1, or 3:1 for large text.</summary>
    private const string ContrastCheck = """
        () => {
          const rgb = c => (c.match(/[\d.]+/g) ?? []).map(Number);
          const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
            .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
          const background = e => {
            for (; e; e = e.parentElement) {
              const c = rgb(getComputedStyle(e).backgroundColor);
              if (c.length === 3 || c[3] === 1) return c.slice(0, 3);
            }
            return [255, 255, 255];
          };
          const failures = [];
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const e = node.parentElement;
            if (!node.textContent.trim() || !e.checkVisibility({ opacityProperty: true, visibilityProperty: true }) || e.closest('.visually-hidden')) continue;
            const style = getComputedStyle(e);
            const [a, b] = [lum(rgb(style.color).slice(0, 3)), lum(background(e))];
            const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
            const large = parseFloat(style.fontSize) >= 24 || (parseFloat(style.fontSize) >= 18.66 && Number(style.fontWeight) >= 700);
            if (ratio < (large ? 3 : 4.5)) failures.push(`"${node.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}:1`);
          }
          return failures;
        }
        """;
}
