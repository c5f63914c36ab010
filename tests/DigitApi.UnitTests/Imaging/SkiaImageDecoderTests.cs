using DigitApi.Imaging;
using DigitApi.Tests;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace DigitApi.UnitTests.Imaging;

public class SkiaImageDecoderTests
{
    private static readonly SkiaImageDecoder Decoder = new(Options.Create(new ImageOptions()));

    public static TheoryData<string> SevenFiles =>
    [
        "seven-gray8.png", "seven-rgb24.png", "seven-rgba32.png", "seven.jpg", "seven-exif-rotated.jpg",
        "seven.bmp", "seven.gif", "seven-animated.gif", "seven.webp",
    ];

    [Theory]
    [MemberData(nameof(SevenFiles))]
    public void Every_accepted_format_decodes_to_the_same_upright_digit(string file)
    {
        var reference = DigitPreprocessor.Prepare(Decoder.Decode(Read("seven-gray8.png"))).Pixels;

        var image = Decoder.Decode(Read(file));
        var pixels = DigitPreprocessor.Prepare(image).Pixels;

        Assert.Equal(160, image.Width);
        var difference = reference.Zip(pixels, (a, b) => Math.Abs(a - b)).Average();
        Assert.True(difference < 0.04, $"{file} differs from the PNG by {difference:F3}");
    }

    [Fact]
    public void Exif_orientation_is_applied()
    {
        // Stored 200x160 (rotated a quarter turn), displayed 160x200 with the 7's bar at the top.
        var image = Decoder.Decode(Read("seven-exif-rotated.jpg"));

        var upright = Decoder.Decode(Read("seven-gray8.png"));

        Assert.Equal((160, 200), (image.Width, image.Height));
        var difference = upright.Pixels.Select((p, i) => Math.Abs(p - image.Pixels[i])).Average();
        Assert.True(difference < 8, $"the top 160 rows must match the upright original (mean difference {difference:F1})");
        Assert.True(image.Pixels.Skip(160 * 165).All(p => p > 240), "the padding added below the digit must end up at the bottom");
    }

    [Fact]
    public void Transparent_canvas_is_flattened_onto_white()
    {
        var image = Decoder.Decode(Read("seven-rgba32.png"));

        Assert.Equal(255, image[0, 0]);
        Assert.True(image.Pixels.Min() < 20, "black strokes stay black");
    }

