using System.Text;
using DigitApi.Tests;
using SkiaSharp;

namespace DigitApi.IntegrationTests;

/// <summary>
/// Uploads to /predict/number that are not numbers: MNIST test digits with a handwritten letter among them, and
/// words of handwritten letters, drawn as <see cref="SyntheticNumbers"/> draws numbers. The letters are
/// TestData/images/letters/handwritten-letters.png: one row per handwriting font, A-Z then a-z in 64x64 cells.
/// </summary>
public static class LetterNumbers
{
    public const string Letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private const int Cell = 64;

    private static readonly Lazy<List<Font>> Fonts = new(Load);

    /// <summary>How many handwriting fonts the sheet holds.</summary>
    public static int FontCount => Fonts.Value.Count;

    /// <summary>
    /// <paramref name="count"/> uploads of 2-6 pieces: with <paramref name="words"/>, every piece a letter of one font
    /// (3-6 of them); otherwise digits from the MNIST test set with one letter in a random place.
    /// </summary>
    public static List<NumberSample> Generate(int seed, int count, bool words)
    {
        var random = new Random(seed);
        var samples = new List<NumberSample>(count);
        for (var n = 0; n < count; n++)
        {
            var length = random.Next(words ? 3 : 2, 7);
            var layout = SyntheticNumbers.RandomLayout(random, length, 0, 10000);
            var font = random.Next(FontCount);
            var letterAt = random.Next(length);
            var text = new StringBuilder();
            for (var i = 0; i < length; i++)
            {
                text.Append(words || i == letterAt ? Letters[random.Next(Letters.Length)] : (char)('0' + MnistTestSet.Instance.Labels[layout.Digits[i]]));
            }

            samples.Add(Draw(text.ToString(), font, layout));
        }

        return samples;
    }

    /// <summary>
    /// Draws <paramref name="text"/> in the layout's places: each digit is the layout's MNIST digit, each letter the
    /// font's, its capitals as tall as the digits.
    /// </summary>
    public static NumberSample Draw(string text, int font, NumberLayout layout)
    {
        var glyphs = text.Select((c, i) =>
        {
            var size = layout.Scale * layout.DigitScales[i];
            return char.IsAsciiDigit(c)
                ? Glyph.Of(MnistTestSet.Instance.Images[layout.Digits[i]], size)
                : Fonts.Value[font].Glyph(Letters.IndexOf(c, StringComparison.Ordinal), size * 20 / Fonts.Value[font].CapitalHeight);
        }).ToList();
        var (image, boxes) = SyntheticNumbers.Render(glyphs, layout);
        return new NumberSample(text, image, layout, boxes);
    }

    private static List<Font> Load()
    {
        using var encoded = SKBitmap.Decode(TestFiles.Read("letters/handwritten-letters.png"));
        using var sheet = encoded.Copy(SKColorType.Gray8);
        var fonts = new List<Font>();
        for (var row = 0; row < sheet.Height / Cell; row++)
        {
            fonts.Add(new Font(Enumerable.Range(0, Letters.Length).Select(column => InkOf(sheet, column * Cell, row * Cell)).ToArray()));
        }

        return fonts;
    }

    // One cell cropped to its ink, as ink strength 0-1.
    private static Glyph InkOf(SKBitmap sheet, int left, int top)
    {
        int minX = Cell, minY = Cell, maxX = -1, maxY = -1;
        for (var y = 0; y < Cell; y++)
        {
            for (var x = 0; x < Cell; x++)
            {
                if (sheet.GetPixel(left + x, top + y).Red < 128)
                {
                    (minX, maxX, minY, maxY) = (Math.Min(minX, x), Math.Max(maxX, x), Math.Min(minY, y), Math.Max(maxY, y));
                }
            }
        }

        var (width, height) = (maxX - minX + 1, maxY - minY + 1);
        var ink = new float[width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                ink[(y * width) + x] = (255 - sheet.GetPixel(left + minX + x, top + minY + y).Red) / 255f;
            }
        }

        return Glyph.FromPixels(width, height, ink);
    }

    // One font's letters, cropped to their ink.
    private sealed class Font(Glyph[] letters)
    {
        /// <summary>The median height of the capitals, in sheet pixels.</summary>
        public double CapitalHeight { get; } = letters.Take(26).Select(l => (double)l.Height).Order().ElementAt(13);

        public Glyph Glyph(int letter, double scale) => letters[letter].Scaled(scale);
    }
}
