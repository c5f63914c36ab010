using DigitApi.Imaging;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace DigitApi.Benchmarks;

/// <summary>
/// Writes one PNG per preprocessing step of an upload, made by the service's own types: the decoded gray image
/// at working size, the ink found on it, the ink mask, the components kept as the digit (and its box), and the
/// 28x28 input the model sees. docs/images holds the output for two committed uploads (docs/preprocessing.md).
/// </summary>
public static class PreprocessingSteps
{
    public static int Run(string imagePath, string folder, string prefix)
    {
        Directory.CreateDirectory(folder);
        var decoder = new SkiaImageDecoder(Options.Create(new ImageOptions()));
        var gray = decoder.Decode(File.ReadAllBytes(imagePath));
        Write(folder, prefix, "1-decoded", gray.Width, gray.Height, gray.Pixels);

        var ink = InkExtractor.Extract(gray) ?? throw new InvalidOperationException("No ink found on " + imagePath);
        Write(folder, prefix, "2-ink", ink.Width, ink.Height, [.. ink.Ink.Select(v => (byte)(255 - v))]);
        Write(folder, prefix, "3-mask", ink.Width, ink.Height, [.. ink.Mask.Select(m => m ? (byte)0 : (byte)255)]);

        var (labels, components) = ConnectedComponents.Label(ink);
        var kept = DigitPreprocessor.DigitComponents(ink, labels, components);
        var keep = kept.Select(c => c.Label).ToHashSet();
        var box = kept.Select(c => c.Box).Aggregate((a, b) => a.Union(b));
        var digit = new byte[labels.Length];
        for (var i = 0; i < labels.Length; i++)
        {
            var (x, y) = (i % ink.Width, i / ink.Width);
            var inBox = x >= box.X && x < box.Right && y >= box.Y && y < box.Bottom;
            digit[i] = keep.Contains(labels[i]) ? (byte)0 : ink.Mask[i] ? (byte)200 : inBox ? (byte)235 : (byte)255;
        }

        Write(folder, prefix, "4-digit", ink.Width, ink.Height, digit);

        var pixels = DigitNormalizer.Normalize(ink, labels, keep, box);
        const int scale = 6;
        var size = DigitNormalizer.Size * scale;
        var enlarged = new byte[size * size];
        for (var i = 0; i < enlarged.Length; i++)
        {
            enlarged[i] = (byte)Math.Round(255 * pixels[((i / size / scale) * DigitNormalizer.Size) + (i % size / scale)]);
        }

        Write(folder, prefix, "5-model-input", size, size, enlarged);
        return 0;
    }

    private static void Write(string folder, string prefix, string step, int width, int height, byte[] gray)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        System.Runtime.InteropServices.Marshal.Copy(gray, 0, bitmap.GetPixels(), gray.Length);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        var path = Path.Combine(folder, $"{prefix}-{step}.png");
        File.WriteAllBytes(path, data.ToArray());
        Console.WriteLine($"{path}\t{width}x{height}");
    }
}
