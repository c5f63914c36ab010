using DigitApi.Imaging;

namespace DigitApi.UnitTests.Imaging;

/// <summary>
/// Phone photos of digits on ruled and squared paper, as the training pipeline's upload generator makes them
/// (tests/TestData/images/lined-paper, see its README.md): through the service's decoder and preprocessing,
/// the ink chosen is the digit drawn (its box overlaps the box the digit was drawn in by at least half), not pieces
/// of the lines or the margin, and the default model reads it; a page with nothing on it holds no ink.
/// </summary>
public class LinedPaperPhotoTests(Pipeline pipeline) : IClassFixture<Pipeline>
{
    [Theory]
    [InlineData("ruled-margin-5.jpg", 5, 102, 177, 148, 226)] // light blue rules and a red margin
    [InlineData("ruled-6.jpg", 6, 77, 185, 106, 222)] // grey rules, a red margin, a shadow over one corner
    [InlineData("ruled-pencil-6.jpg", 6, 113, 95, 138, 147)] // dark grey rules, a small pencil digit
    [InlineData("squared-dense-1.jpg", 1, 123, 265, 127, 294)] // a thin 1 on a dense blue grid
    [InlineData("squared-5.jpg", 5, 46, 110, 81, 162)] // a grey grid under a shadow
    [InlineData("squared-2.jpg", 2, 69, 99, 100, 140)] // a fine grey grid, light falling from one side
    [InlineData("ruled-8-line-through-loops.jpg", 8, 74, 23, 131, 98)] // a rule through the 8's waist, a shadow on its right
    [InlineData("squared-9-line-through-stem.jpg", 9, 117, 177, 148, 216)] // a grid line down the 9's stem
    [InlineData("ruled-faint-margin-9.jpg", 9, 204, 111, 232, 155)] // rules too faint to find, so the margin stays in the ink
    [InlineData("ruled-faint-margin-red-4.jpg", 4, 141, 91, 165, 127)] // the same, a thin red 4 on pink paper
    [InlineData("ruled-red-margin-1.jpg", 1, 79, 98, 120, 161)] // a red MNIST 1 beside a red margin
    [InlineData("ruled-6-against-the-margin.jpg", 6, 17, 92, 43, 129)] // a small 6 touching the margin
    [InlineData("ruled-pencil-5.jpg", 5, 149, 112, 186, 160)] // a pencil 5
    [InlineData("ruled-pencil-footed-1.jpg", 1, 111, 183, 134, 235)] // a pencil 1 with a flag and a foot
    [InlineData("ruled-dense-small-5.jpg", 5, 196, 215, 217, 239)] // a small 5 between dense rules
    [InlineData("ruled-2-across-the-margin.jpg", 2, 52, 74, 117, 155)] // a red MNIST 2 written across the margin
    [InlineData("ruled-short-flag-1.jpg", 1, 26, 153, 33, 183)] // a 1 with a short flag between dense rules
    [InlineData("squared-4.jpg", 4, 100, 179, 114, 209)] // an MNIST 4 on a grey grid at an angle
    public void The_digit_drawn_is_the_ink_found_and_is_read(string file, int digit, int left, int top, int right, int bottom)
    {
        DrawnDigitPhotos.AssertFoundAndRead(pipeline, Path.Combine("lined-paper", file), digit, new PixelBox(left, top, right - left, bottom - top));
    }

    [Theory]
    [InlineData("ruled-faint-rules-empty.jpg")] // faint rules that show as a ridge in fewer than half the columns, and a margin
    public void An_empty_page_of_lines_holds_no_ink(string file)
    {
        var image = pipeline.Decoder.Decode(SkiaImageDecoderTests.Read(Path.Combine("lined-paper", file)));

        Assert.Null(InkExtractor.Extract(image));
    }
}
