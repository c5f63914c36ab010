using SkiaSharp;

namespace DigitApi.Tests;

/// <summary>How a digit is written: the shapes whose style varies by country and school, and the pen.</summary>
public enum HandStyle
{
    /// <summary>The forms MNIST's writers used: a bare 1, an uncrossed 7, a closed 4, a curled 9.</summary>
    Plain,

    /// <summary>A 1 with a long flag.</summary>
    OneWithFlag,

    /// <summary>A 1 with a flag and a foot.</summary>
    OneWithFlagAndFoot,

    /// <summary>A 1 with a short flag: a nub at the top of its stem.</summary>
    OneWithShortFlag,

    /// <summary>A 7 with a bar across its stem.</summary>
    CrossedSeven,

    /// <summary>A 4 open at the top, written in two strokes.</summary>
    OpenFour,

    /// <summary>A 9 whose stem is a straight vertical line.</summary>
    NineWithStraightStem,

    /// <summary>Any digit in its plain form, slanted 15-28 degrees to the right (or a little to the left).</summary>
    Slanted,

    /// <summary>Any digit in its plain form, in a thin pencil line.</summary>
    ThinPencil,

    /// <summary>Any digit in its plain form, in a thick marker line.</summary>
    ThickMarker,

    /// <summary>Any digit in its plain form, in a bold marker line a quarter to a third of its height wide (small loops close).</summary>
    BoldMarker,

    /// <summary>Any digit in its plain form, written as an outline: a broad line with its middle left as paper (hollow lettering, outline fonts).</summary>
    Outlined,
}

/// <summary>A digit that can be drawn at any size in any ink: written by hand (<see cref="HandDigit"/>) or set in a font (<c>FontDigit</c>).</summary>
public interface IDrawnDigit
{
    /// <summary>What it reads as.</summary>
    int Digit { get; }

    /// <summary>Draws the digit with its height <paramref name="height"/> centred on the canvas's origin (transform the canvas first).</summary>
    void Draw(SKCanvas canvas, float height, SKColor ink);
}

/// <summary>One handwritten digit as pen strokes in a unit box (x right, y down), and the pen that wrote it.</summary>
/// <param name="Digit">What it reads as.</param>
/// <param name="Strokes">Polylines, dense enough to draw as they are.</param>
/// <param name="Pen">Pen width as a fraction of the digit's height.</param>
/// <param name="Seed">Seed of the pen's width variation along the strokes.</param>
/// <param name="Hollow">Share of the pen's width left as paper along the middle of the strokes (0: solid ink).</param>
public sealed record HandDigit(int Digit, IReadOnlyList<SKPoint[]> Strokes, float Pen, int Seed, float Hollow = 0) : IDrawnDigit
{
    /// <inheritdoc/>
    /// <remarks>The pen's width varies along each stroke as pressure does; a hollow digit's strokes are outlines.</remarks>
    public void Draw(SKCanvas canvas, float height, SKColor ink)
    {
        using var paint = new SKPaint { Color = ink, IsAntialias = true, StrokeCap = SKStrokeCap.Round, Style = SKPaintStyle.Stroke };
        if (Hollow <= 0)
        {
            Trace(canvas, height, paint, 1);
            return;
        }

        // The whole digit inked first, then the middles of its strokes cleared, in a layer of its own so that the
        // paper shows through: where strokes cross, their outlines merge, as an outline font's do.
        canvas.SaveLayer();
        Trace(canvas, height, paint, 1);
        using var clear = new SKPaint { BlendMode = SKBlendMode.Clear, IsAntialias = true, StrokeCap = SKStrokeCap.Round, Style = SKPaintStyle.Stroke };
        Trace(canvas, height, clear, Hollow);
        canvas.Restore();
    }

