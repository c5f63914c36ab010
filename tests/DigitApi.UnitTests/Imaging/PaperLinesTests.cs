using DigitApi.Imaging;
using static DigitApi.UnitTests.Imaging.SyntheticDigits;

namespace DigitApi.UnitTests.Imaging;

/// <summary>
/// Ruled and squared paper at the working size (the decoder's reduced image): the lines go, the digit stays whole.
/// </summary>
public class PaperLinesTests
{
    public static TheoryData<double, byte> RuledPages => new()
    {
        { 0, 150 },
        { -12, 150 },
        { 7, 200 },
        { 14, 90 },
        { -4, 40 },
    };

    [Theory]
    [MemberData(nameof(RuledPages))]
    public void Ruled_lines_at_a_tilt_are_not_part_of_the_digit(double degrees, byte line)
    {
        var clean = Seven(150, 200, 45, 70, 60, 4);
        var ruled = Seven(150, 200, 45, 70, 60, 4);
        Rule(ruled, degrees, spacing: 9, line, across: true);

        var expected = DigitPreprocessor.Prepare(clean);
        var digit = DigitPreprocessor.Prepare(ruled);

        AssertClose(expected.Box, digit.Box, 2);
    }

    [Fact]
    public void A_squared_grid_and_a_red_margin_are_not_part_of_the_digit()
    {
        var clean = One(160, 200, 90, 100, 70, 4);
        var squared = One(160, 200, 90, 100, 70, 4);
        Rule(squared, 5, spacing: 8, 170, across: true);
        Rule(squared, 5, spacing: 8, 170, across: false);
        Stroke(squared, 30, 0, 30 - 12, 200, 1.8, 120); // a margin line, as gray as red turns

        var expected = DigitPreprocessor.Prepare(clean);
        var digit = DigitPreprocessor.Prepare(squared);

        AssertClose(expected.Box, digit.Box, 2);
    }

    [Fact]
    public void A_bar_written_along_a_ruled_line_is_kept()
    {
        var clean = Seven(150, 200, 45, 67, 60, 3);
        var ruled = Seven(150, 200, 45, 67, 60, 3);
        Rule(ruled, 0, spacing: 9, 170, across: true); // a line through the 7's bar, at row 67

        var expected = DigitPreprocessor.Prepare(clean);
        var digit = DigitPreprocessor.Prepare(ruled);

        AssertClose(expected.Box, digit.Box, 2);
    }

    [Fact]
    public void A_stroke_crossing_dark_lines_stays_one_stroke()
    {
        var image = One(150, 200, 75, 100, 80, 3);
        Rule(image, 3, spacing: 10, 40, across: true);

        var ink = InkExtractor.Extract(image)!;
        var (labels, components) = ConnectedComponents.Label(ink);
        var one = ConnectedComponents.WithoutSpecks(ConnectedComponents.WithoutEdgeArtifacts(components, labels, 150, 200));

        var stroke = Assert.Single(one);
        Assert.InRange(stroke.Box.Height, 78, 84);
    }

    [Fact]
    public void A_small_digit_on_a_large_ruled_page_is_found()
    {
        var clean = Seven(200, 150, 120, 50, 18, 2);
        var page = Seven(200, 150, 120, 50, 18, 2);
        Rule(page, -6, spacing: 7, 160, across: true);
        AddNoise(page, 4, seed: 3);
        AddNoise(clean, 4, seed: 3);

        var expected = DigitPreprocessor.Prepare(clean);
        var digit = DigitPreprocessor.Prepare(page);

        AssertClose(expected.Box, digit.Box, 2);
    }

    [Theory]
    [InlineData(false, 0.35)] // ruled paper, a light shadow
    [InlineData(false, 0.5)] // ruled, darker
    [InlineData(true, 0.45)] // squared
    public void The_edge_of_a_hand_shadow_across_lined_paper_is_not_taken_with_the_digit(bool squared, double darkening)
    {
        // A 7 on a page of rules (and columns, when squared) and the shadow of a hand over the right of the page, its
        // edge, soft over 3 px, crossing the end of the 7's bar. Flattened block by block, the edge left a band of ink
        // a block wide along the shadow's side, joined to the 7 from the top of the page to the bottom.
        var shadowless = Seven(150, 200, 40, 70, 60, 4, paper: 225);
        var page = Seven(150, 200, 40, 70, 60, 4, paper: 225);
        foreach (var image in (GrayImage[])[shadowless, page])
        {
            Rule(image, 2, spacing: 9, 175, across: true);
            if (squared)
            {
                Rule(image, 2, spacing: 9, 175, across: false);
            }
        }

        for (var y = 0; y < 200; y++)
        {
            for (var x = 0; x < 150; x++)
            {
                var inside = (x - 74 + (0.2 * (y - 100))) / 3.0;
                var at = (y * 150) + x;
                page.Pixels[at] = (byte)(page.Pixels[at] * (1 - (darkening / (1 + Math.Exp(-inside)))));
            }
        }

        AddNoise(shadowless, 3, seed: 11);
        AddNoise(page, 3, seed: 11);

        var expected = DigitPreprocessor.Prepare(shadowless);
        var digit = DigitPreprocessor.Prepare(page);

        AssertClose(expected.Box, digit.Box, 2);
    }

    [Fact]
    public void A_long_thick_stroke_of_the_digit_is_not_a_line()
    {
        AssertNoLines(Inverted(One(150, 200, 75, 100, 170, 6)));
    }

    [Fact]
    public void A_single_long_thin_stroke_on_a_drawing_is_the_digits_own()
    {
        AssertNoLines(Inverted(One(150, 200, 75, 100, 180, 2)));
    }

    [Fact]
    public void A_thin_stroke_shorter_than_the_page_is_not_a_line()
    {
        AssertNoLines(Inverted(Seven(150, 200, 30, 40, 90, 2)));
    }

    [Fact]
    public void Drawings_smaller_than_a_page_are_left_alone()
    {
        AssertNoLines(Inverted(One(40, 40, 20, 20, 36, 1.5)));
    }

    // Nothing on the image is taken for a paper line, so nothing is removed.
    private static void AssertNoLines(GrayImage image) => Assert.Null(PaperLines.Remove(image.Pixels, image.Width, image.Height));

    // Lines 1.4 px thick every spacing pixels, turned by degrees, running across (or down) the whole image.
    private static void Rule(GrayImage image, double degrees, int spacing, byte line, bool across)
    {
        var (w, h) = (image.Width, image.Height);
        var slope = Math.Tan(degrees * Math.PI / 180);
        var side = across ? h : w;
        var run = across ? w : h;
        for (var at = -(int)(Math.Abs(slope) * run) + (spacing / 2); at < side + (Math.Abs(slope) * run); at += spacing)
        {
            if (across)
            {
                Stroke(image, 0, at, w, at + (slope * w), 1.4, line, under: true);
            }
            else
            {
                Stroke(image, at, 0, at - (slope * h), h, 1.4, line, under: true);
            }
        }
    }

    private static void AssertClose(PixelBox expected, PixelBox actual, int tolerance)
    {
        Assert.True(
            Math.Abs(expected.X - actual.X) <= tolerance && Math.Abs(expected.Y - actual.Y) <= tolerance
            && Math.Abs(expected.Right - actual.Right) <= tolerance && Math.Abs(expected.Bottom - actual.Bottom) <= tolerance,
            $"expected {expected}, got {actual}");
    }
}
