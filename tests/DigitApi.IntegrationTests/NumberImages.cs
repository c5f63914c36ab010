using DigitApi.Imaging;
using DigitApi.Tests;

namespace DigitApi.IntegrationTests;

/// <summary>Hand-made number images for the edge cases of /predict/number, from MNIST test digits.</summary>
public static class NumberImages
{
    /// <summary>MNIST test-set indices of clean examples of each digit (from the part of the set the accuracy tests do not use).</summary>
    public static readonly int[] Clean = [101, 107, 106, 112, 103, 102, 100, 111, 110, 104];

    /// <summary>A number of clean digits, dark on light paper, with the given gaps in fractions of the digit height.</summary>
    public static NumberSample Number(string digits, double gap = 0.3, double scale = 3, bool darkOnLight = true, int jpegQuality = 0) =>
        Layout(digits.Select(d => Clean[d - '0']).ToArray(), Enumerable.Repeat(gap, digits.Length - 1).ToArray(), scale, darkOnLight, jpegQuality);

    /// <summary>The layout <see cref="Number"/> draws <paramref name="text"/> in (a letter's place holds a clean 0, for <see cref="LetterNumbers.Draw"/> to replace).</summary>
    public static NumberLayout LayoutOf(string text, double gap = 0.3, double scale = 3) =>
        Layout(text.Select(c => Clean[char.IsAsciiDigit(c) ? c - '0' : 0]).ToArray(), Enumerable.Repeat(gap, text.Length - 1).ToArray(), scale).Layout;

    public static NumberSample Layout(int[] mnistIndices, double[] gaps, double scale = 3, bool darkOnLight = true, int jpegQuality = 0)
    {
        var height = 20 * scale;
        return SyntheticNumbers.Draw(new NumberLayout(
            mnistIndices,
            scale,
            mnistIndices.Select(_ => 1.0).ToArray(),
            gaps.Select(g => (int)Math.Round(g * height)).ToArray(),
            new int[mnistIndices.Length],
            DarkOnLight: darkOnLight,
            Paper: darkOnLight ? 235 : 20,
            Margin: (int)height / 2,
            JpegQuality: jpegQuality));
    }

    /// <summary>
    /// An MNIST 5 whose top bar is lifted off its stem: the two ink rows below the bar are erased, as a
    /// pen lifted between the strokes leaves them.
    /// </summary>
    public static byte[] FiveWithDetachedBar(int mnistIndex)
    {
        var pixels = (byte[])MnistTestSet.Instance.Images[mnistIndex].Clone();
        var top = Enumerable.Range(0, 28).First(y => Enumerable.Range(0, 28).Any(x => pixels[(y * 28) + x] > 0));
        for (var y = top + 4; y < top + 6; y++)
        {
            Array.Clear(pixels, y * 28, 28);
        }

        return pixels;
    }

    /// <summary>Blobs of the decoded image's ink, as the service sees them (to check a test image is what it claims).</summary>
    public static int InkBlobs(byte[] image, IImageDecoder decoder)
    {
        var ink = InkExtractor.Extract(decoder.Decode(image))!;
        return ConnectedComponents.WithoutSpecks(ConnectedComponents.Label(ink).Components, relativeArea: 0.01).Count;
    }
}
