using System.ComponentModel.DataAnnotations;
using DigitApi.Common;

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

    /// <summary>
    /// Largest accepted width x height of an image decoded at full size (PNG, GIF, BMP): JPEG and WebP decode
    /// at a fraction of their size, these formats cannot, so each of their pixels costs memory.
    /// </summary>
    [Range(1, 268_435_456)]
    public long MaxFullSizePixels { get; set; } = 16_000_000;

    /// <summary>Largest accepted width x height of an interlaced (Adam7) PNG, which is decoded whole twice over.</summary>
    [Range(1, 268_435_456)]
    public long MaxInterlacedPixels { get; set; } = 4_000_000;

    /// <summary>
    /// Most scans a progressive JPEG may have, counted from its markers before any decoder runs. Encoders write
    /// 2 to 12; every extra scan re-reads the whole image, so a few hundred make a small file cost seconds of CPU.
    /// </summary>
    [Range(1, 1000)]
    public int MaxJpegScans { get; set; } = 32;

    /// <summary>
    /// Bytes that decoding may hold at once, across all requests (decoded pixels and decoder buffers, estimated
    /// from each header before decoding). A decode waits for its share; one that can never fit is refused with
    /// 413. 0 (default) means a quarter of the memory the process may use (the container's limit when it has
    /// one, else the machine's), at most 1 GiB.
    /// </summary>
    [Range(0, 1L << 40)]
    public long DecodeMemoryBytes { get; set; }

    /// <summary>Longest a decode waits for its share of <see cref="DecodeMemoryBytes"/> before the request is refused with 503.</summary>
    [Range(1, 300)]
    public int DecodeWaitSeconds { get; set; } = 10;

    /// <summary>
    /// Wall-clock seconds one request may spend decoding and preparing its images: the image of /predict and
    /// /predict/number, all images of /predict/batch. It is checked between the stages (before and after each decoder
    /// call, between ink extraction and normalisation), never inside a pixel loop; past it the image is answered 422
    /// image-too-costly, and in a batch so is every image not yet done. A normal image takes milliseconds.
    /// </summary>
    [Range(0.001, 600)]
    public double DecodeSeconds { get; set; } = 10;

    public long EffectiveDecodeMemoryBytes => DecodeMemoryBytes > 0 ? DecodeMemoryBytes : MemoryBudget.QuarterOfAvailableMemory;

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
