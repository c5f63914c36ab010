using System.ComponentModel.DataAnnotations;

namespace DigitApi.Imaging;

/// <summary>Limits and working sizes of the image path; section <c>Imaging</c>.</summary>
public sealed class ImageOptions
{
    public const string SectionName = "Imaging";

    /// <summary>Largest accepted width x height, read from the header before any pixel is decoded.</summary>
    [Range(1, 268_435_456)]
    public long MaxPixels { get; set; } = 40_000_000;

    /// <summary>Largest accepted side in pixels (guards against 20000x1 strips as well as bombs).</summary>
    [Range(1, 65_535)]
    public int MaxSide { get; set; } = 12_000;

    /// <summary>Largest accepted frame count of animated images; only the first frame is used.</summary>
    [Range(1, 100_000)]
    public int MaxFrames { get; set; } = 100;

    /// <summary>
    /// Decoded images are reduced so that their longer side is at most this many pixels before the
    /// digit is searched for: 28x28 needs far fewer pixels than a phone camera delivers. JPEG and WebP
    /// are decoded natively at the smallest scale that keeps this size (a 1200x1600 photo at 1/8). At
    /// 200, a digit that fills a fifth of the frame still spans 40 pixels, twice the 20 MNIST fits it
    /// into; accuracy on phone photos and canvases measured the same as at 512, at a third of the cost.
    /// </summary>
    [Range(64, 4096)]
    public int WorkingSize { get; set; } = 200;

    /// <summary>
    /// Who decodes JPEG: <see cref="JpegDecoder.Auto"/> uses the system's libjpeg-turbo (TurboJPEG API) when it
    /// is installed and SkiaSharp otherwise; <see cref="JpegDecoder.TurboJpeg"/> requires it (startup fails
    /// without it, as the container images want); <see cref="JpegDecoder.Skia"/> never uses it.
    /// </summary>
    public JpegDecoder JpegDecoder { get; set; } = JpegDecoder.Auto;
}

public enum JpegDecoder
{
    Auto,
    Skia,
    TurboJpeg,
}
