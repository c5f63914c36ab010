using SkiaSharp;

namespace DigitApi.Tests;

/// <summary>How tall a digit is written on a page photographed whole, as a share of the page's width.</summary>
public enum DigitSize
{
    /// <summary>25-45 %: the digit is what the photo is of.</summary>
    Large,

    /// <summary>10-15 %: a small digit on a large page, two or three rules tall.</summary>
    Small,

    /// <summary>6-9 %: written between two rules (4.5-7 % apart), as a line of notes is.</summary>
    LineGap,
}

/// <summary>The sheet a digit is written on.</summary>
public enum Paper
{
    Plain,

    /// <summary>Ruled lines (blue, grey, faint or dark), often with a coloured margin line.</summary>
    Ruled,

    /// <summary>A squared grid.</summary>
    Squared,

    /// <summary>A dark board or sheet written on in light ink: chalk, a white or yellow gel pen.</summary>
    Dark,
}

/// <summary>
/// Phone photos of a digit written on paper, made from an MNIST digit or a drawn one (by hand or in a font): a large frame,
/// off-white (plain, ruled or squared) paper in pen colours or a dark sheet in light ink, under uneven light with a
/// shadow, a slight tilt and perspective, sensor noise, lens blur and JPEG compression. Deterministic for a given seed.
/// </summary>
public static class PhotoDigits
{
    // Ruled and squared paper's lines as a phone sees them: light blue, grey, faint blue, dark blue-grey.
    private static readonly SKColor[] Lines = [new(140, 175, 225), new(150, 150, 155), new(195, 210, 235), new(80, 95, 140)];

    private static readonly SKColor[] Inks = [new(20, 20, 25), new(25, 45, 130), new(45, 45, 60), new(10, 60, 40)];

    // Light ink on a dark sheet: chalk, yellow chalk, a white gel pen.
    private static readonly SKColor[] LightInks = [new(225, 228, 222), new(238, 226, 150), new(250, 250, 250)];

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

