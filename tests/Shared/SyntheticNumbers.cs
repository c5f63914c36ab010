using SkiaSharp;

namespace DigitApi.Tests;

/// <summary>How one synthetic number is drawn.</summary>
/// <param name="Digits">MNIST test-set indices of the digits, left to right.</param>
/// <param name="Scale">Size of an MNIST pixel in image pixels.</param>
/// <param name="DigitScales">Per-digit size factor around <paramref name="Scale"/>.</param>
/// <param name="Gaps">Space between neighbouring digits' ink, in image pixels; negative overlaps them.</param>
/// <param name="Offsets">Vertical shift of each digit, in image pixels.</param>
/// <param name="DarkOnLight">Dark ink on light paper, or light ink on a dark background.</param>
/// <param name="Paper">Background gray level.</param>
/// <param name="Contrast">Ink strength, 0-1.</param>
/// <param name="Gradient">Background gray levels added across the image (uneven light).</param>
/// <param name="Noise">Standard deviation of Gaussian sensor noise, in gray levels.</param>
/// <param name="Margin">Empty space around the ink, in image pixels.</param>
/// <param name="JpegQuality">0 for PNG, else the JPEG quality.</param>
public sealed record NumberLayout(
    int[] Digits,
    double Scale,
    double[] DigitScales,
    int[] Gaps,
    int[] Offsets,
    bool DarkOnLight = true,
    int Paper = 235,
    double Contrast = 1,
    int Gradient = 0,
    double Noise = 0,
    int Margin = 20,
    int JpegQuality = 0);

/// <summary>A synthetic number image, what it says and where each digit's ink lies (x, y, width, height).</summary>
public sealed record NumberSample(string Number, byte[] Image, NumberLayout Layout, (int X, int Y, int Width, int Height)[] Boxes);

/// <summary>
/// Numbers composed of real handwritten digits from the MNIST test set, drawn the way people write
/// and photograph them: varied gaps (some touching or slightly overlapping), sizes, baselines, both
/// polarities, uneven paper, sensor noise, PNG or JPEG. Deterministic for a seed.
/// </summary>
public static class SyntheticNumbers
{
    /// <summary>
    /// <paramref name="count"/> numbers of 2-6 digits drawn from the MNIST test images
    /// [<paramref name="first"/>, <paramref name="first"/> + <paramref name="length"/>).
    /// </summary>
    public static List<NumberSample> Generate(int seed, int count, int first, int length)
    {
        var random = new Random(seed);
        var samples = new List<NumberSample>(count);
        for (var n = 0; n < count; n++)
        {
            var layout = RandomLayout(random, random.Next(2, 7), first, length);
            samples.Add(Draw(layout));
        }

        return samples;
    }

    public static NumberLayout RandomLayout(Random random, int digits, int first, int length)
    {
        var scale = 1.6 + (random.NextDouble() * 2.6);
        var height = 20 * scale;
        var gaps = new int[Math.Max(0, digits - 1)];
        for (var i = 0; i < gaps.Length; i++)
        {
            var kind = random.NextDouble();
            var gap = kind switch
            {
                < 0.05 => -0.08 * random.NextDouble(), // slight overlap
                < 0.15 => 0.05 * random.NextDouble(),  // nearly touching
                < 0.85 => 0.05 + (0.45 * random.NextDouble()),
                _ => 0.5 + (1.5 * random.NextDouble()), // wide spacing
            };
            gaps[i] = (int)Math.Round(gap * height);
        }

        var darkOnLight = random.NextDouble() < 0.6;
        return new NumberLayout(
            Digits: Enumerable.Range(0, digits).Select(_ => first + random.Next(length)).ToArray(),
            Scale: scale,
            DigitScales: Enumerable.Range(0, digits).Select(_ => 0.88 + (0.24 * random.NextDouble())).ToArray(),
            Gaps: gaps,
            Offsets: Enumerable.Range(0, digits).Select(_ => (int)Math.Round((random.NextDouble() - 0.5) * 0.3 * height)).ToArray(),
            DarkOnLight: darkOnLight,
            Paper: darkOnLight ? 190 + random.Next(60) : random.Next(50),
            Contrast: 0.6 + (0.4 * random.NextDouble()),
            Gradient: random.NextDouble() < 0.4 ? random.Next(10, 45) : 0,
            Noise: random.NextDouble() < 0.5 ? random.NextDouble() * 7 : 0,
            Margin: (int)Math.Round((0.2 + random.NextDouble()) * height),
            JpegQuality: random.NextDouble() < 0.35 ? 70 + random.Next(26) : 0);
    }

    public static NumberSample Draw(NumberLayout layout)
    {
        var set = MnistTestSet.Instance;
        var glyphs = layout.Digits.Select((index, i) => Glyph.Of(set.Images[index], layout.Scale * layout.DigitScales[i])).ToList();
        var number = string.Concat(layout.Digits.Select(i => set.Labels[i]));
        var (image, boxes) = Render(glyphs, layout);
        return new NumberSample(number, image, layout, boxes);
    }

