using DigitApi.Imaging;
using DigitApi.Tests;
using static DigitApi.UnitTests.Imaging.SyntheticDigits;

namespace DigitApi.UnitTests.Imaging;

/// <summary>What counts as the digit on a photo: not the frame, the table's edge or a shadow; and all of a drawing.</summary>
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
    public void A_margin_running_the_height_of_the_page_is_not_part_of_the_digit()
    {
        // A margin drawn alone, on a sheet whose rules are too faint to show: no page of lines for the paper lines'
        // removal to find, so it reaches the ink as a thin line from the top edge to the bottom one.
        var image = Seven(400, 300, 220, 80, 120, 12);
        var withoutMargin = DigitPreprocessor.Prepare(Seven(400, 300, 220, 80, 120, 12));
        Stroke(image, 40, 0, 46, 300, 2, 90);

        var digit = DigitPreprocessor.Prepare(image);

        Assert.Equal(withoutMargin.Box, digit.Box);
    }

    [Fact]
    public void A_pencil_seven_under_a_shadow_over_most_of_the_page_is_the_ink_not_the_lit_paper_beside_it()
    {
        // The shadow takes 45 % of the light over all but a strip along the right edge. The lit strip is then the
        // image's light extreme, farther from its median than the pencil's grey is: by the histogram's tails alone the
        // ink would be light, and the strip the digit. The pencil's strokes reach farther than the strip's edge does.
        var image = Seven(400, 300, 110, 80, 130, 3, paper: 225, ink: 140);
        for (var y = 0; y < 300; y++)
        {
            for (var x = 0; x < 330; x++)
            {
                image.Pixels[(y * 400) + x] = (byte)(image.Pixels[(y * 400) + x] * 0.55);
            }
        }

        AddNoise(image, 3, seed: 5);

        var digit = DigitPreprocessor.Prepare(image);

        Assert.InRange(digit.Box.X, 100, 115);
        Assert.InRange(digit.Box.Right, 195, 210);
    }

    [Fact]
    public void A_seven_whose_bar_runs_along_the_top_of_the_photo_is_still_read()
    {
        // The bar lies on the top row for its whole length, but that is under half the 7's width and height together.
        var image = Seven(400, 300, 150, 3, 150, 8);
        AddNoise(image, 3, seed: 5);

        var digit = DigitPreprocessor.Prepare(image);

        Assert.InRange(digit.Box.Y, 0, 2);
        Assert.InRange(digit.Box.Bottom, 150, 160);
    }

    [Fact]
    public void A_margin_alone_on_an_empty_page_is_no_digit()
    {
        // The same thin line with nothing beside it: a photo of an empty page whose rules are too faint to show, not a
        // 1. A line that runs off the photo at both ends is the page's; a digit written on it lies within the photo.
        var error = Assert.Throws<ImageRejectedException>(() => DigitPreprocessor.Prepare(One(400, 300, 200, 150, 300, 2)));

        Assert.Equal(ImageRejection.NoDigitFound, error.Reason);
    }

    [Fact]
    public void A_thin_one_within_the_page_is_still_read()
    {
        // As thin and as straight, but written on the page: it stops short of its edges.
        var digit = DigitPreprocessor.Prepare(One(400, 300, 200, 150, 260, 2));

        Assert.InRange(digit.Box.Height, 255, 265);
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

    [Theory]
    [InlineData(0.35, 3, 60)] // a shadow with a sharp edge, a dark pen
    [InlineData(0.35, 3, 120)] // the same, a lighter pen
    [InlineData(0.45, 6, 120)] // darker, its edge softer
    public void The_edge_of_a_hand_shadow_over_a_corner_is_not_taken_with_the_digit(double darkening, double edgeWidth, byte ink)
    {
        // A thin 7 on a page at the working size, and the round shadow of a hand over the top-right corner, its edge
        // 20-30 px from the 7. Flattened block by block, the edge left a band of ink a block wide that joined the 7's
        // box from the top edge to its right one.
        var image = Seven(200, 150, 110, 45, 60, 3, paper: 225, ink: ink);
        var shadowless = DigitPreprocessor.Prepare(Seven(200, 150, 110, 45, 60, 3, paper: 225, ink: ink));
        for (var y = 0; y < 150; y++)
        {
            for (var x = 0; x < 200; x++)
            {
                var inside = (70 - Math.Sqrt(Math.Pow(x + 0.5 - 200, 2) + Math.Pow(y + 0.5, 2))) / edgeWidth;
                var at = (y * 200) + x;
                image.Pixels[at] = (byte)(image.Pixels[at] * (1 - (darkening / (1 + Math.Exp(-inside)))));
            }
        }

        AddNoise(image, 3, seed: 7);

        var digit = DigitPreprocessor.Prepare(image);

        Assert.Equal(shadowless.Box, digit.Box);
    }

    [Fact]
    public void A_bold_marker_stroke_that_covers_whole_blocks_of_a_photo_stays_ink()
    {
        // A 1 drawn with a broad marker filling a photo of paper lit from one side: its stroke (50 px at the working
        // size) covers whole blocks of the background's survey, each one level throughout but for the noise, as a
        // block of shadowed paper is. It is far darker than any shadow: ink, kept whole.
        var image = One(200, 200, 100, 100, 170, 50, paper: 230, ink: 40);
        for (var y = 0; y < 200; y++)
        {
            for (var x = 0; x < 200; x++)
            {
                image.Pixels[(y * 200) + x] = (byte)(image.Pixels[(y * 200) + x] * (1 - (0.2 * x / 199.0)));
            }
        }

        AddNoise(image, 3, seed: 3);

        var ink = InkExtractor.Extract(image)!;

        Assert.All(Enumerable.Range(30, 140), y => Assert.True(ink.Mask[(y * 200) + 100], $"the stroke's middle at y = {y}"));
    }

    [Theory]
    [InlineData(40, 60)] // the band across the page above the digit
    [InlineData(110, 150)] // the band across the page below it
    public void A_soft_shadow_band_is_not_taken_with_a_thin_digit(int bandTop, int bandBottom)
    {
        // A thin pencil 1 (60 darker than the paper) and a shadow band across the working-size page that darkens
        // it by up to 45 with a soft edge, wider than the background's blocks can follow: once the paper is
        // flattened both are ink, and the band outweighs the 1.
        var image = One(150, 200, 70, 95, 36, 2.5, paper: 220, ink: 160);
        var centre = (bandTop + bandBottom) / 2.0;
        for (var y = 0; y < 200; y++)
        {
            var fall = Math.Exp(-Math.Pow((y - centre) / ((bandBottom - bandTop) / 2.0), 2));
            for (var x = 0; x < 150; x++)
            {
                var at = (y * 150) + x;
                image.Pixels[at] = (byte)Math.Max(0, image.Pixels[at] - (45 * fall * x / 149));
            }
        }

        AddNoise(image, 2, seed: 5);

        var digit = DigitPreprocessor.Prepare(image);

        Assert.InRange(digit.Box.X, 66, 70);
        Assert.InRange(digit.Box.Y, 74, 79);
        Assert.InRange(digit.Box.Height, 34, 40);
    }

    [Fact]
    public void A_blurred_blob_is_softer_than_a_pen_stroke()
    {
        // Ink values (bright ink): a stroke 3 px wide that falls to the paper at once, and a blob that fades out
        // over 12 px; both pass the threshold of 100.
        var (w, h) = (80, 40);
        var values = new byte[w * h];
        for (var y = 5; y < 35; y++)
        {
            for (var x = 10; x < 13; x++)
            {
                values[(y * w) + x] = 200;
            }

            for (var x = 30; x < 75; x++)
            {
                values[(y * w) + x] = (byte)Math.Max(0, 200 - (Math.Abs(x - 52) * 9));
            }
        }

        var mask = values.Select(v => v >= 100).ToArray();
        var (_, components) = ConnectedComponents.Label(mask, w, h, values);

        var stroke = components.Single(c => c.Box.X == 10);
        var blob = components.Single(c => c.Box.X > 30);
        Assert.True(stroke.Sharpness > 0.9, $"stroke {stroke.Sharpness:F2}");
        Assert.True(blob.Sharpness < 0.1, $"blob {blob.Sharpness:F2}");
        Assert.Equal([stroke], ConnectedComponents.WithoutSoftShading(components));
        Assert.Equal([blob], ConnectedComponents.WithoutSoftShading([blob]));
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

    [Fact]
    public void A_small_digit_on_a_page_lit_from_one_side_is_found()
    {
        // The light falls off from 225 at the top to 150 at the bottom: the page's own shading spreads the image's
        // histogram further both ways than the small digit (60 darker than the paper around it) does.
        var image = Paper(150, 200);
        for (var y = 0; y < 200; y++)
        {
            image.Pixels.AsSpan(y * 150, 150).Fill((byte)(225 - (75 * y / 199)));
        }

        AddNoise(image, 3, seed: 7);
        for (var y = 30; y < 60; y++)
        {
            for (var x = 100; x < 103; x++)
            {
                image.Pixels[(y * 150) + x] -= 60;
            }
        }

        AssertFoundAt(image, x: (98, 101), y: (28, 31), height: (29, 33));
    }

    [Fact]
    public void A_large_soft_edged_digit_on_white_is_dark_ink()
    {
        // MNIST test image 162 (a 5) four times its size, dark on a white 160 x 160: most blocks its strokes cross
        // are more ink than paper, so the blocks alone would call the paper the ink; the whole image's tails do not.
        var mnist = MnistTestSet.Instance.Images[162];
        var image = Paper(160, 160, 255);
        for (var y = 0; y < 112; y++)
        {
            for (var x = 0; x < 112; x++)
            {
                image.Pixels[((20 + y) * 160) + 36 + x] = (byte)(255 - mnist[((y / 4) * 28) + (x / 4)]);
            }
        }

        var box = DigitPreprocessor.Prepare(image).Box;

        Assert.InRange(box.X, 36, 80);
        Assert.InRange(box.Y, 20, 40);
        Assert.InRange(box.Right, 100, 148);
        Assert.InRange(box.Bottom, 100, 132);
    }

    [Theory]
    [InlineData(196, 3, 3, 3)] // a peak contrast of about 36: strong enough on any paper
    [InlineData(206, 2, 12, 5)] // about 26: under the strong-ink line (32), three times over clean paper's grain
    public void A_faint_pencil_digit_is_found_whole_and_blank_paper_is_not(byte ink, int paperGrain, int blankGrain, int seed)
    {
        var image = Seven(200, 150, 80, 40, 60, 2, paper: 232, ink: ink);
        AddNoise(image, paperGrain, seed);
        var blank = Paper(200, 150, 232);
        AddNoise(blank, blankGrain, seed);

        var digit = DigitPreprocessor.Prepare(image);

        // The whole 7, as the same stroke in dark ink gives it.
        var dark = DigitPreprocessor.Prepare(Seven(200, 150, 80, 40, 60, 2, paper: 232, ink: 20)).Box;
        Assert.InRange(digit.Box.X, dark.X - 2, dark.X + 2);
        Assert.InRange(digit.Box.Y, dark.Y - 2, dark.Y + 2);
        Assert.InRange(digit.Box.Right, dark.Right - 2, dark.Right + 2);
        Assert.InRange(digit.Box.Bottom, dark.Bottom - 2, dark.Bottom + 2);
        var error = Assert.Throws<ImageRejectedException>(() => DigitPreprocessor.Prepare(blank));
        Assert.Equal(ImageRejection.NoDigitFound, error.Reason);
    }

    [Fact]
    public void The_eyes_of_a_face_drawn_on_a_canvas_are_part_of_the_drawing_and_dust_is_not()
    {
        var face = Paper(200, 200, 255);
        for (var k = 0; k < 48; k++)
        {
            var (a0, a1) = (k * Math.Tau / 48, (k + 1) * Math.Tau / 48);
            Stroke(face, 100 + (70 * Math.Cos(a0)), 100 + (70 * Math.Sin(a0)), 100 + (70 * Math.Cos(a1)), 100 + (70 * Math.Sin(a1)), 8, 20);
        }

        Stroke(face, 72, 130, 128, 130, 8, 20);
        var withoutEyes = DigitPreprocessor.Prepare(face);
        foreach (var x in new[] { 75.0, 125.0 })
        {
            Stroke(face, x, 75, x, 75, 16, 20);
        }

        // Dust: specks of a pixel or two inside the face.
        foreach (var (x, y) in new[] { (100, 95), (60, 110), (140, 112) })
        {
            face.Pixels[(y * 200) + x] = face.Pixels[(y * 200) + x + 1] = 40;
        }

        var digit = DigitPreprocessor.Prepare(face);

        // The face fills 20 of the 28 pixels; its eyes lie 25 px (3.5 pixels there) either side of the middle, 25 px
        // above it. Without them, the same places are empty, and dust adds nothing.
        var eyes = new[] { Pixel(digit, -25, -25), Pixel(digit, 25, -25) };
        Assert.All(eyes, value => Assert.True(value > 0.5f, $"eye ink {value}"));
        Assert.All(new[] { Pixel(withoutEyes, -25, -25), Pixel(withoutEyes, 25, -25) }, value => Assert.True(value < 0.1f, $"no eye, yet ink {value}"));
        Assert.True(Pixel(digit, 0, -5) < 0.1f, "dust in the middle of the face was kept");
    }

    // The digit's box: left, top and height each within the range given.
    private static void AssertFoundAt(GrayImage image, (int Min, int Max) x, (int Min, int Max) y, (int Min, int Max) height)
    {
        var box = DigitPreprocessor.Prepare(image).Box;

        Assert.InRange(box.X, x.Min, x.Max);
        Assert.InRange(box.Y, y.Min, y.Max);
        Assert.InRange(box.Height, height.Min, height.Max);
    }

    // The normalised value at a place given in canvas pixels from the centre of the 200 x 200 face above (its ring,
    // 148 px across, fills 20 of the 28 pixels; the face is symmetric enough that its centre of mass is its centre).
    private static float Pixel(PreparedDigit digit, double dx, double dy)
    {
        var scale = 20.0 / 148;
        var (x, y) = ((int)Math.Round(13.5 + (dx * scale)), (int)Math.Round(13.5 + (dy * scale)));
        return digit.Pixels[(y * 28) + x];
    }
}
