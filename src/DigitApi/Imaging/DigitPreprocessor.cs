namespace DigitApi.Imaging;

/// <summary>A digit ready for a model: 28x28 values in [0, 1] (ink bright), where it was found, and how coarse its source.</summary>
/// <param name="Pixels">The 28x28 values, row by row.</param>
/// <param name="Box">The ink's box in the upload's pixels.</param>
/// <param name="SourceSide">The longer side of the image the digit was read from, in that image's own pixels: the upload's
/// size, or, where the upload was enlarged in whole-pixel blocks, its size before (an 8x8 scan saved at 64x64 reads 8).
/// The model cards' line for low-resolution scans goes by it (see <c>NotADigitSpec.LowResolution</c>).</param>
public sealed record PreparedDigit(float[] Pixels, PixelBox Box, int SourceSide);

/// <summary>Upload bytes to the 28x28 digit MNIST models expect: decode, find the ink, normalise.</summary>
public sealed class DigitPreprocessor(IImageDecoder decoder)
{
    public IImageDecoder Decoder { get; } = decoder;

    /// <param name="encoded">The upload.</param>
    /// <param name="clock">The request's decode time, checked between the stages; none: no limit.</param>
    /// <exception cref="ImageRejectedException">Unreadable input, no digit on it, or the clock ran out.</exception>
    public PreparedDigit Prepare(ReadOnlySpan<byte> encoded, DecodeClock? clock = null) => Prepare(Decoder.Decode(encoded, clock), clock);

    public static PreparedDigit Prepare(GrayImage image, DecodeClock? clock = null)
    {
        // The image at its own resolution, an enlargement in whole-pixel blocks undone: how coarse the digit's source is.
        var own = PixelBlocks.Undo(image);
        var sourceSide = SideOf(own.Width, own.Height, image);
        var crop = InkExtractor.IsCrop(image.Width, image.Height);
        var digit = Prepare(image, crop, sourceSide, clock);
        if (crop || !ReachesEdgeToEdge(digit.Box, image.Width, image.Height))
        {
            return digit;
        }

        // A digit reaching from one edge of a larger image to the other is a crop enlarged (a postal scan or a form's
        // bitmap shown bigger): read as a page, the strokes along its border went as a frame and a bold digit's ink
        // as shading. Read as a crop, from its own pixels when it was enlarged in whole-pixel blocks, unless that
        // finds nothing.
        try
        {
            var asCrop = Prepare(own, crop: true, sourceSide, clock);
            return asCrop with { Box = asCrop.Box.Scale((double)image.Width / own.Width, (double)image.Height / own.Height) };
        }
        catch (ImageRejectedException e) when (e.Reason == ImageRejection.NoDigitFound)
        {
            return digit;
        }
    }

    private static PreparedDigit Prepare(GrayImage image, bool crop, int sourceSide, DecodeClock? clock)
    {
        var ink = InkExtractor.Extract(image, crop) ?? throw NoDigit();
        clock?.Check();
        var (labels, components) = ConnectedComponents.Label(ink);
        var kept = DigitComponents(ink, labels, components);
        if (kept.Count == 0)
        {
            throw NoDigit();
        }

        var box = ConnectedComponents.BoxOf(kept);
        if (Math.Max(box.Width, box.Height) < MinDigitSide(image))
        {
            throw NoDigit();
        }

        var pixels = DigitNormalizer.Normalize(ink, labels, kept.Select(c => c.Label).ToHashSet(), box);
        return new PreparedDigit(pixels, box, sourceSide);
    }

    // The longer side of width x height pixels of the decoded image, in the upload's pixels (a large JPEG is decoded
    // at a fraction of its size).
    internal static int SideOf(int width, int height, GrayImage decoded) =>
        (int)Math.Round(Math.Max(width * decoded.SourceScaleX, height * decoded.SourceScaleY));

    /// <summary>
    /// The blobs that make up the digit: all but frames and edges along the border, the leftovers of paper lines,
    /// faint or soft-edged shading and specks, and on a page of lines, what lies scattered far from the pen.
    /// </summary>
    public static List<InkComponent> DigitComponents(InkImage ink, int[] labels, IReadOnlyList<InkComponent> components)
    {
        var kept = OnPaper(ink, labels, ConnectedComponents.WithoutEdgeArtifacts(components, labels, ink.Width, ink.Height));

        // On an image read as a crop, a digit cut tight (scanned and cut to its box, as postal and form readers store
        // them) touches the border all round, and a 0's ring or a 7's bar lies mostly along it:
        // when nothing digit-sized is left without the blobs along the border, they are the digit.
        var side = MinDigitSide(ink.Width, ink.Height);
        return ink.Crop && !kept.Any(c => Math.Max(c.Box.Width, c.Box.Height) >= side) ? OnPaper(ink, labels, components) : kept;
    }

    // The leftovers of paper lines, faint or soft-edged shading and specks go; on lined paper, so does what lies
    // scattered far from the pen.
    private static List<InkComponent> OnPaper(InkImage ink, int[] labels, IReadOnlyList<InkComponent> components)
    {
        var offLines = ConnectedComponents.WithoutLineLeftovers(components, labels, ink.OnLines, ink.Width);
        var strong = ink.OnLines is null
            ? ConnectedComponents.WithoutFaintShading(offLines)
            : ConnectedComponents.WithoutFaintShading(offLines, FaintOnLinedPaper);
        var kept = ConnectedComponents.WithoutSpecks(ConnectedComponents.WithoutSoftShading(strong));
        return ink.OnLines is null ? kept : ConnectedComponents.WithoutScatteredLeftovers(kept, MinDigitSide(ink.Width, ink.Height));
    }

    // On ruled or squared paper, blobs fainter than this share of the strongest one's mean ink are not the digit: what
    // survives of the lines' removal is about half as strong as the pen (a line lighter than the ink, its blurred edges).
    private const double FaintOnLinedPaper = 0.6;

    // Top to bottom or left to right, within the band along the border where frames lie.
    private static bool ReachesEdgeToEdge(PixelBox box, int width, int height)
    {
        var band = ConnectedComponents.EdgeBand(width, height);
        return (box.Y < band && box.Bottom > height - band) || (box.X < band && box.Right > width - band);
    }

    /// <summary>A mark smaller than this is a speck, not a digit.</summary>
    public static int MinDigitSide(GrayImage image) => MinDigitSide(image.Width, image.Height);

    private static int MinDigitSide(int width, int height) => Math.Max(4, Math.Max(width, height) / 50);

    public static ImageRejectedException NoDigit() =>
        new(ImageRejection.NoDigitFound, "No digit found: the image looks blank. Write or draw a digit with clear contrast to the background.");
}