        return ThroughLens(bitmap, 1.2f + (float)random.NextDouble(), 1.2f + (float)random.NextDouble(), quality);
    }

    // The lens's blur, and the phone's JPEG.
    private static byte[] ThroughLens(SKBitmap bitmap, float blurX, float blurY, int quality)
    {
        using var blurred = new SKBitmap(bitmap.Info);
        using (var canvas = new SKCanvas(blurred))
        using (var lens = new SKPaint { ImageFilter = SKImageFilter.CreateBlur(blurX, blurY, SKShaderTileMode.Clamp) })
        {
            using var sharp = SKImage.FromBitmap(bitmap);
            canvas.DrawImage(sharp, 0, 0, SKSamplingOptions.Default, lens);
        }

        return TestImages.Encode(blurred, SKEncodedImageFormat.Jpeg, quality);
    }

    /// <summary>
    /// A phone photo of a handwritten digit on <paramref name="paper"/>: the sheet turned by up to 8 degrees and seen
    /// at a slant (perspective), lines every 4-7 % of the frame's width, a margin line on most ruled sheets; the digit
    /// as tall as <paramref name="size"/> says; with <paramref name="handShadow"/>, under the shadow of a hand as well;
    /// with <paramref name="pencil"/>, written in graphite (see <see cref="DrawInPencil"/>) instead of a pen's ink.
    /// </summary>
    public static byte[] OnPaper(IDrawnDigit digit, Paper paper, int seed, DigitSize size = DigitSize.Large, int width = 1200, int height = 1600, bool handShadow = false, bool pencil = false)
    {
        var random = new Random(seed);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            // The sheet in its own frame, turned and seen at a slant about the photo's centre.
            var turn = (float)((random.NextDouble() - 0.5) * 16);
            var slant = SKMatrix.CreateIdentity();
            (slant.Persp0, slant.Persp1) = ((float)((random.NextDouble() - 0.5) * 0.00016), (float)((random.NextDouble() - 0.5) * 0.00016));
            var sheet = SKMatrix.CreateTranslation(width / 2f, height / 2f)
                .PreConcat(slant)
                .PreConcat(SKMatrix.CreateRotationDegrees(turn))
                .PreConcat(SKMatrix.CreateTranslation(-width / 2f, -height / 2f));
            canvas.Clear(new SKColor(250, 250, 248));
            canvas.SetMatrix(sheet);
            var tint = paper == Paper.Dark
                ? new SKColor((byte)random.Next(25, 60), (byte)random.Next(30, 70), (byte)random.Next(28, 60))
                : new SKColor((byte)random.Next(228, 252), (byte)random.Next(226, 250), (byte)random.Next(215, 245));
            using (var sheetPaint = new SKPaint { Color = tint })
            {
                canvas.DrawRect(-width, -height, 3 * width, 3 * height, sheetPaint);
            }

            DrawLines(canvas, random, paper, width, height);

            var (least, range) = size switch
            {
                DigitSize.Small => (0.10f, 0.05f),
                DigitSize.LineGap => (0.06f, 0.03f),
                _ => (0.25f, 0.2f),
            };
            var side = width * (least + (range * (float)random.NextDouble()));
            var centre = new SKPoint(
                (width / 2f) + ((float)(random.NextDouble() - 0.5) * (width - side) * 0.7f),
                (height / 2f) + ((float)(random.NextDouble() - 0.5) * (height - side) * 0.7f));
            canvas.Save();
            canvas.Translate(centre.X, centre.Y);
            canvas.RotateDegrees((float)(random.NextDouble() - 0.5) * 10);
            if (pencil)
            {
                DrawInPencil(canvas, digit, side, random);
            }
            else
            {
                digit.Draw(canvas, side, paper == Paper.Dark ? LightInks[random.Next(LightInks.Length)] : Inks[random.Next(Inks.Length)]);
            }

            canvas.Restore();
            canvas.ResetMatrix();

            DrawLight(canvas, random, width, height);
            if (handShadow)
            {
                DrawHandShadow(canvas, random, width, height);
            }

            using var noise = new SKPaint { Shader = Noise.Value, BlendMode = SKBlendMode.Overlay };
            canvas.DrawRect(0, 0, width, height, noise);
        }

        return ThroughLens(bitmap, 0.8f + (float)random.NextDouble(), 0.8f + (float)random.NextDouble(), random.Next(70, 92));
    }

    /// <summary>A phone photo of an empty page of <paramref name="paper"/>, made as <see cref="OnPaper"/> makes one with a digit.</summary>
    public static byte[] EmptyPage(Paper paper, int seed, int width = 1200, int height = 1600, bool handShadow = false) =>
        OnPaper(new NoDigit(), paper, seed, DigitSize.Large, width, height, handShadow);

    // What an empty page has written on it.
    private sealed record NoDigit : IDrawnDigit
    {
        public int Digit => -1;

        public void Draw(SKCanvas canvas, float height, SKColor ink)
        {
        }
    }

    // Graphite: a grey that darkens what it is drawn over (the paper, and a printed line where the stroke crosses or
    // runs along it, darker there than either) instead of covering it as a pen's ink does; an HB pencil's light to firm
    // hand, from about a third to two thirds of the way from the paper to black.
    private static void DrawInPencil(SKCanvas canvas, IDrawnDigit digit, float side, Random random)
    {
        var grey = (byte)random.Next(90, 170);
        using var graphite = new SKPaint { BlendMode = SKBlendMode.Multiply };
        canvas.SaveLayer(graphite);
        digit.Draw(canvas, side, new SKColor(grey, grey, (byte)(grey + 6)));
        canvas.Restore();
    }

    // Lines across the sheet (and down it, for squares) well beyond the frame, so that a turned sheet still fills it.
    private static void DrawLines(SKCanvas canvas, Random random, Paper paper, int width, int height)
    {
        if (paper is Paper.Plain or Paper.Dark)
        {
            return;
        }

        var spacing = width * (paper == Paper.Squared ? 0.035f + (0.02f * (float)random.NextDouble()) : 0.045f + (0.025f * (float)random.NextDouble()));
        using var line = new SKPaint
        {
            Color = Lines[random.Next(Lines.Length)],
            StrokeWidth = width * (0.0015f + (0.002f * (float)random.NextDouble())),
            IsAntialias = true,
        };
        var offset = (float)random.NextDouble() * spacing;
        for (var y = -height + offset; y < 2 * height; y += spacing)
        {
            canvas.DrawLine(-width, y, 2 * width, y, line);
        }

        if (paper == Paper.Squared)
        {
            for (var x = -width + offset; x < 2 * width; x += spacing)
            {
                canvas.DrawLine(x, -height, x, 2 * height, line);
            }
        }
        else if (random.Next(3) > 0)
        {
            using var margin = new SKPaint { Color = new SKColor(225, 80, 90), StrokeWidth = line.StrokeWidth * 1.5f, IsAntialias = true };
            var x = width * (0.08f + (0.1f * (float)random.NextDouble()));
            canvas.DrawLine(x, -height, x, 2 * height, margin);
        }
    }

    // Uneven light across the photo, and the soft shadow of the phone or a hand over one corner.
    private static void DrawLight(SKCanvas canvas, Random random, int width, int height)
    {
        var angle = random.NextDouble() * Math.PI * 2;
        var (dx, dy) = ((float)Math.Cos(angle) * width / 2, (float)Math.Sin(angle) * height / 2);
        var dim = (byte)random.Next(175, 215);
        using var light = new SKPaint
        {
            Shader = SKShader.CreateLinearGradient(
                new SKPoint((width / 2f) - dx, (height / 2f) - dy), new SKPoint((width / 2f) + dx, (height / 2f) + dy),
                [SKColors.White, new SKColor(dim, dim, dim)], SKShaderTileMode.Clamp),
            BlendMode = SKBlendMode.Multiply,
        };
        canvas.DrawRect(0, 0, width, height, light);
        using var shadow = new SKPaint
        {
            Color = new SKColor(0, 0, 0, (byte)random.Next(25, 60)),
            MaskFilter = SKMaskFilter.CreateBlur(SKBlurStyle.Normal, width / 12f),
        };
        canvas.DrawCircle(random.Next(2) * width, random.Next(2) * height, width * 0.45f, shadow);
    }

    // The shadow of a hand or a phone held over the page, the light behind it: a half-plane through a point of the
    // frame or a disc reaching in from an edge, darkening the paper by 15-50 %, its edge blurred by 0.5-5 % of the
    // frame's width (sharp under a small lamp, soft under a window).
    private static void DrawHandShadow(SKCanvas canvas, Random random, int width, int height)
    {
        using var shadow = new SKPaint
        {
            Color = new SKColor(0, 0, 0, (byte)random.Next(38, 128)),
            MaskFilter = SKMaskFilter.CreateBlur(SKBlurStyle.Normal, width * (0.005f + (0.045f * (float)random.NextDouble()))),
            IsAntialias = true,
        };
        if (random.Next(2) == 0)
        {
            // Everything on one side of a line through a point of the frame, at any angle.
            canvas.Save();
            canvas.Translate(width * (float)random.NextDouble(), height * (float)random.NextDouble());
            canvas.RotateDegrees(360 * (float)random.NextDouble());
            canvas.DrawRect(-2 * (width + height), 0, 4 * (width + height), 2 * (width + height), shadow);
            canvas.Restore();
            return;
        }

        var (edge, along, radius) = (random.Next(4), (float)random.NextDouble(), Math.Max(width, height) * (0.3f + (0.5f * (float)random.NextDouble())));
        var (x, y) = edge switch
        {
            0 => (0f, height * along),
            1 => (width, height * along),
            2 => (width * along, 0f),
            _ => (width * along, (float)height),
        };
        canvas.DrawCircle(x, y, radius, shadow);
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
