using System.Collections.Concurrent;
using SkiaSharp;

namespace DigitApi.Tests;

/// <summary>
/// A digit set in a font: the glyph's outline, slanted by <paramref name="Slant"/> (x shifted by that share of the height
/// per unit of height), turned by <paramref name="Turn"/> degrees, and its strokes thickened by <paramref name="Embolden"/>
/// of the height (0: as the font draws them).
/// </summary>
public sealed record FontDigit(int Digit, string FontFile, float Slant, float Turn, float Embolden) : IDrawnDigit
{
    private static readonly ConcurrentDictionary<string, SKTypeface> Typefaces = new();

    /// <inheritdoc/>
    public void Draw(SKCanvas canvas, float height, SKColor ink)
    {
        var typeface = Typefaces.GetOrAdd(FontFile, file => SKTypeface.FromFile(file) ?? throw new FileNotFoundException("Not a font file", file));
        using var font = new SKFont(typeface, 200);
        using var glyph = font.GetTextPath(Digit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var box = glyph.TightBounds;
        var scale = height / box.Height;
        using var paint = new SKPaint
        {
            Color = ink,
            IsAntialias = true,
            Style = Embolden > 0 ? SKPaintStyle.StrokeAndFill : SKPaintStyle.Fill,
            StrokeWidth = Embolden * box.Height,
            StrokeJoin = SKStrokeJoin.Round,
        };
        canvas.Save();
        canvas.RotateDegrees(Turn);
        canvas.Concat(SKMatrix.CreateSkew(-Slant, 0));
        canvas.Scale(scale);
        canvas.Translate(-box.MidX, -box.MidY);
        canvas.DrawPath(glyph, paint);
        canvas.Restore();
    }
}

/// <summary>
/// Digits from the handwriting fonts Debian packages, written as a harness would set them: any digit, slanted and
/// turned a little, half of them with their strokes thickened. Deterministic for a seed.
/// </summary>
public static class FontDigits
{
    /// <summary>Where Debian installs fonts.</summary>
    public const string Root = "/usr/share/fonts";

    /// <summary>The digit <c>index % 10</c> in the font at <paramref name="file"/> (relative to <see cref="Root"/>).</summary>
    public static FontDigit Write(string file, int index, int seed)
    {
        var random = new Random(seed);
        var slant = (float)((random.NextDouble() - 0.4) * 0.5);
        var turn = (float)((random.NextDouble() - 0.5) * 16);
        var embolden = random.Next(2) == 0 ? 0 : (float)(0.01 + (random.NextDouble() * 0.04));
        return new FontDigit(index % 10, Path.Combine(Root, file), slant, turn, embolden);
    }
}