    [Fact]
    public void White_strokes_on_a_transparent_canvas_are_flattened_onto_black()
    {
        var set = MnistTestSet.Instance;
        using var bitmap = new SKBitmap(new SKImageInfo(28, 28, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var rgba = new byte[28 * 28 * 4];
        for (var i = 0; i < 784; i++)
        {
            rgba[i * 4] = rgba[(i * 4) + 1] = rgba[(i * 4) + 2] = 255;
            rgba[(i * 4) + 3] = set.Images[0][i];
        }

        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);

        var image = Decoder.Decode(TestImages.Encode(bitmap));

        Assert.Equal(0, image[0, 0]);
        Assert.True(image.Pixels.Max() > 240, "white strokes stay white");
    }

    [Fact]
    public void Large_photo_is_decoded_at_a_reduced_scale()
    {
        using var bitmap = new SKBitmap(new SKImageInfo(4000, 3000, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using var pen = new SKPaint { Color = SKColors.Black, StrokeWidth = 80, IsStroke = true, StrokeCap = SKStrokeCap.Round };
            canvas.DrawLine(1500, 800, 2500, 800, pen);
            canvas.DrawLine(2500, 800, 1900, 2300, pen);
        }

        var image = Decoder.Decode(TestImages.Encode(bitmap, SKEncodedImageFormat.Jpeg, 85));

        Assert.Equal(new ImageOptions().WorkingSize, Math.Max(image.Width, image.Height));
        Assert.Equal(4.0 / 3, (double)image.Width / image.Height, 2);
    }

    [Theory]
    [InlineData(200, 150, 200)] // 1/8: exactly the working size, nothing left to reduce
    [InlineData(256, 300, 400)] // 1/4: the smallest eighth that keeps 256 pixels
    [InlineData(512, 450, 600)] // 3/8
    [InlineData(1600, 1200, 1600)] // no reduction wanted: full size
    public void A_phone_photo_jpeg_is_decoded_natively_at_the_smallest_eighth_that_keeps_the_working_size(int workingSize, int width, int height)
    {
        var photo = PhotoDigits.Photo(MnistTestSet.Instance.Images[0], seed: 1);
        using var codec = SKCodec.Create(SKData.CreateCopy(photo));

        var size = SkiaImageDecoder.NativeDecodeSize(codec, workingSize);

        Assert.Equal((1200, 1600), (codec.Info.Width, codec.Info.Height));
        Assert.Equal((width, height), (size.Width, size.Height));
    }

    [Fact]
    public void Png_has_no_native_scale_and_is_decoded_at_full_size()
    {
        using var bitmap = new SKBitmap(new SKImageInfo(800, 600, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var codec = SKCodec.Create(SKData.CreateCopy(TestImages.Encode(bitmap)));

        var size = SkiaImageDecoder.NativeDecodeSize(codec, 200);

        Assert.Equal((800, 600), (size.Width, size.Height));
    }

    [Theory]
    [InlineData("seven-rgb24.png")]
    [InlineData("seven.jpg")]
    [InlineData("seven.gif")]
    [InlineData("seven.webp")]
    [InlineData("seven.bmp")]
    public void Truncated_files_are_undecodable(string file)
    {
        var bytes = Read(file);

        var error = Assert.Throws<ImageRejectedException>(() => Decoder.Decode(bytes.AsSpan(0, bytes.Length / 2)));

        Assert.Equal(ImageRejection.Undecodable, error.Reason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello, this is text")]
    [InlineData("<html><body>not an image</body></html>")]
    [InlineData("%PDF-1.7")]
    public void Non_images_are_unsupported(string content)
    {
        var error = Assert.Throws<ImageRejectedException>(() => Decoder.Decode(System.Text.Encoding.UTF8.GetBytes(content)));

        Assert.Equal(ImageRejection.UnsupportedFormat, error.Reason);
    }

    [Fact]
    public void Garbage_after_a_png_signature_is_undecodable()
    {
        var bytes = new byte[1000];
        new Random(1).NextBytes(bytes);
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(bytes, 0);

        var error = Assert.Throws<ImageRejectedException>(() => Decoder.Decode(bytes));

        Assert.Equal(ImageRejection.Undecodable, error.Reason);
    }

    [Fact]
    public void A_png_declaring_50000_by_50000_pixels_is_refused_from_its_header()
    {
        var bomb = HostileImages.PngBomb(50_000, 50_000);
        Decoder.Decode(Read("seven.gif")); // warm up the decoder so that only the bomb is measured
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        var error = Assert.Throws<ImageRejectedException>(() => Decoder.Decode(bomb));

        // Refused before any pixel is decoded: nothing like the 10 GB the header declares is allocated. (Not timed:
        // a wall-clock bound fails on a busy machine without the decoder doing anything different.)
        Assert.Equal(ImageRejection.TooLarge, error.Reason);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore < 1_000_000, "no pixel memory may be allocated");
    }

    [Fact]
    public void A_strip_of_20000_by_1_is_refused()
    {
        var error = Assert.Throws<ImageRejectedException>(() => Decoder.Decode(HostileImages.PngBomb(20_000, 1)));

        Assert.Equal(ImageRejection.TooLarge, error.Reason);
    }

    [Fact]
    public void Animated_images_with_too_many_frames_are_refused()
    {
        var strict = new SkiaImageDecoder(Options.Create(new ImageOptions { MaxFrames = 2 }));

        var error = Assert.Throws<ImageRejectedException>(() => strict.Decode(Read("seven-animated.gif")));

        Assert.Equal(ImageRejection.TooLarge, error.Reason);
    }

    [Fact]
    public void Encoded_input_png_decodes_back_to_the_same_pixels()
    {
        var gray = new GrayImage(28, 28, MnistTestSet.Instance.Images[0]);

        var roundTrip = Decoder.Decode(Decoder.EncodePng(gray));

        Assert.Equal(gray.Pixels, roundTrip.Pixels);
    }

    internal static byte[] Read(string file) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "images", file));
}
