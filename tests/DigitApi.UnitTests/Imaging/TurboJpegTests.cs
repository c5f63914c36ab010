using DigitApi.Imaging;
using DigitApi.Tests;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace DigitApi.UnitTests.Imaging;

/// <summary>
/// JPEG through the system's libjpeg-turbo (TurboJPEG API). These tests need the library: without it they are
/// skipped, or fail where CI is set (CI installs it). <see cref="JpegDecoder.TurboJpeg"/> makes the decoder refuse
/// to start without it rather than fall back.
/// </summary>
public class TurboJpegTests
{
    private readonly SkiaImageDecoder _turbo;
    private readonly SkiaImageDecoder _skia = Decoder(JpegDecoder.Skia);
    private readonly TurboJpeg? _library;

    public TurboJpegTests()
    {
        OptionalComponent.RequireTurboJpeg();
        _turbo = Decoder(JpegDecoder.TurboJpeg);
        _library = TurboJpeg.TryLoad();
    }

    public static TheoryData<string> Jpegs => ["seven.jpg", "seven-exif-rotated.jpg", "seven-progressive.jpg", "seven-progressive-600x750.jpg", "photo", "gray photo", "1000x750 photo"];

    [Fact]
    public void The_library_is_found_and_chosen()
    {
        Assert.NotNull(_library);
        Assert.True(_turbo.UsesTurboJpeg);
        Assert.True(Decoder(JpegDecoder.Auto).UsesTurboJpeg);
        Assert.False(_skia.UsesTurboJpeg);
    }

    [Theory]
    [MemberData(nameof(Jpegs))]
    public void Gray_from_libjpeg_turbo_matches_skias_colour_decode_turned_gray(string jpeg)
    {
        var bytes = Bytes(jpeg);

        var turbo = _turbo.Decode(bytes);
        var skia = _skia.Decode(bytes);

        // Same size, orientation and scale; pixels differ only by rounding (JPEG's own luma vs luma recomputed
        // from RGB that was computed from it).
        Assert.Equal((skia.Width, skia.Height), (turbo.Width, turbo.Height));
        Assert.Equal((skia.SourceScaleX, skia.SourceScaleY), (turbo.SourceScaleX, turbo.SourceScaleY));
        var differences = skia.Pixels.Zip(turbo.Pixels, (a, b) => Math.Abs(a - b)).ToList();
        Assert.True(differences.Average() < 1.0, $"mean difference {differences.Average():F2}");
        Assert.True(differences.Max() <= 4, $"largest difference {differences.Max()}");
    }

    [Fact]
    public void A_photo_decodes_at_the_scale_skia_reports_and_gives_the_same_digit()
    {
        var photo = Bytes("photo");

        var gray = new byte[150 * 200];
        Assert.True(_library!.TryDecodeGray(photo, 150, 200, gray));

        Assert.Equal(DigitPreprocessor.Prepare(_skia.Decode(photo)).Pixels, DigitPreprocessor.Prepare(new GrayImage(150, 200, gray)).Pixels, (a, b) => MathF.Abs(a - b) < 0.1f);
    }

    [Fact]
    public void Concurrent_decodes_share_nothing()
    {
        var photos = new[] { Bytes("photo"), Bytes("1000x750 photo") };
        var expected = photos.Select(p => _turbo.Decode(p).Pixels).ToArray();

        Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => Assert.Equal(expected[i % 2], _turbo.Decode(photos[i % 2]).Pixels));
    }

    [Fact]
    public void Cmyk_jpeg_is_left_to_skia()
    {
        var cmyk = SkiaImageDecoderTests.Read("seven-cmyk.jpg");
        var gray = new byte[160 * 200];

        Assert.False(_library!.TryDecodeGray(cmyk, 160, 200, gray));
        var image = _turbo.Decode(cmyk);
        var upright = _skia.Decode(SkiaImageDecoderTests.Read("seven-rgb24.png"));
        Assert.True(upright.Pixels.Zip(image.Pixels, (a, b) => Math.Abs(a - b)).Average() < 4, "the CMYK seven decodes like the RGB one");
    }

    [Fact]
    public void Truncated_or_damaged_jpeg_is_left_to_skias_verdict()
    {
        var jpeg = Bytes("photo");
        var truncated = jpeg.AsSpan(0, jpeg.Length / 2).ToArray();
        var damaged = (byte[])jpeg.Clone();
        new Random(3).NextBytes(damaged.AsSpan(600, 2000));
        var gray = new byte[150 * 200];

        Assert.False(_library!.TryDecodeGray(truncated, 150, 200, gray));
        Assert.False(_library!.TryDecodeGray(damaged, 150, 200, gray));
        Assert.Equal(ImageRejection.Undecodable, Assert.Throws<ImageRejectedException>(() => _turbo.Decode(truncated)).Reason);
        // Skia decodes through corrupt entropy data (as it did before libjpeg-turbo was used) and owns the answer.
        Assert.Equal(_skia.Decode(damaged).Pixels, _turbo.Decode(damaged).Pixels);
    }

    [Fact]
    public void A_target_smaller_than_the_image_is_refused_before_decoding()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _library!.TryDecodeGray(Bytes("photo"), 150, 200, new byte[100]));
    }

    private static SkiaImageDecoder Decoder(JpegDecoder jpeg) => new(Options.Create(new ImageOptions { JpegDecoder = jpeg }));

    private static byte[] Bytes(string name) => name switch
    {
        "photo" => PhotoDigits.Photo(MnistTestSet.Instance.Images[7], seed: 7),
        "gray photo" => Gray(PhotoDigits.Photo(MnistTestSet.Instance.Images[8], seed: 8)),
        "1000x750 photo" => Large(),
        _ => SkiaImageDecoderTests.Read(name),
    };

    private static byte[] Gray(byte[] jpeg)
    {
        using var colour = SKBitmap.Decode(jpeg);
        using var gray = colour.Copy(SKColorType.Gray8);
        return TestImages.Encode(gray, SKEncodedImageFormat.Jpeg, 90);
    }

    // Decoded at 1/4 for the working size (1/8 would leave 125 pixels): a scale other than 1/8.
    private static byte[] Large()
    {
        using var bitmap = new SKBitmap(new SKImageInfo(1000, 750, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor(210, 200, 180));
            using var pen = new SKPaint { Color = new SKColor(20, 30, 120), StrokeWidth = 20, IsStroke = true, StrokeCap = SKStrokeCap.Round };
            canvas.DrawLine(375, 200, 625, 200, pen);
            canvas.DrawLine(625, 200, 475, 575, pen);
        }

        return TestImages.Encode(bitmap, SKEncodedImageFormat.Jpeg, 85);
    }
}
