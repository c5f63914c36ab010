using DigitApi.Imaging;

namespace DigitApi.UnitTests.Imaging;

/// <summary>
/// Phone photos of thin pencil digits on plain, ruled and squared paper whose strokes stand less than three times as far
/// above the paper as its grain, and photos of blank paper from the same generator (tests/TestData/images/faint-pencil, see its
/// README.md): the digit is found where it was drawn and the default model reads it; blank paper stays blank.
/// </summary>
public class FaintPencilPhotoTests(Pipeline pipeline) : IClassFixture<Pipeline>
{
    [Theory]
    [InlineData("pencil-7.jpg", 7, 136, 26, 198, 101)] // a grey page, darker at the bottom
    [InlineData("pencil-flag-1.jpg", 1, 155, 37, 194, 113)] // a 1 with a long flag on a lilac page
    [InlineData("pencil-small-4.jpg", 4, 32, 267, 51, 301)] // a small 4 in a corner
    [InlineData("pencil-2.jpg", 2, 162, 152, 206, 204)] // a reddish pencil on a pink page
    [InlineData("pencil-looped-2.jpg", 2, 212, 33, 242, 74)] // a 2 with a loop
    [InlineData("pencil-shaded-2.jpg", 2, 181, 45, 220, 108)] // a shadow over one corner
    [InlineData("ruled-pencil-5.jpg", 5, 215, 63, 273, 140)] // grey rules as strong as the pencil
    [InlineData("squared-pencil-3.jpg", 3, 63, 96, 121, 157)] // a grey grid as strong as the pencil

    // Pencil that breaks into specks at the threshold: read from the specks alone, the 8 was a 2, the 0 on ruled paper a
    // 7, the open 4s a 7 and a 1 and the curled 9 a 1 (InkExtractor.FaintInkPeak).
    [InlineData("pencil-8.jpg", 8, 128, 11, 150, 56)]
    [InlineData("ruled-pencil-0.jpg", 0, 34, 220, 69, 273)]
    [InlineData("ruled-pencil-open-4.jpg", 4, 254, 187, 274, 223)]
    [InlineData("squared-pencil-curled-9.jpg", 9, 90, 52, 106, 77)]
    [InlineData("squared-pencil-open-4.jpg", 4, 175, 183, 210, 246)]
    public void A_faint_pencil_digit_is_found_where_it_was_drawn_and_read(string file, int digit, int left, int top, int right, int bottom)
    {
        DrawnDigitPhotos.AssertFoundAndRead(pipeline, Path.Combine("faint-pencil", file), digit, new PixelBox(left, top, right - left, bottom - top));
    }

    [Theory]
    [InlineData("blank-grainy-paper.jpg")] // grain peaks over twice the grain, in specks of a pixel
    [InlineData("blank-paper.jpg")]
    [InlineData("blank-shaded-paper.jpg")] // the shading's leftovers, as strong as faint ink
    [InlineData("blank-ruled-paper.jpg")] // what is left of a rule: long, but flat
    public void Blank_paper_photographed_the_same_way_holds_no_ink(string file)
    {
        var image = pipeline.Decoder.Decode(SkiaImageDecoderTests.Read(Path.Combine("faint-pencil", file)));

        Assert.Null(InkExtractor.Extract(image));
    }
}
