using SkiaSharp;

namespace DigitApi.Tests;

/// <summary>Encodes test digits the way users send them: files in every accepted format, on paper or canvases.</summary>
public static class TestImages
{
    /// <summary>An 8-bit gray bitmap from MNIST-style pixels (or any gray buffer).</summary>
    public static SKBitmap Gray(byte[] pixels, int width, int height)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        return bitmap;
    }

    public static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format = SKEncodedImageFormat.Png, int quality = 95)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, quality);
        return data.ToArray();
    }

    /// <summary>The MNIST digit as a plain 28x28 gray PNG.</summary>
    public static byte[] MnistPng(byte[] pixels)
    {
        using var bitmap = Gray(pixels, 28, 28);
        return Encode(bitmap);
    }

    /// <summary>
    /// The digit as a user would send it: dark ink on light paper (<paramref name="invert"/>), upscaled
    /// <paramref name="scale"/> times onto a larger canvas at an off-centre position, in <paramref name="format"/>.
    /// </summary>
    public static byte[] Presented(byte[] pixels, bool invert, int scale, int canvas, int left, int top, SKEncodedImageFormat format, int quality = 90)
    {
        using var digit = Gray(invert ? pixels.Select(p => (byte)(255 - p)).ToArray() : pixels, 28, 28);
        using var bitmap = new SKBitmap(new SKImageInfo(canvas, canvas, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var surface = new SKCanvas(bitmap))
        {
            surface.Clear(invert ? SKColors.White : SKColors.Black);
            using var image = SKImage.FromBitmap(digit);
            surface.DrawImage(image, SKRect.Create(left, top, 28 * scale, 28 * scale), new SKSamplingOptions(SKCubicResampler.Mitchell));
        }

        return Encode(bitmap, format, quality);
    }

    /// <summary>
    /// The digit sheared upright, as form readers do before they size-normalise (NIST's form system): each row shifted
    /// so that the ink's second moments show no slant. <paramref name="pixels"/>: light ink on black, <paramref name="width"/> wide.
    /// </summary>
    public static byte[] Deslanted(byte[] pixels, int width)
    {
        var height = pixels.Length / width;
        double sum = 0, sx = 0, sy = 0;
        for (var i = 0; i < pixels.Length; i++)
        {
            sum += pixels[i];
            sx += pixels[i] * (i % width);
            sy += pixels[i] * (i / width);
        }

        if (sum == 0)
        {
            return pixels;
        }

        var (cx, cy) = (sx / sum, sy / sum);
        double xy = 0, yy = 0;
        for (var i = 0; i < pixels.Length; i++)
        {
            var (dx, dy) = ((i % width) - cx, (i / width) - cy);
            xy += pixels[i] * dx * dy;
            yy += pixels[i] * dy * dy;
        }

        var shear = xy / yy;
        var upright = new byte[pixels.Length];
        for (var y = 0; y < height; y++)
        {
            var shift = shear * (y - cy);
            for (var x = 0; x < width; x++)
            {
                var from = x + shift;
                var x0 = (int)Math.Floor(from);
                var t = from - x0;
                double At(int c) => c >= 0 && c < width ? pixels[(y * width) + c] : 0;
                upright[(y * width) + x] = (byte)Math.Round(((1 - t) * At(x0)) + (t * At(x0 + 1)));
            }
        }

        return upright;
    }

    /// <summary>The width of the box NIST's form system stretches every digit onto, over its height: 20x32 pixels.</summary>
    public const double NistFormAspect = 20.0 / 32;

    // A form bitmap's ink: the grey square's pixels over this level.
    private const byte BitmapInkAbove = 100;

    /// <summary>
    /// The digit as postal and form readers store one: cut to its ink's box and scaled, aspect kept, to fill a
    /// <paramref name="side"/> x <paramref name="side"/> square, centred, so that it touches the border on two sides
    /// at least; light ink on black (a 16x16 postal scan) or, <paramref name="bitmap"/>, black ink on white in two levels
    /// only (a 32x32 form bitmap). <paramref name="pixels"/>: light ink on black, <paramref name="width"/> wide.
    /// <paramref name="enlarge"/>: shown that many times bigger, as a viewer would (a bitmap's pixels as blocks, a
    /// scan smoothly). <paramref name="stretchedTo"/>: the box stretched, whatever the digit's own shape, onto one that
    /// many times as wide as the square is tall, as readers that size-normalise both ways store it (NIST's form system:
    /// <see cref="NistFormAspect"/> in a 32x32 bitmap; a scan filling its square, 1); a 1 comes as wide as a 0.
    /// </summary>
    public static byte[] TightCrop(byte[] pixels, int side, bool bitmap, int width = 28, int enlarge = 1, double? stretchedTo = null)
    {
        using var square = Fitted(pixels, width, side, stretchedTo);
        if (bitmap)
        {
            var levels = square.Bytes.Select(v => v > BitmapInkAbove ? (byte)0 : (byte)255).ToArray();
            using var twoLevel = Gray(levels, side, side);
            using var blocks = enlarge > 1 ? Enlarged(twoLevel, enlarge, SKFilterMode.Nearest) : null;
            return Encode(blocks ?? twoLevel);
        }

        using var smooth = enlarge > 1 ? Enlarged(square, enlarge, SKFilterMode.Linear) : null;
        return Encode(smooth ?? square);
    }

    /// <summary>
    /// The digit as the UCI optical digits (scikit-learn's <c>load_digits</c>) store one: NIST's 32x32 form bitmap
    /// (see <see cref="TightCrop"/>, stretched to <see cref="NistFormAspect"/>) counted in 4x4 blocks, an 8x8 image of
    /// 0-16 shown as grey levels, dark ink on white. <paramref name="shownAt"/>: shown that many pixels a side, in
    /// whole or uneven blocks (nearest neighbour) or, <paramref name="smoothly"/>, by cubic interpolation, as image
    /// libraries enlarge by default. <paramref name="levels"/>: how the counts are stored (see <see cref="ScanLevels"/>).
    /// </summary>
    public static byte[] CoarseScan(byte[] pixels, int width = 28, int shownAt = 8, bool smoothly = false, ScanLevels levels = ScanLevels.Shades)
    {
        const int side = 32, block = 4, coarse = side / block;
        using var square = Fitted(pixels, width, side, NistFormAspect);
        var bytes = square.Bytes;
        var counts = new byte[coarse * coarse];
        for (var i = 0; i < bytes.Length; i++)
        {
            counts[((i / side / block) * coarse) + (i % side / block)] += bytes[i] > BitmapInkAbove ? (byte)1 : (byte)0;
        }

        using var scan = Gray(counts.Select(n => levels switch
        {
            ScanLevels.Counts => n,
            ScanLevels.CountsLeft => (byte)((block * block) - n),
            _ => (byte)(255 - (n * 255 / (block * block))),
        }).ToArray(), coarse, coarse);
        using var shown = shownAt != coarse ? Resized(scan, shownAt, smoothly ? new SKSamplingOptions(SKCubicResampler.CatmullRom) : new SKSamplingOptions(SKFilterMode.Nearest)) : null;
        return Encode(shown ?? scan);
    }

    // The digit's ink box (pixels over 30), light on black, scaled into a side x side square: aspect kept, or stretched
    // onto a box stretchedTo times as wide as tall.
    private static SKBitmap Fitted(byte[] pixels, int width, int side, double? stretchedTo)
    {
        var height = pixels.Length / width;
        var (left, top, right, bottom) = (width, height, -1, -1);
        for (var i = 0; i < pixels.Length; i++)
        {
            if (pixels[i] > 30)
            {
                (left, top, right, bottom) = (Math.Min(left, i % width), Math.Min(top, i / width), Math.Max(right, i % width), Math.Max(bottom, i / width));
            }
        }

        var (w, h) = (right - left + 1, bottom - top + 1);
        var scale = (float)side / Math.Max(w, h);
        var (dw, dh) = stretchedTo is { } aspect ? ((int)Math.Round(side * aspect), side) : (Math.Max(1, (int)Math.Round(w * scale)), Math.Max(1, (int)Math.Round(h * scale)));
        using var digit = Gray(pixels, width, height);
        var square = new SKBitmap(new SKImageInfo(side, side, SKColorType.Gray8, SKAlphaType.Opaque));
        using (var surface = new SKCanvas(square))
        {
            surface.Clear(SKColors.Black);
            using var image = SKImage.FromBitmap(digit);
            surface.DrawImage(image, SKRect.Create(left, top, w, h), SKRect.Create((side - dw) / 2, (side - dh) / 2, dw, dh),
                new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear), null);
        }

        return square;
    }

    // The bitmap drawn `times` as big.
    private static SKBitmap Enlarged(SKBitmap bitmap, int times, SKFilterMode filter) => Resized(bitmap, bitmap.Width * times, new SKSamplingOptions(filter));

    // A square bitmap drawn onto side x side pixels.
    private static SKBitmap Resized(SKBitmap bitmap, int side, SKSamplingOptions sampling)
    {
        var big = new SKBitmap(new SKImageInfo(side, side, SKColorType.Gray8, SKAlphaType.Opaque));
        using var surface = new SKCanvas(big);
        using var image = SKImage.FromBitmap(bitmap);
        surface.DrawImage(image, SKRect.Create(bitmap.Width, bitmap.Height), SKRect.Create(side, side), sampling, null);
        return big;
    }

    /// <summary>The digit as a browser canvas export: black strokes with alpha on a transparent 280x280 PNG.</summary>
    public static byte[] TransparentCanvas(byte[] pixels, int canvas = 280)
    {
        using var mask = new SKBitmap(new SKImageInfo(28, 28, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var rgba = new byte[28 * 28 * 4];
        for (var i = 0; i < pixels.Length; i++)
        {
            rgba[(i * 4) + 3] = pixels[i]; // black ink, opacity = ink
        }

        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, mask.GetPixels(), rgba.Length);
        using var bitmap = new SKBitmap(new SKImageInfo(canvas, canvas, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var surface = new SKCanvas(bitmap))
        {
            surface.Clear(SKColors.Transparent);
            using var image = SKImage.FromBitmap(mask);
            surface.DrawImage(image, SKRect.Create(0, 0, canvas, canvas), new SKSamplingOptions(SKCubicResampler.Mitchell));
        }

        return Encode(bitmap);
    }
}

/// <summary>How an 8x8 scan of 4x4 block counts is stored as an 8-bit image (<see cref="TestImages.CoarseScan"/>).</summary>
public enum ScanLevels
{
    /// <summary>As grey levels over the full range, dark ink on white, as a viewer shows the scan.</summary>
    Shades,

    /// <summary>The counts themselves, 0-16 of 255: faint light ink on black (<c>Image.fromarray(digits.images[i])</c>).</summary>
    Counts,

    /// <summary>16 less the counts, dark ink on a paper of 16 of 255: the counts turned to dark ink and saved unscaled.</summary>
    CountsLeft,
}
