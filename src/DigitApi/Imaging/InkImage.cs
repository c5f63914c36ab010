namespace DigitApi.Imaging;

/// <summary>
/// Ink as MNIST sees it: bright strokes on a black background, background flattened and contrast
/// stretched to 0..255, plus the binary mask of what counts as ink, and where paper lines were removed.
/// </summary>
public sealed class InkImage(int width, int height, byte[] ink, bool[] mask, bool[]? onLines = null, bool crop = false, bool photo = false)
{
    public int Width { get; } = width;

    public int Height { get; } = height;

    /// <summary>0 = background, 255 = full ink; soft edges are kept.</summary>
    public byte[] Ink { get; } = ink;

    /// <summary>True where a pixel is ink after thresholding.</summary>
    public bool[] Mask { get; } = mask;

    /// <summary>True along the ruled or squared paper's lines that were taken out of the ink; null when there were none.</summary>
    public bool[]? OnLines { get; } = onLines;

    /// <summary>Whether the image was read as a crop (a digit cut out of a scan), not a page.</summary>
    public bool Crop { get; } = crop;

    /// <summary>Whether the image is a photo of a page: not a crop, and not a drawing (whose canvas is of one exact value).</summary>
    public bool Photo { get; } = photo;
}
