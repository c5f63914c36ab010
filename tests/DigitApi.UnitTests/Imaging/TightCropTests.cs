using DigitApi.Imaging;
using static DigitApi.UnitTests.Imaging.SyntheticDigits;

namespace DigitApi.UnitTests.Imaging;

/// <summary>
/// Digits cropped tight to their box, as postal and form readers store them (16x16, 32x32): the digit touches the
/// border, and a bold one holds more ink than paper. (AccuracyTests measures whole sets of them.)
/// </summary>
public class TightCropTests
{
    [Fact]
    public void A_zero_whose_ring_runs_along_the_border_is_the_digit_not_a_frame()
    {
        // Light ink on black, the ring 3 px thick touching all four sides, and one speck of ink inside it.
        var image = Ring(16, thickness: 3, paper: 0, ink: 230);
        image.Pixels[(5 * 16) + 9] = 200;

        var digit = DigitPreprocessor.Prepare(image);

        Assert.Equal(new PixelBox(0, 0, 16, 16), digit.Box);
        Assert.True(Hole(digit) < 0.2f, $"the ring's hole reads {Hole(digit)}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_bold_zero_with_more_ink_than_paper_keeps_its_polarity(bool darkInk)
    {
        // A ring 5 px thick in 16x16 covers two thirds of the image: the ink is the majority, the corners are paper.
        var image = darkInk ? Ring(16, thickness: 5, paper: 240, ink: 20) : Ring(16, thickness: 5, paper: 10, ink: 245);

        var digit = DigitPreprocessor.Prepare(image);

        Assert.Equal(new PixelBox(0, 0, 16, 16), digit.Box);
        Assert.True(Hole(digit) < 0.2f, $"the ring's hole reads {Hole(digit)}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_bold_zero_clear_of_the_border_keeps_its_polarity(bool darkInk)
    {
        // A form's 32x32 bitmap: a marker 0 nearly filling the box, with a pixel or two of paper all round, so the whole
        // border is paper, as around any digit, and more than half the pixels are ink.
        var image = darkInk ? Oval(32, 14, 15, thickness: 8, paper: 250, ink: 0) : Oval(32, 14, 15, thickness: 8, paper: 0, ink: 250);

        var digit = DigitPreprocessor.Prepare(image);

        Assert.InRange(digit.Box.Height, 29, 31);
        Assert.True(Hole(digit) < 0.2f, $"the ring's hole reads {Hole(digit)}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_crop_shown_enlarged_is_read_as_a_crop(bool darkInk)
    {
        // The bold 0 of a 16x16 scan, each pixel shown as a 4x4 block: a 64x64 image, a page by its size. Read as a
        // page, the ring along the border went as a frame and the ink, the majority, was taken for the paper.
        var scan = darkInk ? Ring(16, thickness: 5, paper: 240, ink: 20) : Ring(16, thickness: 5, paper: 10, ink: 245);
        var image = Enlarged(scan, 4);

        var digit = DigitPreprocessor.Prepare(image);

        Assert.Equal(new PixelBox(0, 0, 64, 64), digit.Box);
        Assert.True(Hole(digit) < 0.2f, $"the ring's hole reads {Hole(digit)}");
    }

    [Fact]
    public void A_small_crop_keeps_losing_its_frame_when_a_digit_is_inside_it()
    {
        var image = One(40, 40, 20, 20, 26, 3);
        foreach (var (x0, y0, x1, y1) in new (double, double, double, double)[] { (0, 0.5, 40, 0.5), (0, 39.5, 40, 39.5), (0.5, 0, 0.5, 40), (39.5, 0, 39.5, 40) })
        {
            Stroke(image, x0, y0, x1, y1, 2, 20);
        }

        var digit = DigitPreprocessor.Prepare(image);

        Assert.InRange(digit.Box.X, 17, 20);
        Assert.InRange(digit.Box.Width, 2, 5);
    }

    [Theory]
    [InlineData(0, 16)] // an 8x8 scan's block counts saved as they are: light ink on black
    [InlineData(16, 0)] // 16 less the counts: dark ink on a paper of 16
    [InlineData(255, 247)] // ink 8 levels darker than white paper
    public void A_scan_stored_in_a_few_levels_over_clean_paper_is_read_at_full_contrast(byte paper, byte ink)
    {
        var image = Ring(8, thickness: 2, paper, ink);

        var digit = DigitPreprocessor.Prepare(image);

        Assert.Equal(new PixelBox(0, 0, 8, 8), digit.Box);
        Assert.True(digit.Pixels.Max() > 0.99f, $"the ring's ink reaches {digit.Pixels.Max()}");
        Assert.True(Hole(digit) < 0.2f, $"the ring's hole reads {Hole(digit)}");
    }

    [Fact]
    public void A_scan_with_fewer_levels_than_the_least_a_stored_scan_has_is_blank()
    {
        var image = Ring(8, thickness: 2, paper: 0, ink: InkExtractor.MinClearScanLevels - 1);

        Assert.Null(InkExtractor.Extract(image));
    }

    [Fact]
    public void Grain_of_a_few_levels_on_a_small_blank_crop_is_not_taken_for_a_stored_scan()
    {
        // Every level from 0 to 15 about as often as any other: no exact paper level holds a fifth of the pixels.
        var random = new Random(7);
        var image = Paper(16, 16, 0);
        for (var i = 0; i < image.Pixels.Length; i++)
        {
            image.Pixels[i] = (byte)random.Next(16);
        }

        Assert.Null(InkExtractor.Extract(image));
    }

    // A ring (a round 0) filling a side x side image.
    private static GrayImage Ring(int side, double thickness, byte paper, byte ink) => Oval(side, side / 2.0, side / 2.0, thickness, paper, ink);

    // An oval ring (a 0) of half-width rx and half-height ry, its outline `thickness` thick, centred in a side x side image.
    private static GrayImage Oval(int side, double rx, double ry, double thickness, byte paper, byte ink)
    {
        var image = Paper(side, side, paper);
        var c = side / 2.0;
        for (var y = 0; y < side; y++)
        {
            for (var x = 0; x < side; x++)
            {
                var (dx, dy) = (x + 0.5 - c, y + 0.5 - c);
                var withinOuter = Math.Pow(dx / rx, 2) + Math.Pow(dy / ry, 2) <= 1;
                var withinInner = Math.Pow(dx / Math.Max(rx - thickness, 0.1), 2) + Math.Pow(dy / Math.Max(ry - thickness, 0.1), 2) < 1;
                if (withinOuter && !withinInner)
                {
                    image.Pixels[(y * side) + x] = ink;
                }
            }
        }

        return image;
    }

    // The normalised digit's value at its centre of mass: the ring's hole, dark when the ring was taken for the ink.
    private static float Hole(PreparedDigit digit)
    {
        var (x, y, _, _) = Describe(digit.Pixels);
        return digit.Pixels[((int)Math.Round(y) * 28) + (int)Math.Round(x)];
    }
}
