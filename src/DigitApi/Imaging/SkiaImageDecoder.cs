using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace DigitApi.Imaging;

/// <summary>
/// The only type that touches SkiaSharp (see DESIGN.md): replacing the image library means replacing this file.
/// </summary>
public sealed class SkiaImageDecoder(IOptions<ImageOptions> options) : IImageDecoder
{
    private static readonly float[] NativeScales = [0.125f, 0.25f, 0.5f];
    private readonly ImageOptions _options = options.Value;

    /// <inheritdoc/>
    public GrayImage Decode(ReadOnlySpan<byte> encoded)
    {
        var format = ImageFormatSniffer.Sniff(encoded);
        if (format == ImageFormat.Unknown)
        {
            throw new ImageRejectedException(ImageRejection.UnsupportedFormat,
                $"The upload is not a supported image. Send one of: {string.Join(", ", ImageFormatSniffer.SupportedMediaTypes)}.");
        }

        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data)
            ?? throw new ImageRejectedException(ImageRejection.Undecodable, $"The {format} image could not be read: its data are damaged.");

        CheckLimits(codec, format);
        var size = ChooseDecodeSize(codec);
        var rgba = DecodeFirstFrame(codec, size, format);
        var gray = ToGrayOnBackground(rgba, size.Width, size.Height);
        var oriented = Orient(gray, codec.EncodedOrigin);
        var reduced = ReduceToWorkingSize(oriented);

        // Boxes found on the reduced image are reported in the uploaded image's own pixels.
        var (sourceWidth, sourceHeight) = oriented.Width == size.Width
            ? (codec.Info.Width, codec.Info.Height)
            : (codec.Info.Height, codec.Info.Width);
        return new GrayImage(reduced.Width, reduced.Height, reduced.Pixels)
        {
            SourceScaleX = (double)sourceWidth / reduced.Width,
            SourceScaleY = (double)sourceHeight / reduced.Height,
        };
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

    private void CheckLimits(SKCodec codec, ImageFormat format)
    {
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width <= 0 || height <= 0)
        {
            throw new ImageRejectedException(ImageRejection.Undecodable, $"The {format} header declares no pixels.");
        }

        if (width > _options.MaxSide || height > _options.MaxSide || (long)width * height > _options.MaxPixels)
        {
            throw new ImageRejectedException(ImageRejection.TooLarge,
                $"The image is {width}x{height} pixels; the limit is {_options.MaxPixels:N0} pixels and {_options.MaxSide} per side.");
        }

        if (codec.FrameCount > _options.MaxFrames)
        {
            throw new ImageRejectedException(ImageRejection.TooLarge,
                $"The image has {codec.FrameCount} frames; the limit is {_options.MaxFrames}.");
        }
    }

    // JPEG and WebP decode natively at 1/2, 1/4 or 1/8: take the smallest that keeps the working size.
    private SKSizeI ChooseDecodeSize(SKCodec codec)
    {
        var full = codec.Info.Size;
        foreach (var scale in NativeScales)
        {
            var scaled = codec.GetScaledDimensions(scale);
            if (scaled != full && Math.Max(scaled.Width, scaled.Height) >= _options.WorkingSize)
            {
                return scaled;
            }
        }

        return full;
    }

    private static byte[] DecodeFirstFrame(SKCodec codec, SKSizeI size, ImageFormat format)
    {
        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgba = GC.AllocateUninitializedArray<byte>(info.BytesSize);
        var handle = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        try
        {
            var result = codec.GetPixels(info, handle.AddrOfPinnedObject(), new SKCodecOptions(0));
            if (result != SKCodecResult.Success)
            {
                throw new ImageRejectedException(ImageRejection.Undecodable,
                    $"The {format} image is damaged or truncated ({result}).");
            }
        }
        finally
        {
            handle.Free();
        }

        return rgba;
    }

    // Transparent canvases get the background that contrasts with their strokes: white behind dark ink,
    // black behind light ink, so that a white-on-transparent drawing does not vanish.
    private static GrayImage ToGrayOnBackground(byte[] rgba, int width, int height)
    {
        var count = width * height;
        var luma = GC.AllocateUninitializedArray<byte>(count);
        long opaqueLuma = 0, opaqueCount = 0, transparentCount = 0;
        for (int i = 0, p = 0; i < count; i++, p += 4)
        {
            var y = (byte)(((rgba[p] * 77) + (rgba[p + 1] * 150) + (rgba[p + 2] * 29) + 128) >> 8);
            luma[i] = y;
            var a = rgba[p + 3];
            if (a > 127)
            {
                opaqueLuma += y;
                opaqueCount++;
            }
            else
            {
                transparentCount++;
            }
        }

        if (transparentCount == 0 && opaqueCount == count)
        {
            var allOpaque = true;
            for (var p = 3; p < rgba.Length; p += 4)
            {
                if (rgba[p] != 255)
                {
                    allOpaque = false;
                    break;
                }
            }

            if (allOpaque)
            {
                return new GrayImage(width, height, luma);
            }
        }

        var lightStrokes = transparentCount > count / 20 && opaqueCount > 0 && opaqueLuma / opaqueCount > 127;
        var background = lightStrokes ? 0 : 255;
        for (int i = 0, p = 3; i < count; i++, p += 4)
        {
            var a = rgba[p];
            luma[i] = (byte)(((luma[i] * a) + (background * (255 - a)) + 127) / 255);
        }

        return new GrayImage(width, height, luma);
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

    private GrayImage ReduceToWorkingSize(GrayImage image)
    {
        var longSide = Math.Max(image.Width, image.Height);
        if (longSide <= _options.WorkingSize)
        {
            return image;
        }

        var scale = (double)_options.WorkingSize / longSide;
        var width = Math.Max(1, (int)Math.Round(image.Width * scale));
        var height = Math.Max(1, (int)Math.Round(image.Height * scale));
        var source = GCHandle.Alloc(image.Pixels, GCHandleType.Pinned);
        var pixels = new byte[width * height];
        var target = GCHandle.Alloc(pixels, GCHandleType.Pinned);
        try
        {
            using var from = new SKPixmap(new SKImageInfo(image.Width, image.Height, SKColorType.Gray8, SKAlphaType.Opaque), source.AddrOfPinnedObject());
            using var to = new SKPixmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque), target.AddrOfPinnedObject());
            using var image2 = SKImage.FromPixels(from);
            // Mipmapped sampling averages whole areas, so thin strokes fade instead of breaking up.
            image2.ScalePixels(to, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        }
        finally
        {
            source.Free();
            target.Free();
        }

        return new GrayImage(width, height, pixels);
    }
}
