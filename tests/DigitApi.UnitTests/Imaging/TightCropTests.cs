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

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_digit_stretched_over_a_whole_low_resolution_square_is_narrowed_to_a_written_digits_aspect(bool enlarged)
    {
        // A 1 with a flag and a foot as a reader that size-normalises both ways stores it: the flag runs to the left
        // edge, the foot from side to side. Read with its stretched aspect it is as wide as tall; narrowed, three
        // quarters as wide (also when the 16x16 scan is shown at 64x64 in 4x4 blocks).
        var image = FlaggedOne(16);

        var digit = DigitPreprocessor.Prepare(enlarged ? Enlarged(image, 4) : image);

        var box = Describe(digit.Pixels).Box;
        Assert.InRange(box.Height, 19, 21);
        Assert.InRange(box.Width, 14, 17);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(32)]
    public void A_digit_filling_a_square_that_is_no_stretched_store_keeps_its_aspect(int side)
    {
        // An 8x8 block count comes from a 20x32 box, not a stretched square; a 32x32 bitmap is a form's box.
        var digit = DigitPreprocessor.Prepare(FlaggedOne(side));

        var box = Describe(digit.Pixels).Box;
        Assert.InRange(box.Width, box.Height - 2, box.Height + 2);
    }

    [Fact]
    public void A_digit_in_a_low_resolution_square_clear_of_its_sides_keeps_its_aspect()
    {
        // The same 1 kept at its aspect in a 16x16 postal scan: 11 pixels wide, it leaves the left and right columns
        // paper, and it stays 11/16 as wide as tall (narrowed, it would be about half).
        var image = Paper(16, 16, 240);
        Stroke(image, 3.5, 4, 8, 0.5, 2, ink: 20);
        Stroke(image, 8, 0.5, 8, 15, 2, ink: 20);
        Stroke(image, 3.5, 15, 12.5, 15, 2, ink: 20);

        var box = Describe(DigitPreprocessor.Prepare(image).Pixels).Box;

        Assert.InRange(box.Height, 19, 21);
        Assert.InRange(box.Width, 13, 15);
    }

    // A 1 with a flag from the left edge to the top of the stem and a foot across the bottom, filling a side x side
    // square, dark on light paper, its pen an eighth of the side.
    private static GrayImage FlaggedOne(int side)
    {
        var image = Paper(side, side, 240);
        var (pen, middle) = (Math.Max(1.5, side / 8.0), side / 2.0);
        Stroke(image, pen / 2, side * 0.3, middle, pen / 2, pen, ink: 20);
        Stroke(image, middle, pen / 2, middle, side - (pen / 2), pen, ink: 20);
        Stroke(image, pen / 2, side - (pen / 2), side - (pen / 2), side - (pen / 2), pen, ink: 20);
        return image;
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
