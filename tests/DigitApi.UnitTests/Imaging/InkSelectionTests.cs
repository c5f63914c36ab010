using DigitApi.Imaging;
using static DigitApi.UnitTests.Imaging.SyntheticDigits;

namespace DigitApi.UnitTests.Imaging;

/// <summary>What counts as the digit on a photo: not the frame, the table's edge or a shadow.</summary>
public class InkSelectionTests
{
    [Fact]
    public void A_dark_frame_along_the_border_is_not_part_of_the_digit()
    {
        var image = Seven(400, 300, 150, 80, 120, 12);
        var unframed = DigitPreprocessor.Prepare(Seven(400, 300, 150, 80, 120, 12));
        foreach (var (x0, y0, x1, y1) in new[] { (0, 0, 399, 0), (0, 299, 399, 299), (0, 0, 0, 299), (399, 0, 399, 299) })
        {
            Stroke(image, x0, y0, x1, y1, 10, 30);
        }

        var digit = DigitPreprocessor.Prepare(image);

        Assert.Equal(unframed.Box, digit.Box);
    }

    [Fact]
    public void The_edge_of_a_dark_table_beside_the_paper_is_ignored()
    {
        var image = One(400, 300, 200, 150, 150, 14);
        for (var y = 0; y < 300; y++)
        {
            for (var x = 0; x < 6; x++)
            {
                image.Pixels[(y * 400) + x] = 25;
            }
        }

        var digit = DigitPreprocessor.Prepare(image);

        Assert.InRange(digit.Box.X, 185, 200);
    }

    [Fact]
    public void A_soft_shadow_over_a_corner_is_not_ink()
    {
        var image = One(400, 300, 250, 160, 140, 10, paper: 230);
        for (var y = 0; y < 300; y++)
        {
            for (var x = 0; x < 400; x++)
            {
                // A shadow darkening the top-left corner by up to a quarter, fading out over ~200 px.
                var shade = Math.Max(0, 1 - (Math.Sqrt((x * x) + (y * y)) / 220));
                var index = (y * 400) + x;
                image.Pixels[index] = (byte)(image.Pixels[index] * (1 - (0.25 * shade)));
            }
        }

        var digit = DigitPreprocessor.Prepare(image);

        Assert.InRange(digit.Box.X, 235, 250);
        Assert.InRange(digit.Box.Y, 80, 95);
    }

    [Fact]
    public void A_blank_sheet_in_a_dark_frame_has_no_digit()
    {
        var image = Paper(300, 200);
        foreach (var (x0, y0, x1, y1) in new[] { (0, 0, 299, 0), (0, 199, 299, 199), (0, 0, 0, 199), (299, 0, 299, 199) })
        {
            Stroke(image, x0, y0, x1, y1, 8, 30);
        }

        var error = Assert.Throws<ImageRejectedException>(() => DigitPreprocessor.Prepare(image));

        Assert.Equal(ImageRejection.NoDigitFound, error.Reason);
    }
}
