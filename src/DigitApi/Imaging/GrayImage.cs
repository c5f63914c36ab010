namespace DigitApi.Imaging;

/// <summary>An 8-bit grayscale image, row-major, 0 = black.</summary>
public sealed class GrayImage
{
    public GrayImage(int width, int height, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (pixels.Length != width * height)
        {
            throw new ArgumentException($"Expected {width * height} pixels, got {pixels.Length}.", nameof(pixels));
        }

        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    public byte[] Pixels { get; }

    /// <summary>Pixels of the uploaded image (as displayed, after EXIF orientation) per pixel of this one, across.</summary>
    public double SourceScaleX { get; init; } = 1;

    /// <summary>Pixels of the uploaded image per pixel of this one, down.</summary>
    public double SourceScaleY { get; init; } = 1;

    public byte this[int x, int y] => Pixels[(y * Width) + x];
}
