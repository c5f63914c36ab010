using DigitApi.Imaging;

namespace DigitApi.UnitTests.Imaging;

/// <summary>
/// Phone photos of digits on plain paper under the shadow of a hand or a phone, a sharp or a soft edge across the page
/// (tests/TestData/images/shadows, see its README.md): the digit is found where it was drawn, not joined by a band
/// along the shadow's edge, and the default model reads it. In pencil under a shadow over most of the page, the lit
/// paper beside the shadow makes the image's light extreme farther from its median than the pencil's grey: the ink
/// is still the pencil, not the lit paper.
/// </summary>
public class ShadowPhotoTests(Pipeline pipeline) : IClassFixture<Pipeline>
{
    [Theory]
    [InlineData("half-plane-3.jpg", 3, 60, 63, 115, 137)] // a straight edge across the page, through the 3's corner
    [InlineData("disc-edge-7.jpg", 7, 41, 78, 118, 169)] // the round edge of a shadow from the right, beside the 7
    [InlineData("corner-disc-8.jpg", 8, 176, 15, 220, 89)] // a round shadow over the corner the 8 is in
    [InlineData("soft-disc-2.jpg", 2, 106, 99, 169, 184)] // a soft round shadow from the top over the 2
    [InlineData("pencil-large-shadow-8.jpg", 8, 63, 126, 106, 207)] // in pencil, under a shadow over most of the page
    [InlineData("pencil-large-shadow-5.jpg", 5, 97, 184, 157, 246)]
    [InlineData("pencil-large-shadow-1.jpg", 1, 70, 161, 98, 222)] // on the shadow's edge
    [InlineData("pencil-large-shadow-2.jpg", 2, 128, 26, 202, 95)] // across the shadow's edge
    public void A_digit_photographed_under_a_shadow_is_found_where_it_was_drawn_and_read(string file, int digit, int left, int top, int right, int bottom)
    {
        DrawnDigitPhotos.AssertFoundAndRead(pipeline, Path.Combine("shadows", file), digit, new PixelBox(left, top, right - left, bottom - top));
    }
}