    // The strokes with the pen's width (times `share`) varying along them, the same way on every call.
    private void Trace(SKCanvas canvas, float height, SKPaint paint, float share)
    {
        var random = new Random(Seed);
        foreach (var stroke in Strokes)
        {
            var (phase, frequency) = (random.NextDouble() * Math.PI * 2, 2 + (random.NextDouble() * 4));
            for (var i = 1; i < stroke.Length; i++)
            {
                var t = (double)i / stroke.Length;
                paint.StrokeWidth = share * Pen * height * (float)(1 + (0.25 * Math.Sin(phase + (t * frequency))));
                var (a, b) = (stroke[i - 1], stroke[i]);
                canvas.DrawLine((a.X - 0.5f) * height, (a.Y - 0.5f) * height, (b.X - 0.5f) * height, (b.Y - 0.5f) * height, paint);
            }
        }
    }
}

/// <summary>
/// Handwritten digits drawn as strokes, in the styles MNIST lacks as well as its own: each digit a template of
/// control points, jittered, passed through a smooth curve, slanted, squeezed, and written with a pen whose width
/// varies. Independent of any training data. Deterministic for a seed.
/// </summary>
public static class HandDigits
{
    /// <summary>The digits a style applies to: its own for the shape styles, all ten for slant and pens.</summary>
    public static int[] DigitsOf(HandStyle style) => style switch
    {
        HandStyle.OneWithFlag or HandStyle.OneWithFlagAndFoot or HandStyle.OneWithShortFlag => [1],
        HandStyle.CrossedSeven => [7],
        HandStyle.OpenFour => [4],
        HandStyle.NineWithStraightStem => [9],
        _ => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    };

    /// <summary>
    /// A random digit of the style (cycling through its digits with <paramref name="index"/>); <paramref name="pen"/>:
    /// the pen's width drawn from that range (a share of the digit's height) rather than the style's.
    /// </summary>
    public static HandDigit Write(HandStyle style, int index, int seed, (double Min, double Max)? pen = null)
    {
        var random = new Random(seed);
        var digits = DigitsOf(style);
        var digit = digits[index % digits.Length];
        var template = Template(digit, style, random);
        var slant = style == HandStyle.Slanted
            ? (random.Next(5) == 0 ? -1 : 1) * (0.27 + (random.NextDouble() * 0.26))
            : (random.NextDouble() - 0.3) * 0.3;
        var width = 0.85 + (random.NextDouble() * 0.3);
        var jitter = 0.035;
        var strokes = template
            .Select(points => Smooth(points.Select(p => new SKPoint(
                (float)(p.X + ((random.NextDouble() - 0.5) * 2 * jitter)),
                (float)(p.Y + ((random.NextDouble() - 0.5) * 2 * jitter)))).ToArray()))
            .Select(points => points.Select(p => new SKPoint(
                (float)(0.5 + (((p.X - 0.5) * width) + ((0.5 - p.Y) * slant))),
                p.Y)).ToArray())
            .ToList();
        var penWidth = pen is { } range ? range.Min + (random.NextDouble() * (range.Max - range.Min)) : style switch
        {
            HandStyle.ThinPencil => 0.018 + (random.NextDouble() * 0.012),
            HandStyle.ThickMarker => 0.12 + (random.NextDouble() * 0.05),
            HandStyle.BoldMarker => 0.24 + (random.NextDouble() * 0.12),
            HandStyle.Outlined => 0.2 + (random.NextDouble() * 0.1),
            _ => 0.04 + (random.NextDouble() * 0.05),
        };
        var penSeed = random.Next();
        var hollow = style == HandStyle.Outlined ? 0.6 + (random.NextDouble() * 0.15) : 0;
        return new HandDigit(digit, strokes, (float)penWidth, penSeed, (float)hollow);
    }

    /// <summary>The digit's ink, light on black, as <paramref name="size"/> x <paramref name="size"/> gray pixels.</summary>
    public static byte[] Ink(IDrawnDigit digit, int size)
    {
        using var bitmap = Drawn(digit, size, SKColorType.Gray8, SKColors.Black, SKColors.White);
        return bitmap.Bytes;
    }

