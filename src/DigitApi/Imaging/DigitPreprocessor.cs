namespace DigitApi.Imaging;

/// <summary>A digit ready for a model: 28x28 values in [0, 1] (ink bright), where it was found, and how coarse its source.</summary>
/// <param name="Pixels">The 28x28 values, row by row.</param>
/// <param name="Box">The ink's box in the upload's pixels.</param>
/// <param name="SourceSide">The longer side of the image the digit was read from, in that image's own pixels: the upload's
/// size, or, where the upload is a scan enlarged in whole-pixel blocks or smoothly, the scan's (an 8x8 scan saved at 64x64
/// or 280x280 reads 8).
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
        // The image at its own resolution, an enlargement in whole-pixel blocks or a smooth one of a low-resolution scan
        // undone: how coarse the digit's source is.
        var blocksUndone = PixelBlocks.Undo(image);
        if (InkExtractor.IsCrop(image.Width, image.Height))
        {
            // A crop is read from its own pixels when it was enlarged in whole-pixel blocks (an 8x8 scan shown at
            // 32x32) or smoothly (at 28x28 as image libraries enlarge): read from the enlargement, its grey cells went
            // to the cut for two-level bitmaps and their stair-step edges became strokes, or its soft grey strokes
            // went as a blurred drawing, not a digit.
            return AsCrop(OwnPixels(image, blocksUndone), image, clock);
        }

        var digit = Prepare(image, crop: false, SideOf(blocksUndone, image), clock);
        var own = OwnPixels(image, blocksUndone);
        var enlargedScan = !ReferenceEquals(own, image) && InkExtractor.IsLowResolution(own.Width, own.Height);
        if (!enlargedScan && !ConnectedComponents.ReachesEdgeToEdge(digit.Box, image.Width, image.Height))
        {
            return digit;
        }

        // A digit reaching from one edge of a larger image to the other is a crop enlarged (a postal scan or a form's
        // bitmap shown bigger): read as a page, the strokes along its border went as a frame and a bold digit's ink
        // as shading. So is a low-resolution scan enlarged, whose faint edge cells a page's threshold may leave short
        // of the edges. Read as a crop, from its own pixels, unless that finds nothing.
        try
        {
            return AsCrop(own, image, clock);
        }
        catch (ImageRejectedException e) when (e.Reason == ImageRejection.NoDigitFound)
        {
            return digit;
        }
    }

    // The image at its own resolution: its blocks undone, or else a smooth enlargement of a low-resolution scan.
    private static GrayImage OwnPixels(GrayImage image, GrayImage blocksUndone) =>
        ReferenceEquals(blocksUndone, image) ? SmoothEnlargement.Undo(image) : blocksUndone;

    // The digit read as a crop from the image's own pixels (the upload itself, or its enlargement undone), its box in
    // the upload's pixels.
    private static PreparedDigit AsCrop(GrayImage own, GrayImage image, DecodeClock? clock)
    {
        var digit = Prepare(own, crop: true, SideOf(own, image), clock);
        return digit with { Box = digit.Box.Scale((double)image.Width / own.Width, (double)image.Height / own.Height) };
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

        var widthFactor = crop && IsStretchedSquare(ink) ? StretchedSquareWidth : 1;
        var pixels = DigitNormalizer.Normalize(ink, labels, kept.Select(c => c.Label).ToHashSet(), box, widthFactor);
        return new PreparedDigit(pixels, box, sourceSide);
    }

    // Postal and form readers that size-normalise both ways store a digit stretched over a whole square (a 1 with a
    // flag becomes a bar across the top of a thick stem); MNIST kept each digit's aspect, so its models read that 1 as a
    // 7 or a 4. Such a crop is narrowed to three quarters of its height before the fit, about a written digit's
    // aspect. Chosen on the stretched kinds of AccuracyByKindTests and AccuracyTests; the aspect-kept kinds there do not
    // move.
    private const double StretchedSquareWidth = 0.75;

    // The smallest square a reader stretches digits onto: an 8x8 block count comes from NIST's 20x32 box, not a
    // stretched square, and narrowing it lost a little.
    private const int StretchedSquareMinSide = 12;

    // A low-resolution square crop whose ink reaches into the outer two rows or columns on all four sides: a digit
    // stretched to fill it, as no written digit fills a square.
    private static bool IsStretchedSquare(InkImage ink)
    {
        if (ink.Width != ink.Height || ink.Width < StretchedSquareMinSide || !InkExtractor.IsLowResolution(ink.Width, ink.Height))
        {
            return false;
        }

        var (top, bottom, left, right) = (false, false, false, false);
        for (var y = 0; y < ink.Height; y++)
        {
            for (var x = 0; x < ink.Width; x++)
            {
                if (ink.Ink[(y * ink.Width) + x] < StretchedSquareInk)
                {
                    continue;
                }

                top |= y < StretchedSquareBand;
                bottom |= y >= ink.Height - StretchedSquareBand;
                left |= x < StretchedSquareBand;
                right |= x >= ink.Width - StretchedSquareBand;
            }
        }

        return top && bottom && left && right;
    }

    // Ink that counts (half of full) and how far in from each side it must reach (two pixels, a stroke's width there).
    private const byte StretchedSquareInk = 128;
    private const int StretchedSquareBand = 2;

    // The longer side of the image the digit is read from: the decoded upload's, in the upload's pixels (a large JPEG
    // is decoded at a fraction of its size), or, where it is the scan an enlargement was made from, the scan's.
    internal static int SideOf(GrayImage source, GrayImage decoded) => ReferenceEquals(source, decoded)
        ? (int)Math.Round(Math.Max(decoded.Width * decoded.SourceScaleX, decoded.Height * decoded.SourceScaleY))
        : Math.Max(source.Width, source.Height);

    /// <summary>
    /// The blobs that make up the digit: all but frames and edges along the border, on a photo areas its border cuts
    /// (lit paper beside a shadow), on a page thin lines from one edge to the other (a margin), the leftovers of paper
    /// lines, faint or soft-edged shading and specks, and on a page of lines, what lies scattered far from the pen.
    /// </summary>
    public static List<InkComponent> DigitComponents(InkImage ink, int[] labels, IReadOnlyList<InkComponent> components)
    {
        var side = MinDigitSide(ink.Width, ink.Height);
        var offEdges = ConnectedComponents.WithoutEdgeArtifacts(components, labels, ink.Width, ink.Height);
        var onPhoto = ink.Photo ? ConnectedComponents.WithoutAreasAlongBorder(offEdges, labels, ink.Width, ink.Height) : offEdges;
        var onPage = ink.Crop ? offEdges : ConnectedComponents.WithoutLinesAcross(onPhoto, ink.Width, ink.Height);
        var kept = OnPaper(ink, labels, onPage);

        // On an image read as a crop, a digit cut tight (scanned and cut to its box, as postal and form readers store
        // them) touches the border all round, and a 0's ring or a 7's bar lies mostly along it:
        // when nothing digit-sized is left without the blobs along the border, they are the digit.
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

    /// <summary>A mark smaller than this is a speck, not a digit.</summary>
    public static int MinDigitSide(GrayImage image) => MinDigitSide(image.Width, image.Height);

    private static int MinDigitSide(int width, int height) => Math.Max(4, Math.Max(width, height) / 50);

    public static ImageRejectedException NoDigit() =>
        new(ImageRejection.NoDigitFound, "No digit found: the image looks blank. Write or draw a digit with clear contrast to the background.");
}
