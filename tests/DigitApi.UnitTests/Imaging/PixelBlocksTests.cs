using DigitApi.Imaging;
using static DigitApi.UnitTests.Imaging.SyntheticDigits;

namespace DigitApi.UnitTests.Imaging;

/// <summary>Crops enlarged in whole-pixel blocks (nearest neighbour), even or uneven, are read from their own pixels.</summary>
public class PixelBlocksTests
{
    [Fact]
    public void An_image_enlarged_in_blocks_comes_back_to_its_own_pixels()
    {
        var scan = Scan(16, 12);

        var back = PixelBlocks.Undo(Enlarged(scan, 4));

        Assert.Equal((16, 12), (back.Width, back.Height));
        Assert.Equal(scan.Pixels, back.Pixels);
        Assert.Equal((4.0, 4.0), (back.SourceScaleX, back.SourceScaleY));
    }

    [Theory]
    [InlineData(28, 28, true)] // 3.5 times: blocks of 3 and 4, each pixel showing the source pixel under its centre
    [InlineData(28, 28, false)] // the same, rounded down from the blocks' edges
    [InlineData(60, 45, true)] // 7.5 times across, 5.625 down
    public void An_image_enlarged_by_a_fraction_comes_back_to_its_own_pixels(int width, int height, bool fromCentres)
    {
        var scan = Scan(8, 8);

        var back = PixelBlocks.Undo(EnlargedTo(scan, width, height, fromCentres));

        Assert.Equal((8, 8), (back.Width, back.Height));
        Assert.Equal(scan.Pixels, back.Pixels);
        Assert.Equal((width / 8.0, height / 8.0), (back.SourceScaleX, back.SourceScaleY));
    }

    [Fact]
    public void A_block_size_that_only_some_rows_share_is_not_taken()
    {
        // Blocks of 4 everywhere but one row that changes a pixel early: the largest size every edge agrees on is 2.
        var image = Enlarged(Scan(16, 12), 4);
        image.Pixels[(10 * 64) + 22] = image.Pixels[(10 * 64) + 23] = image.Pixels[(11 * 64) + 22] = image.Pixels[(11 * 64) + 23] = 77;

        var back = PixelBlocks.Undo(image);

        Assert.Equal((32, 24), (back.Width, back.Height));
        Assert.Equal(77, back[11, 5]);
    }

    [Fact]
    public void Drawings_photos_and_blank_images_are_left_as_they_are()
    {
        var drawing = One(280, 280, 140, 140, 180, 14);
        var photo = One(120, 160, 60, 80, 90, 5);
        AddNoise(photo, 12, seed: 3);
        var blank = Paper(320, 320);

        Assert.Same(drawing, PixelBlocks.Undo(drawing));
        Assert.Same(photo, PixelBlocks.Undo(photo));
        Assert.Same(blank, PixelBlocks.Undo(blank));
    }

    [Fact]
    public void A_crop_enlarged_in_blocks_reads_exactly_as_the_crop_itself()
    {
        // A 1 cut tight to a 16x16 postal scan, each pixel shown as a 4x4 block.
        var scan = One(16, 16, 7, 8, 16, 3, paper: 0, ink: 230);

        var enlarged = DigitPreprocessor.Prepare(Enlarged(scan, 4));
        var itself = DigitPreprocessor.Prepare(scan);

        Assert.Equal(itself.Pixels, enlarged.Pixels);
        Assert.Equal(itself.Box.Scale(4, 4), enlarged.Box);
        Assert.Equal((16, 16), (itself.SourceSide, enlarged.SourceSide));
    }

    [Fact]
    public void A_digit_reports_the_side_it_was_read_from_in_the_uploads_own_pixels()
    {
        // A drawing, a 20x32 form bitmap and a phone photo decoded at an eighth of its size (as large JPEGs are).
        var drawing = One(280, 200, 140, 100, 150, 14);
        var bitmap = One(20, 32, 10, 16, 30, 6, paper: 255, ink: 0);
        var reduced = new GrayImage(200, 150, One(200, 150, 100, 75, 100, 8).Pixels) { SourceScaleX = 8, SourceScaleY = 8 };

        Assert.Equal(280, DigitPreprocessor.Prepare(drawing).SourceSide);
        Assert.Equal(32, DigitPreprocessor.Prepare(bitmap).SourceSide);
        Assert.Equal(1600, DigitPreprocessor.Prepare(reduced).SourceSide);
    }

    // The image shown at width x height pixels in blocks, each pixel showing the source pixel under its centre or, not
    // fromCentres, under its top left corner.
    private static GrayImage EnlargedTo(GrayImage image, int width, int height, bool fromCentres)
    {
        var big = Paper(width, height, 0);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var (sx, sy) = fromCentres
                    ? ((int)((x + 0.5) * image.Width / width), (int)((y + 0.5) * image.Height / height))
                    : (x * image.Width / width, y * image.Height / height);
                big.Pixels[(y * width) + x] = image[sx, sy];
            }
        }

        return big;
    }

    // A gray pattern with edges at every pixel: a digit's scan as a postal reader stores it.
    private static GrayImage Scan(int width, int height)
    {
        var image = Paper(width, height, 0);
        for (var i = 0; i < image.Pixels.Length; i++)
        {
            image.Pixels[i] = (byte)((i * 37) % 251);
        }

        return image;
    }
}
