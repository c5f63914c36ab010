using DigitApi.Imaging;

namespace DigitApi.UnitTests.Imaging;

/// <summary>Gray test images built in memory: paper, ink strokes, noise.</summary>
internal static class SyntheticDigits
{
    public static GrayImage Paper(int width, int height, byte level = 235) =>
        new(width, height, Enumerable.Repeat(level, width * height).ToArray());

    /// <summary>
    /// Draws a thick line segment (a pen stroke) of the given gray level; <paramref name="under"/> draws it beneath
    /// what is there (a paper line under the ink: the darker wins).
    /// </summary>
    public static void Stroke(GrayImage image, double x0, double y0, double x1, double y1, double width, byte ink, bool under = false)
    {
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                if (DistanceToSegment(x + 0.5, y + 0.5, x0, y0, x1, y1) <= width / 2)
                {
                    var at = (y * image.Width) + x;
                    image.Pixels[at] = under ? Math.Min(image.Pixels[at], ink) : ink;
                }
            }
        }
    }

    /// <summary>A "1": one vertical stroke centred at (cx, cy) of the given height.</summary>
    public static GrayImage One(int width, int height, double cx, double cy, double length, double strokeWidth, byte paper = 235, byte ink = 20)
    {
        var image = Paper(width, height, paper);
        Stroke(image, cx, cy - (length / 2), cx, cy + (length / 2), strokeWidth, ink);
        return image;
    }

    /// <summary>A "7": a top bar and a diagonal.</summary>
    public static GrayImage Seven(int width, int height, double left, double top, double size, double strokeWidth, byte paper = 235, byte ink = 20)
    {
        var image = Paper(width, height, paper);
        Stroke(image, left, top, left + (size * 0.7), top, strokeWidth, ink);
        Stroke(image, left + (size * 0.7), top, left + (size * 0.25), top + size, strokeWidth, ink);
        return image;
    }

    public static void AddNoise(GrayImage image, int amplitude, int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < image.Pixels.Length; i++)
        {
            image.Pixels[i] = (byte)Math.Clamp(image.Pixels[i] + random.Next(-amplitude, amplitude + 1), 0, 255);
        }
    }

    /// <summary>The image shown <paramref name="times"/> as big, each pixel a block (nearest neighbour).</summary>
    public static GrayImage Enlarged(GrayImage image, int times)
    {
        var big = Paper(image.Width * times, image.Height * times, 0);
        for (var i = 0; i < big.Pixels.Length; i++)
        {
            big.Pixels[i] = image[i % big.Width / times, i / big.Width / times];
        }

        return big;
    }

    public static GrayImage Inverted(GrayImage image) =>
        new(image.Width, image.Height, image.Pixels.Select(p => (byte)(255 - p)).ToArray());

    /// <summary>Centre of mass and bounding box of the normalised 28x28 output.</summary>
    public static (double X, double Y, PixelBox Box, float Max) Describe(float[] pixels)
    {
        double mass = 0, mx = 0, my = 0;
        int minX = 28, minY = 28, maxX = -1, maxY = -1;
        for (var y = 0; y < 28; y++)
        {
            for (var x = 0; x < 28; x++)
            {
                var v = pixels[(y * 28) + x];
                mass += v;
                mx += v * x;
                my += v * y;
                if (v > 0.2f)
                {
                    (minX, maxX, minY, maxY) = (Math.Min(minX, x), Math.Max(maxX, x), Math.Min(minY, y), Math.Max(maxY, y));
                }
            }
        }

        return (mx / mass, my / mass, new PixelBox(minX, minY, maxX - minX + 1, maxY - minY + 1), pixels.Max());
    }

    private static double DistanceToSegment(double px, double py, double x0, double y0, double x1, double y1)
    {
        var (dx, dy) = (x1 - x0, y1 - y0);
        var lengthSquared = (dx * dx) + (dy * dy);
        var t = lengthSquared == 0 ? 0 : Math.Clamp((((px - x0) * dx) + ((py - y0) * dy)) / lengthSquared, 0, 1);
        var (cx, cy) = (x0 + (t * dx), y0 + (t * dy));
        return Math.Sqrt(((px - cx) * (px - cx)) + ((py - cy) * (py - cy)));
    }
}