    /// <summary>Draws glyphs (ink 0-1, bright) left to right with the layout's gaps, offsets and paper.</summary>
    public static (byte[] Image, (int X, int Y, int Width, int Height)[] Boxes) Render(IReadOnlyList<Glyph> glyphs, NumberLayout layout)
    {
        var tallest = glyphs.Max(g => g.Height);
        var lefts = new int[glyphs.Count];
        var x = layout.Margin;
        for (var i = 0; i < glyphs.Count; i++)
        {
            lefts[i] = x;
            x += glyphs[i].Width + (i < layout.Gaps.Length ? layout.Gaps[i] : 0);
        }

        var top = layout.Margin + layout.Offsets.Select(Math.Abs).DefaultIfEmpty(0).Max();
        var width = Math.Max(x, lefts.Zip(glyphs, (l, g) => l + g.Width).Max()) + layout.Margin;
        var height = top + tallest + top;
        var ink = new float[width * height];
        var boxes = new (int X, int Y, int Width, int Height)[glyphs.Count];
        for (var i = 0; i < glyphs.Count; i++)
        {
            var glyph = glyphs[i];
            var y0 = top + ((tallest - glyph.Height) / 2) + layout.Offsets[i];
            boxes[i] = (lefts[i], y0, glyph.Width, glyph.Height);
            for (var y = 0; y < glyph.Height; y++)
            {
                for (var gx = 0; gx < glyph.Width; gx++)
                {
                    var index = ((y0 + y) * width) + lefts[i] + gx;
                    ink[index] = Math.Max(ink[index], glyph.Ink[(y * glyph.Width) + gx]);
                }
            }
        }

        return (Encode(Paint(ink, width, height, layout), width, height, layout.JpegQuality), boxes);
    }

    private static byte[] Paint(float[] ink, int width, int height, NumberLayout layout)
    {
        var random = new Random(layout.Digits.Sum() + width);
        var angle = random.NextDouble() * Math.PI * 2;
        var (gx, gy) = (Math.Cos(angle), Math.Sin(angle));
        var diagonal = Math.Sqrt((width * width) + (height * height));
        var pixels = new byte[width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var light = layout.Paper + (layout.Gradient * (((x * gx) + (y * gy)) / diagonal));
                var strength = ink[(y * width) + x] * layout.Contrast;
                var value = layout.DarkOnLight ? light * (1 - strength) : light + ((255 - light) * strength);
                value += Gaussian(random) * layout.Noise;
                pixels[(y * width) + x] = (byte)Math.Clamp((int)Math.Round(value), 0, 255);
            }
        }

        return pixels;
    }

    private static byte[] Encode(byte[] pixels, int width, int height, int jpegQuality)
    {
        using var bitmap = TestImages.Gray(pixels, width, height);
        return jpegQuality > 0 ? TestImages.Encode(bitmap, SKEncodedImageFormat.Jpeg, jpegQuality) : TestImages.Encode(bitmap);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}

/// <summary>One digit's ink (0-1, bright), cropped to its strokes and resampled to its size on the page.</summary>
public sealed class Glyph(int width, int height, float[] ink)
{
    public int Width { get; } = width;

    public int Height { get; } = height;

    public float[] Ink { get; } = ink;

    /// <summary>An MNIST digit (28x28, ink bright) cropped to its ink and scaled bilinearly.</summary>
    public static Glyph Of(byte[] mnist, double scale)
    {
        int minX = 28, minY = 28, maxX = -1, maxY = -1;
        for (var i = 0; i < mnist.Length; i++)
        {
            if (mnist[i] > 0)
            {
                (minX, maxX, minY, maxY) = (Math.Min(minX, i % 28), Math.Max(maxX, i % 28), Math.Min(minY, i / 28), Math.Max(maxY, i / 28));
            }
        }

        var (cw, ch) = (maxX - minX + 1, maxY - minY + 1);
        var (width, height) = ((int)Math.Round(cw * scale), (int)Math.Round(ch * scale));
        var ink = new float[width * height];
        Func<int, int, float> at = (x, y) => At(mnist, x, y);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var u = ((x + 0.5) / scale) - 0.5 + minX;
                var v = ((y + 0.5) / scale) - 0.5 + minY;
                ink[(y * width) + x] = Bilinear(at, u, v) / 255f;
            }
        }

        return new Glyph(width, height, ink);
    }

    /// <summary>A glyph built from a gray image (ink bright), for hand-made test shapes.</summary>
    public static Glyph FromPixels(int width, int height, float[] ink) => new(width, height, ink);

    /// <summary>This glyph scaled bilinearly by <paramref name="scale"/>.</summary>
    public Glyph Scaled(double scale)
    {
        var (width, height) = (Math.Max(1, (int)Math.Round(Width * scale)), Math.Max(1, (int)Math.Round(Height * scale)));
        var ink = new float[width * height];
        Func<int, int, float> at = (x, y) => x < 0 || y < 0 || x >= Width || y >= Height ? 0 : Ink[(y * Width) + x];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                ink[(y * width) + x] = Bilinear(at, ((x + 0.5) / scale) - 0.5, ((y + 0.5) / scale) - 0.5);
            }
        }

        return new Glyph(width, height, ink);
    }

    private static float Bilinear(Func<int, int, float> at, double u, double v)
    {
        var (x0, y0) = ((int)Math.Floor(u), (int)Math.Floor(v));
        var (tx, ty) = ((float)(u - x0), (float)(v - y0));
        return (at(x0, y0) * (1 - tx) * (1 - ty)) + (at(x0 + 1, y0) * tx * (1 - ty))
            + (at(x0, y0 + 1) * (1 - tx) * ty) + (at(x0 + 1, y0 + 1) * tx * ty);
    }

    private static float At(byte[] image, int x, int y) => x is < 0 or >= 28 || y is < 0 or >= 28 ? 0 : image[(y * 28) + x];
}