    /// <summary>
    /// The digit cut out as a reader stores it, from its ink drawn 112 pixels square: at <paramref name="side"/> 8, the
    /// UCI optical digits' 8x8 block counts (<see cref="TestImages.CoarseScan"/>); at 16, a gray postal scan, or
    /// <paramref name="twoLevel"/> a two-level bitmap; at 32, a two-level form bitmap (<see cref="TestImages.TightCrop"/>,
    /// <paramref name="stretchedTo"/> as there). <paramref name="upright"/>: sheared upright first, as NIST's form
    /// system deslants a character.
    /// </summary>
    public static byte[] Stored(IDrawnDigit digit, int side, double? stretchedTo = null, bool upright = false, bool twoLevel = false)
    {
        const int InkSide = 112;
        var ink = Ink(digit, InkSide);
        if (upright)
        {
            ink = TestImages.Deslanted(ink, InkSide);
        }

        return side == 8 ? TestImages.CoarseScan(ink, width: InkSide)
            : TestImages.TightCrop(ink, side, bitmap: side == 32 || twoLevel, width: InkSide, stretchedTo: stretchedTo);
    }

    /// <summary>The digit drawn dark on a white square PNG of <paramref name="size"/> pixels, as a canvas export.</summary>
    public static byte[] Canvas(IDrawnDigit digit, int size = 280)
    {
        using var bitmap = Drawn(digit, size, SKColorType.Rgba8888, SKColors.White, SKColors.Black);
        return TestImages.Encode(bitmap);
    }

