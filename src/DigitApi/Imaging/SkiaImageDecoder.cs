using DigitApi.Common;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace DigitApi.Imaging;

/// <summary>
/// The only type that touches SkiaSharp (see DESIGN.md): replacing the image library means replacing this file.
/// JPEG pixels come from the system's libjpeg-turbo (<see cref="TurboJpeg"/>) when it is installed; Skia still
/// reads the header (size limits, EXIF orientation) and decodes whatever that library leaves.
/// </summary>
public sealed partial class SkiaImageDecoder : IImageDecoder
{
    private readonly ImageOptions _options;
    private readonly TurboJpeg? _turboJpeg;
    private readonly MemoryBudget _budget;

    public SkiaImageDecoder(IOptions<ImageOptions> options, ILogger<SkiaImageDecoder>? logger = null)
    {
        _options = options.Value;
        _budget = new MemoryBudget(_options.EffectiveDecodeMemoryBytes, TimeSpan.FromSeconds(_options.DecodeWaitSeconds),
            "decoding other large images", "Imaging:DecodeMemoryBytes");
        _turboJpeg = _options.JpegDecoder == JpegDecoder.Skia ? null : TurboJpeg.TryLoad();
        if (_turboJpeg is null && _options.JpegDecoder == JpegDecoder.TurboJpeg)
        {
            throw new InvalidOperationException(
                "Imaging:JpegDecoder is TurboJpeg, but libjpeg-turbo's TurboJPEG library (libturbojpeg.so.0) was not found. " +
                "Install it (Debian: libturbojpeg0, Ubuntu: libturbojpeg) or set Imaging:JpegDecoder to Auto.");
        }

        LogJpegDecoder(logger ?? NullLogger<SkiaImageDecoder>.Instance,
            _turboJpeg is null ? "SkiaSharp" : "libjpeg-turbo (TurboJPEG, straight to gray)", _options.JpegDecoder);
    }

    /// <summary>Whether JPEG pixels come from the system's libjpeg-turbo rather than from SkiaSharp.</summary>
    public bool UsesTurboJpeg => _turboJpeg is not null;

    /// <inheritdoc/>
    public unsafe GrayImage Decode(ReadOnlySpan<byte> encoded, DecodeClock? clock = null)
    {
        clock?.Check();
        var format = ImageFormatSniffer.Sniff(encoded);
        if (format == ImageFormat.Unknown)
        {
            throw new ImageRejectedException(ImageRejection.UnsupportedFormat,
                $"The upload is not a supported image. Send one of: {string.Join(", ", ImageFormatSniffer.SupportedMediaTypes)}.");
        }

        // The header's own word first: sizes Skia would misreport as damage, and work no decoder should start.
        var header = EncodedHeader.Read(encoded, format, _options.MaxJpegScans);
        if (header is { } declared)
        {
            CheckHeader(declared, format);
        }

        fixed (byte* bytes = encoded)
        {
            // Skia reads the upload where it lies (pooled memory); the codec and its data end within this block.
            using var data = SKData.Create((IntPtr)bytes, encoded.Length);
            using var codec = SKCodec.Create(data)
                ?? throw new ImageRejectedException(ImageRejection.Undecodable, $"The {format} image could not be read: its data are damaged.");

            CheckLimits(codec, format);
            var size = NativeDecodeSize(codec, _options.WorkingSize);
            CheckFullSize(codec, size, format);
            using var share = TakeShare(DecodeBytes(codec, size, header), clock);

            // Each decoder call runs to its end; the clock is checked around them, so that what one decoder gave up on
            // after spending the request's time is not decoded again by the other.
            clock?.Check();
            var gray = DecodeJpegToGray(encoded, format, size);
            clock?.Check();
            gray ??= DecodeFirstFrame(codec, size, format);
            clock?.Check();
            var oriented = Orient(gray, codec.EncodedOrigin);
            var reduced = ReduceToWorkingSize(oriented);

            // Boxes found on the reduced image are reported in the uploaded image's own pixels.
            var (sourceWidth, sourceHeight) = oriented.Width == gray.Width
                ? (codec.Info.Width, codec.Info.Height)
                : (codec.Info.Height, codec.Info.Width);
            return new GrayImage(reduced.Width, reduced.Height, reduced.Pixels)
            {
                SourceScaleX = (double)sourceWidth / reduced.Width,
                SourceScaleY = (double)sourceHeight / reduced.Height,
            };
        }
    }

    /// <inheritdoc/>
    public byte[] EncodePng(GrayImage image)
    {
        var info = new SKImageInfo(image.Width, image.Height, SKColorType.Gray8, SKAlphaType.Opaque);
        var handle = GCHandle.Alloc(image.Pixels, GCHandleType.Pinned);
        try
        {
            using var pixmap = new SKPixmap(info, handle.AddrOfPinnedObject());
            using var png = pixmap.Encode(SKEncodedImageFormat.Png, 100)
                ?? throw new InvalidOperationException("SkiaSharp could not encode a PNG.");
            return png.ToArray();
        }
        finally
        {
            handle.Free();
        }
    }

