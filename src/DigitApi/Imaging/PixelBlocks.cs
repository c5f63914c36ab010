namespace DigitApi.Imaging;

/// <summary>
/// An image enlarged in whole-pixel blocks (nearest neighbour: an 8x8 or 16x16 scan saved at 64x64, a 32x32 bitmap at
/// 128x128) brought back to its own pixels, so that the digit is read from them and not from the blocks' stair-step
/// edges.
/// </summary>
public static class PixelBlocks
{
    // A shorter side than this, once shrunk, is left enlarged (a blank or nearly blank image).
    private const int MinSide = 8;

    /// <summary>
    /// The image one pixel per block when every pixel is repeated in k x k blocks aligned with its top left corner
    /// (k at least 2): where the values change along a row, and where one row differs from the one above, is always
    /// a multiple of k. Otherwise the image itself. Reading stops as soon as no k is left, at the first edge of a
    /// photo or a drawing.
    /// </summary>
    public static GrayImage Undo(GrayImage image)
    {
        var (w, h, pixels) = (image.Width, image.Height, image.Pixels);
        var k = Gcd(w, h);
        for (var y = 0; y < h && k > 1; y++)
        {
            var row = pixels.AsSpan(y * w, w);
            if (y > 0)
            {
                if (row.SequenceEqual(pixels.AsSpan((y - 1) * w, w)))
                {
                    continue;
                }

                k = Gcd(k, y);
            }

            for (var x = 1; x < w && k > 1; x++)
            {
                if (row[x] != row[x - 1])
                {
                    k = Gcd(k, x);
                }
            }
        }

        if (k < 2 || Math.Min(w, h) / k < MinSide)
        {
            return image;
        }

        var (sw, sh) = (w / k, h / k);
        var shrunk = new byte[sw * sh];
        for (var y = 0; y < sh; y++)
        {
            for (var x = 0; x < sw; x++)
            {
                shrunk[(y * sw) + x] = pixels[(y * k * w) + (x * k)];
            }
        }

        return new GrayImage(sw, sh, shrunk) { SourceScaleX = image.SourceScaleX * k, SourceScaleY = image.SourceScaleY * k };
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
