using SkiaSharp;

namespace DigitApi.Tests;

/// <summary>
/// Phone photos of a digit written on paper, made from an MNIST digit: a large frame, off-white paper
/// under uneven light with a shadow, ink in pen colours, a slight tilt, sensor noise, lens blur and
/// JPEG compression. Deterministic for a given seed.
/// </summary>
public static class PhotoDigits
{
    private static readonly SKColor[] Inks = [new(20, 20, 25), new(25, 45, 130), new(45, 45, 60), new(10, 60, 40)];

    private static readonly Lazy<SKShader> Noise = new(() =>
    {
        var random = new Random(7);
        var tile = new SKBitmap(new SKImageInfo(128, 128, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (var y = 0; y < 128; y++)
        {
            for (var x = 0; x < 128; x++)
            {
                var v = (byte)random.Next(0, 256);
                tile.SetPixel(x, y, new SKColor(v, v, v, 22));
            }
        }

        return SKShader.CreateBitmap(tile, SKShaderTileMode.Repeat, SKShaderTileMode.Repeat);
    });

    public static byte[] Photo(byte[] mnist, int seed, int width = 1200, int height = 1600, int quality = 85)
    {
        var random = new Random(seed);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            DrawPaper(canvas, random, width, height);
            DrawInk(canvas, mnist, random, width, height);
            using var noise = new SKPaint { Shader = Noise.Value, BlendMode = SKBlendMode.Overlay };
            canvas.DrawRect(0, 0, width, height, noise);
        }

        using var blurred = new SKBitmap(bitmap.Info);
        using (var canvas = new SKCanvas(blurred))
        using (var lens = new SKPaint { ImageFilter = SKImageFilter.CreateBlur(1.2f + (float)random.NextDouble(), 1.2f + (float)random.NextDouble(), SKShaderTileMode.Clamp) })
        {
            using var sharp = SKImage.FromBitmap(bitmap);
            canvas.DrawImage(sharp, 0, 0, SKSamplingOptions.Default, lens);
        }

        return TestImages.Encode(blurred, SKEncodedImageFormat.Jpeg, quality);
    }

    private static void DrawPaper(SKCanvas canvas, Random random, int width, int height)
    {
        var paper = new SKColor((byte)random.Next(225, 250), (byte)random.Next(220, 245), (byte)random.Next(205, 235));
        var dim = paper.WithRed((byte)(paper.Red * 0.72)).WithGreen((byte)(paper.Green * 0.72)).WithBlue((byte)(paper.Blue * 0.72));
        var angle = random.NextDouble() * Math.PI * 2;
        var (dx, dy) = ((float)Math.Cos(angle) * width / 2, (float)Math.Sin(angle) * height / 2);
        using var light = new SKPaint
        {
            Shader = SKShader.CreateLinearGradient(
                new SKPoint((width / 2f) - dx, (height / 2f) - dy), new SKPoint((width / 2f) + dx, (height / 2f) + dy),
                [paper, dim], SKShaderTileMode.Clamp),
        };
        canvas.DrawRect(0, 0, width, height, light);

        // The soft shadow of the phone or a hand across one corner.
        using var shadow = new SKPaint
        {
            Color = new SKColor(0, 0, 0, (byte)random.Next(25, 60)),
            MaskFilter = SKMaskFilter.CreateBlur(SKBlurStyle.Normal, width / 12f),
        };
        canvas.DrawCircle(random.Next(2) * width, random.Next(2) * height, width * 0.45f, shadow);
    }

    private static void DrawInk(SKCanvas canvas, byte[] mnist, Random random, int width, int height)
    {
        var ink = Inks[random.Next(Inks.Length)];
        using var digit = new SKBitmap(new SKImageInfo(28, 28, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (var i = 0; i < mnist.Length; i++)
        {
            digit.SetPixel(i % 28, i / 28, ink.WithAlpha(mnist[i]));
        }

        var size = width * (0.3f + (0.35f * (float)random.NextDouble()));
        var centre = new SKPoint(
            (width / 2f) + ((float)(random.NextDouble() - 0.5) * (width - size) * 0.8f),
            (height / 2f) + ((float)(random.NextDouble() - 0.5) * (height - size) * 0.8f));
        canvas.Save();
        canvas.Translate(centre.X, centre.Y);
        canvas.RotateDegrees((float)(random.NextDouble() - 0.5) * 16);
        using var image = SKImage.FromBitmap(digit);
        canvas.DrawImage(image, SKRect.Create(-size / 2, -size / 2, size, size), new SKSamplingOptions(SKCubicResampler.Mitchell));
        canvas.Restore();
    }
}