    private MemoryBudget.Share TakeShare(long bytes, DecodeClock? clock) => bytes <= _budget.Bytes
        ? _budget.Take(bytes, clock?.Token ?? CancellationToken.None)
        : throw new ImageRejectedException(ImageRejection.TooLarge,
            $"Decoding this image needs about {bytes / (1024 * 1024):N0} MiB; the service decodes within {_budget.Bytes / (1024 * 1024):N0} MiB (Imaging:DecodeMemoryBytes). Send a smaller image.");

    private void CheckHeader(EncodedHeader header, ImageFormat format)
    {
        CheckSize(header.Width, header.Height, format);
        if (header.Interlaced && (long)header.Width * header.Height > _options.MaxInterlacedPixels)
        {
            throw new ImageRejectedException(ImageRejection.TooLarge,
                $"The PNG is interlaced (Adam7) and {header.Width}x{header.Height} pixels; interlaced images are accepted up to {_options.MaxInterlacedPixels:N0} pixels (Imaging:MaxInterlacedPixels). Save it without interlacing, or smaller.");
        }

        if (header.Scans > _options.MaxJpegScans)
        {
            throw new ImageRejectedException(ImageRejection.TooCostly,
                $"The progressive JPEG has more than {_options.MaxJpegScans} scans (Imaging:MaxJpegScans); encoders write at most about 12. Save it as a baseline JPEG.");
        }
    }

    private void CheckLimits(SKCodec codec, ImageFormat format)
    {
        CheckSize(codec.Info.Width, codec.Info.Height, format);

        if (codec.FrameCount > _options.MaxFrames)
        {
            throw new ImageRejectedException(ImageRejection.TooLarge,
                $"The image has {codec.FrameCount} frames; the limit is {_options.MaxFrames}.");
        }
    }

    private void CheckSize(int width, int height, ImageFormat format)
    {
        if (width <= 0 || height <= 0)
        {
            throw new ImageRejectedException(ImageRejection.Undecodable, $"The {format} header declares no pixels.");
        }

        if (width > _options.MaxSide || height > _options.MaxSide || (long)width * height > _options.MaxPixels)
        {
            throw new ImageRejectedException(ImageRejection.TooLarge,
                $"The image is {width}x{height} pixels; the limit is {_options.MaxPixels:N0} pixels and {_options.MaxSide} per side (Imaging:MaxPixels, Imaging:MaxSide).");
        }
    }

    // Formats without a reduced decode cost memory for every pixel: they have a lower limit.
    private void CheckFullSize(SKCodec codec, SKSizeI size, ImageFormat format)
    {
        var full = codec.Info.Size;
        if (size == full && (long)full.Width * full.Height > _options.MaxFullSizePixels)
        {
            throw new ImageRejectedException(ImageRejection.TooLarge,
                $"The {format} image is {full.Width}x{full.Height} pixels; images decoded at full size (PNG, GIF, BMP) are accepted up to {_options.MaxFullSizePixels:N0} pixels (Imaging:MaxFullSizePixels). Send a JPEG, or a smaller image.");
        }
    }

    /// <summary>
    /// The memory a decode holds at its peak, estimated from the header: the decoded frame (RGBA and its gray, or
    /// gray alone) and the copies made after it; an interlaced PNG's whole frame inside the codec; a progressive
    /// JPEG's coefficients, kept at full size whatever the output scale.
    /// </summary>
    internal static long DecodeBytes(SKCodec codec, SKSizeI size, EncodedHeader? header)
    {
        var pixels = (long)size.Width * size.Height;
        var full = (long)codec.Info.Width * codec.Info.Height;
        var gray = codec.Info.ColorType == SKColorType.Gray8 && codec.Info.AlphaType == SKAlphaType.Opaque;
        var bytes = pixels * (gray ? 2 : 6);
        if (header is { Interlaced: true })
        {
            bytes += full * 4;
        }

        if (header is { Progressive: true } jpeg)
        {
            bytes += full * Math.Max(1, jpeg.Components) * 2;
        }

        return bytes;
    }

