using DigitApi.Imaging;
using DigitApi.Tests;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace DigitApi.UnitTests.Imaging;

/// <summary>
/// Low-resolution scans enlarged smoothly, as image libraries enlarge by default, are read and judged as the scans
/// themselves; digits at their own resolution, drawings and photos are left as they are.
/// </summary>
public class SmoothEnlargementTests
{
    private static readonly SkiaImageDecoder Decoder = new(Options.Create(new ImageOptions()));

    public static TheoryData<string, int> Enlargements => new()
    {
        { "linear", 28 },
        { "linear", 280 },
        { "catmull-rom", 28 },
        { "catmull-rom", 64 },
        { "catmull-rom", 280 },
        { "mitchell", 64 },
    };

    [Theory]
    [MemberData(nameof(Enlargements))]
    public void An_8x8_scan_enlarged_smoothly_comes_back_to_about_its_own_pixels(string filter, int side)
    {
        foreach (var digit in Enumerable.Range(0, 20))
        {
            var scan = Decoder.Decode(TestImages.CoarseScan(MnistTestSet.Instance.Images[digit]));

            var back = SmoothEnlargement.Undo(Enlarged(scan, side, filter));

            Assert.True((back.Width, back.Height) == (8, 8), $"digit {digit}: {back.Width}x{back.Height}");
            var difference = scan.Pixels.Zip(back.Pixels, (a, b) => Math.Abs(a - b)).Average();
            Assert.True(difference < 12, $"digit {digit}: mean difference {difference:F1}");
            Assert.Equal(side / 8.0, back.SourceScaleX);
        }
    }

    [Fact]
    public void A_scan_enlarged_smoothly_is_read_and_judged_as_the_scan_itself()
    {
        var png = TestImages.CoarseScan(MnistTestSet.Instance.Images[0]);
        var scan = DigitPreprocessor.Prepare(Decoder.Decode(png));

        var enlarged = DigitPreprocessor.Prepare(Decoder.Decode(TestImages.CoarseScan(MnistTestSet.Instance.Images[0], shownAt: 200, smoothly: true)));

        Assert.Equal(8, scan.SourceSide);
        Assert.Equal(8, enlarged.SourceSide);
        Assert.True(scan.Pixels.Zip(enlarged.Pixels, (a, b) => Math.Abs(a - b)).Average() < 0.03, "the same 28x28 digit");
        Assert.Equal(scan.Box.Scale(25, 25), enlarged.Box);
    }

    [Fact]
    public void Digits_at_their_own_resolution_drawings_and_photos_are_left_as_they_are()
    {
        var images = new List<(string Name, GrayImage Image)>();
        images.AddRange(Enumerable.Range(0, 100).Select(i => ($"MNIST test digit {i}", Decoder.Decode(TestImages.MnistPng(MnistTestSet.Instance.Images[i])))));
        images.AddRange(Enumerable.Range(0, 20).Select(i => ($"canvas {i}", Decoder.Decode(HandDigits.Canvas(HandDigits.Write(HandStyle.Plain, i, 500 + i))))));
        images.AddRange(Enumerable.Range(0, 10).Select(i => ($"bold marker {i}", Decoder.Decode(HandDigits.Canvas(HandDigits.Write(HandStyle.BoldMarker, i, 600 + i))))));
        images.AddRange(Enumerable.Range(0, 10).Select(i => ($"photo {i}", Decoder.Decode(PhotoDigits.Photo(MnistTestSet.Instance.Images[i], seed: i)))));
        images.AddRange(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "TestData", "images", "faint-pencil"), "*.jpg").Order()
            .Select(f => (Path.GetFileName(f), Decoder.Decode(File.ReadAllBytes(f)))));
        images.Add(("blank paper", SyntheticDigits.Paper(200, 200)));

        foreach (var (name, image) in images)
        {
            Assert.True(ReferenceEquals(image, SmoothEnlargement.Undo(image)), $"{name} was taken for an enlargement");
        }
    }

    private static GrayImage Enlarged(GrayImage scan, int side, string filter)
    {
        using var small = new SKBitmap(new SKImageInfo(scan.Width, scan.Height, SKColorType.Gray8, SKAlphaType.Opaque));
        scan.Pixels.CopyTo(small.GetPixelSpan());
        var sampling = filter switch
        {
            "linear" => new SKSamplingOptions(SKFilterMode.Linear),
            "catmull-rom" => new SKSamplingOptions(SKCubicResampler.CatmullRom),
            _ => new SKSamplingOptions(SKCubicResampler.Mitchell),
        };
        using var big = small.Resize(new SKImageInfo(side, side, SKColorType.Gray8, SKAlphaType.Opaque), sampling);
        return new GrayImage(side, side, big.GetPixelSpan().ToArray());
    }
}