    // The digit, 0.7 of the square's side tall, in its centre.
    private static SKBitmap Drawn(IDrawnDigit digit, int size, SKColorType type, SKColor paper, SKColor ink)
    {
        var bitmap = new SKBitmap(new SKImageInfo(size, size, type, type == SKColorType.Gray8 ? SKAlphaType.Opaque : SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(paper);
        canvas.Translate(size / 2f, size / 2f);
        digit.Draw(canvas, size * 0.7f, ink);
        return bitmap;
    }

    // Control points of each stroke, in a unit box with the digit about 0.6 wide. The style picks the variant; plain
    // digits vary among the forms MNIST's writers used too (a 2 with or without a loop, a 4 closed, a curled 9).
    private static SKPoint[][] Template(int digit, HandStyle style, Random random)
    {
        static SKPoint P(double x, double y) => new((float)x, (float)y);
        var loop = random.Next(3) == 0;
        return (digit, style) switch
        {
            (0, _) => [Ellipse(0.5, 0.5, 0.28, 0.48, random.NextDouble() * 0.6)],
            (1, HandStyle.OneWithFlag) => [[P(0.2, 0.32), P(0.38, 0.15), P(0.56, 0.0), P(0.55, 0.5), P(0.54, 1.0)]],
            (1, HandStyle.OneWithFlagAndFoot) =>
                [[P(0.22, 0.3), P(0.4, 0.14), P(0.56, 0.0), P(0.55, 0.5), P(0.54, 1.0)], [P(0.3, 1.0), P(0.55, 1.0), P(0.8, 0.99)]],
            (1, HandStyle.OneWithShortFlag) => [[P(0.4, 0.2), P(0.56, 0.0), P(0.55, 0.5), P(0.54, 1.0)]],
            (1, _) => [[P(0.5, 0.0), P(0.5, 0.5), P(0.49, 1.0)]],
            (2, _) when loop => [[P(0.2, 0.25), P(0.45, 0.0), P(0.75, 0.12), P(0.7, 0.45), P(0.2, 0.95), P(0.3, 0.85), P(0.45, 0.95), P(0.82, 0.97)]],
            (2, _) => [[P(0.2, 0.25), P(0.45, 0.0), P(0.75, 0.12), P(0.7, 0.45), P(0.18, 1.0), P(0.82, 0.98)]],
            (3, _) => [[P(0.2, 0.1), P(0.5, 0.0), P(0.75, 0.18), P(0.45, 0.47), P(0.8, 0.7), P(0.55, 1.0), P(0.2, 0.9)]],
            (4, HandStyle.OpenFour) => [[P(0.3, 0.0), P(0.22, 0.35), P(0.18, 0.62), P(0.85, 0.62)], [P(0.68, 0.15), P(0.68, 0.6), P(0.68, 1.0)]],
            (4, _) => [[P(0.68, 1.0), P(0.68, 0.5), P(0.68, 0.0), P(0.4, 0.35), P(0.12, 0.68), P(0.88, 0.68)]],
            (5, _) => [[P(0.8, 0.02), P(0.25, 0.02), P(0.22, 0.45), P(0.6, 0.4), P(0.8, 0.7), P(0.55, 1.0), P(0.18, 0.88)]],
            (6, _) => [[P(0.72, 0.02), P(0.35, 0.3), P(0.22, 0.7), P(0.45, 1.0), P(0.75, 0.8), P(0.55, 0.55), P(0.25, 0.68)]],
            (7, HandStyle.CrossedSeven) => [[P(0.15, 0.02), P(0.85, 0.0), P(0.6, 0.45), P(0.4, 1.0)], [P(0.35, 0.5), P(0.6, 0.49), P(0.82, 0.48)]],
            (7, _) => [[P(0.15, 0.02), P(0.85, 0.0), P(0.6, 0.45), P(0.4, 1.0)]],
            (8, _) => [[P(0.5, 0.48), P(0.25, 0.25), P(0.5, 0.0), P(0.75, 0.25), P(0.5, 0.48), P(0.22, 0.75), P(0.5, 1.0), P(0.78, 0.75), P(0.5, 0.48)]],
            (9, HandStyle.NineWithStraightStem) =>
                [[P(0.75, 0.2), P(0.5, 0.0), P(0.25, 0.2), P(0.35, 0.45), P(0.75, 0.35)], [P(0.76, 0.05), P(0.76, 0.5), P(0.76, 1.0)]],
            (9, _) => [[P(0.75, 0.25), P(0.5, 0.0), P(0.25, 0.2), P(0.35, 0.45), P(0.75, 0.3), P(0.72, 0.7), P(0.45, 1.0)]],
            _ => throw new ArgumentOutOfRangeException(nameof(digit)),
        };
    }

    private static SKPoint[] Ellipse(double cx, double cy, double rx, double ry, double start)
    {
        // A little more than a full turn, as a 0 is usually closed with an overlap.
        return Enumerable.Range(0, 14)
            .Select(i => start + (i * Math.PI * 2.15 / 13))
            .Select(a => new SKPoint((float)(cx + (rx * Math.Sin(a))), (float)(cy - (ry * Math.Cos(a)))))
            .ToArray();
    }

    // Catmull-Rom through the control points, eight steps between each two.
    private static SKPoint[] Smooth(SKPoint[] points)
    {
        if (points.Length < 3)
        {
            return points;
        }

        var result = new List<SKPoint>();
        for (var i = 0; i < points.Length - 1; i++)
        {
            var (p0, p1, p2, p3) = (points[Math.Max(0, i - 1)], points[i], points[i + 1], points[Math.Min(points.Length - 1, i + 2)]);
            for (var s = 0; s < 8; s++)
            {
                var t = s / 8f;
                var (t2, t3) = (t * t, t * t * t);
                result.Add(new SKPoint(
                    0.5f * ((2 * p1.X) + ((-p0.X + p2.X) * t) + (((2 * p0.X) - (5 * p1.X) + (4 * p2.X) - p3.X) * t2) + ((-p0.X + (3 * p1.X) - (3 * p2.X) + p3.X) * t3)),
                    0.5f * ((2 * p1.Y) + ((-p0.Y + p2.Y) * t) + (((2 * p0.Y) - (5 * p1.Y) + (4 * p2.Y) - p3.Y) * t2) + ((-p0.Y + (3 * p1.Y) - (3 * p2.Y) + p3.Y) * t3))));
            }
        }

        result.Add(points[^1]);
        return [.. result];
    }
}