    /// <summary>
    /// The smallest size the codec decodes to natively that still has <paramref name="workingSize"/> pixels on
    /// its long side: JPEG decodes at any eighth (1/8 ... 7/8) inside libjpeg-turbo and WebP at any size, so
    /// a 12-megapixel photo is never expanded in full to produce 28x28. Other formats decode at full size.
    /// </summary>
    internal static SKSizeI NativeDecodeSize(SKCodec codec, int workingSize)
    {
        var full = codec.Info.Size;
        var longSide = Math.Max(full.Width, full.Height);
        if (longSide <= workingSize)
        {
            return full;
        }

        // The codec rounds a requested scale to one it supports, up or down: take the first that is large enough.
        var wanted = (float)workingSize / longSide;
        var scaled = codec.GetScaledDimensions(wanted);
        for (var eighths = (int)MathF.Ceiling(wanted * 8); Math.Max(scaled.Width, scaled.Height) < workingSize && eighths <= 8; eighths++)
        {
            scaled = codec.GetScaledDimensions(eighths / 8f);
        }

        return Math.Max(scaled.Width, scaled.Height) >= workingSize ? scaled : full;
    }

    // Null when TurboJPEG is not in use, the upload is no JPEG, or TurboJPEG did not decode it cleanly.
    private GrayImage? DecodeJpegToGray(ReadOnlySpan<byte> encoded, ImageFormat format, SKSizeI size)
    {
        if (_turboJpeg is null || format != ImageFormat.Jpeg)
        {
            return null;
        }

        var gray = GC.AllocateUninitializedArray<byte>(size.Width * size.Height);
        return _turboJpeg.TryDecodeGray(encoded, size.Width, size.Height, gray) ? new GrayImage(size.Width, size.Height, gray) : null;
    }

    private static GrayImage DecodeFirstFrame(SKCodec codec, SKSizeI size, ImageFormat format)
    {
        var (width, height) = (size.Width, size.Height);
        if (codec.Info.ColorType == SKColorType.Gray8 && codec.Info.AlphaType == SKAlphaType.Opaque)
        {
            // Gray without alpha (MNIST-style PNGs, gray JPEGs): decode straight into the result.
            var gray = GC.AllocateUninitializedArray<byte>(width * height);
            GetPixels(codec, new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque), gray, format);
            return new GrayImage(width, height, gray);
        }

        // Colour and alpha: RGBA into pooled memory (large, short-lived: it would otherwise land on the large
        // object heap on every request), then flattened to gray.
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgba = LargeBuffers.Rent(info.BytesSize);
        try
        {
            GetPixels(codec, info, rgba, format);
            return new GrayImage(width, height, RgbaFlattener.ToGray(rgba.AsSpan(0, info.BytesSize), width, height));
        }
        finally
        {
            LargeBuffers.Return(rgba);
        }
    }

    private static unsafe void GetPixels(SKCodec codec, SKImageInfo info, byte[] target, ImageFormat format)
    {
        fixed (byte* pixels = target)
        {
            var result = codec.GetPixels(info, (IntPtr)pixels, new SKCodecOptions(0));
            if (result != SKCodecResult.Success)
            {
                throw new ImageRejectedException(ImageRejection.Undecodable,
                    $"The {format} image is damaged or truncated ({result}).");
            }
        }
    }

    private static GrayImage Orient(GrayImage image, SKEncodedOrigin origin)
    {
        if ((int)origin <= (int)SKEncodedOrigin.TopLeft)
        {
            return image;
        }

        var (w, h) = (image.Width, image.Height);
        var swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var (ow, oh) = swap ? (h, w) : (w, h);
        var result = new byte[w * h];
        for (var y = 0; y < oh; y++)
        {
            for (var x = 0; x < ow; x++)
            {
                // (sx, sy): the stored pixel that appears at display position (x, y).
                var (sx, sy) = origin switch
                {
                    SKEncodedOrigin.TopRight => (w - 1 - x, y),
                    SKEncodedOrigin.BottomRight => (w - 1 - x, h - 1 - y),
                    SKEncodedOrigin.BottomLeft => (x, h - 1 - y),
                    SKEncodedOrigin.LeftTop => (y, x),
                    SKEncodedOrigin.RightTop => (y, h - 1 - x),
                    SKEncodedOrigin.RightBottom => (w - 1 - y, h - 1 - x),
                    SKEncodedOrigin.LeftBottom => (w - 1 - y, x),
                    _ => (x, y),
                };
                result[(y * ow) + x] = image.Pixels[(sy * w) + sx];
            }
        }

        return new GrayImage(ow, oh, result);
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "JPEG decoder: {Decoder:l} (Imaging:JpegDecoder = {Setting})")]
    private static partial void LogJpegDecoder(ILogger logger, string decoder, JpegDecoder setting);

    private GrayImage ReduceToWorkingSize(GrayImage image)
    {
        var longSide = Math.Max(image.Width, image.Height);
        if (longSide <= _options.WorkingSize)
        {
            return image;
        }

        // Area averaging: thin strokes fade instead of breaking up.
        var scale = (double)_options.WorkingSize / longSide;
        var width = Math.Max(1, (int)Math.Round(image.Width * scale));
        var height = Math.Max(1, (int)Math.Round(image.Height * scale));
        return new GrayImage(width, height, AreaResampler.Resample(image.Pixels, image.Width, image.Height, width, height));
    }
}
