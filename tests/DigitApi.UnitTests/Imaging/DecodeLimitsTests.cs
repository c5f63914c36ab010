using System.Diagnostics;
using DigitApi.Imaging;
using DigitApi.Tests;
using Microsoft.Extensions.Options;

namespace DigitApi.UnitTests.Imaging;

/// <summary>What the decoder refuses from an image's header, and the memory budget decodes share.</summary>
public class DecodeLimitsTests
{
    private static readonly SkiaImageDecoder Decoder = new(Options.Create(new ImageOptions()));

    [Theory]
    [InlineData("seven-progressive.jpg")]
    [InlineData("seven-progressive-600x750.jpg")]
    public void Progressive_jpegs_as_encoders_write_them_decode(string file)
    {
        var header = EncodedHeader.Read(SkiaImageDecoderTests.Read(file), ImageFormat.Jpeg, maxScans: 32);

        Assert.True(header is { Progressive: true, Scans: > 1 and <= 12 }, $"{header}");
        Assert.True(DigitPreprocessor.Prepare(Decoder.Decode(SkiaImageDecoderTests.Read(file))).Box.Width > 0);
    }

    [Fact]
    public void A_jpeg_of_hundreds_of_scans_is_refused_before_any_decoder_runs()
    {
        var bomb = HostileImages.ScanBombJpeg(SkiaImageDecoderTests.Read("photo-paper-1200x1600.jpg"), scans: 5_000);
        var started = Stopwatch.GetTimestamp();

        var error = Assert.Throws<ImageRejectedException>(() => Decoder.Decode(bomb));

        Assert.Equal(ImageRejection.TooCostly, error.Reason);
        Assert.Contains("Imaging:MaxJpegScans", error.Message, StringComparison.Ordinal);
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromMilliseconds(500), "counted from the markers, not decoded");
    }

    [Fact]
    public void A_baseline_jpegs_header_is_read_without_walking_its_data()
    {
        var header = EncodedHeader.Read(SkiaImageDecoderTests.Read("photo-paper-1200x1600.jpg"), ImageFormat.Jpeg, maxScans: 32);

        Assert.Equal(new EncodedHeader(1200, 1600, false, false, 3, 1), header);
    }

    [Fact]
    public void An_interlaced_png_is_held_to_the_lower_limit()
    {
        var error = Assert.Throws<ImageRejectedException>(() => Decoder.Decode(HostileImages.InterlacedPngBomb(2_100, 2_000)));

        Assert.Equal(ImageRejection.TooLarge, error.Reason);
        Assert.Contains("Imaging:MaxInterlacedPixels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_png_decoded_at_full_size_is_held_to_the_full_size_limit()
    {
        var strict = new SkiaImageDecoder(Options.Create(new ImageOptions { MaxFullSizePixels = 1_000_000 }));

        var error = Assert.Throws<ImageRejectedException>(() => strict.Decode(HostileImages.PngBomb(1_100, 1_000)));

        Assert.Contains("Imaging:MaxFullSizePixels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_png_taller_than_the_side_limit_is_too_large_not_damaged()
    {
        var error = Assert.Throws<ImageRejectedException>(() => Decoder.Decode(HostileImages.PngBomb(1, 40_000_000)));

        Assert.Equal(ImageRejection.TooLarge, error.Reason);
    }

    [Fact]
    public void A_decode_that_alone_needs_more_than_the_budget_is_refused()
    {
        var small = new SkiaImageDecoder(Options.Create(new ImageOptions { DecodeMemoryBytes = 100_000 }));

        var error = Assert.Throws<ImageRejectedException>(() => small.Decode(SkiaImageDecoderTests.Read("seven-rgba32.png")));

        Assert.Equal(ImageRejection.TooLarge, error.Reason);
        Assert.Contains("Imaging:DecodeMemoryBytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_request_whose_decode_clock_runs_out_gets_too_costly_at_the_next_stage()
    {
        var png = HostileImages.LargePng(4_000, 4_000); // 16 MP inflated in full: tens of milliseconds at least
        var preprocessor = new DigitPreprocessor(Decoder);
        using (var normal = new DecodeClock(new ImageOptions(), CancellationToken.None))
        {
            Assert.True(preprocessor.Prepare(png, normal).Box.Height > 0, "decodable within the default budget");
        }

        using var tiny = new DecodeClock(new ImageOptions { DecodeSeconds = 0.001 }, CancellationToken.None);

        var error = Assert.Throws<ImageRejectedException>(() => preprocessor.Prepare(png, tiny));

        Assert.Equal(ImageRejection.TooCostly, error.Reason);
        Assert.Contains("Imaging:DecodeSeconds", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_decode_whose_client_has_gone_is_cancelled_not_too_costly()
    {
        using var gone = new CancellationTokenSource();
        gone.Cancel();
        using var clock = new DecodeClock(new ImageOptions(), gone.Token);

        Assert.ThrowsAny<OperationCanceledException>(() => Decoder.Decode(SkiaImageDecoderTests.Read("seven-rgba32.png"), clock));
    }
}
