using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace DigitApi.Imaging;

/// <summary>
/// Finds the ink on a grayscale image whatever the paper: decides polarity, removes uneven
/// background (shadows, off-white paper, vignetting) and the lines of ruled or squared paper,
/// stretches contrast and thresholds.
/// </summary>
public static class InkExtractor
{
    /// <summary>
    /// From this peak contrast (of 255) up, once the paper's shading is removed, an image holds ink whatever its paper:
    /// the grain and leftover shading of blank paper stay below it.
    /// </summary>
    public const int MinInkContrast = 32;

    /// <summary>
    /// Between this and <see cref="MinInkContrast"/>, ink is faint (a thin pencil line photographed on paper) and is
    /// taken only where it stands at least <see cref="FaintInkOverGrain"/> times as far above the paper as the paper's
    /// own grain does (the brightest tenth of the pixels, once the shading is removed); below it, the image is blank.
    /// </summary>
    public const int MinFaintInkContrast = 20;

    /// <summary>How many times the paper's grain faint ink must reach to count as ink.</summary>
    public const int FaintInkOverGrain = 3;

    /// <summary>
    /// Faint ink that reaches only this many times the grain still counts where it forms a stroke: a blob above the
    /// threshold at least <see cref="FaintStrokeLength"/> of the image's longer side long (on ruled or squared paper,
    /// also at least <see cref="FaintStrokeBreadth"/> as broad as long). The grain's own peaks stay specks of a pixel
    /// or three; what is left of a paper line is long but flat.
    /// </summary>
    public const double FaintStrokeOverGrain = 1.8;

    /// <summary>The length, as a share of the image's longer side, that makes faint ink a stroke rather than grain.</summary>
    public const double FaintStrokeLength = 0.04;

    /// <summary>On ruled or squared paper, a faint stroke's box is at least this share as broad as it is long.</summary>
    public const double FaintStrokeBreadth = 0.3;

    // Otsu's threshold never goes below this where the ink is strong, so that it does not split pure noise.
    private const int NoiseFloor = 20;

    /// <summary>
    /// An image this many pixels a side or fewer is a low-resolution scan (an 8x8 block-count scan, a 16x16 postal scan),
    /// as the model cards' line for such scans has it. In a crop this small a thin stroke survives only as faint cells (a
    /// pen one pixel wide in a 32x32 bitmap counts 4 of 16 in its 4x4 block): at a quarter of the peak they drop out and
    /// a 4 or a 7 loses its bar, so the threshold there is an eighth of the peak, still above the noise floor.
    /// </summary>
    public const int LowResolutionSide = 16;

    /// <summary>
    /// Ink whose peak is below this (of 255) is faint (pencil photographed on paper): at the threshold its strokes break
    /// into specks where the graphite thins, and the pixels between them that reach half the threshold, and twice the
    /// paper's grain, join the ink where they touch it (hysteresis). Stronger ink keeps the threshold alone: there the
    /// same rule would only widen every stroke by its soft edge, and the digit's box with it (canvases read worse).
    /// </summary>
    public const int FaintInkPeak = 64;

    /// <summary>Returns null when the image holds no ink worth the name.</summary>
    /// <param name="image">The image.</param>
    /// <param name="crop">Read it as a crop (a digit cut out of a scan) rather than a page; by default, when it is too
    /// small to be a photo of a page (<see cref="IsCrop"/>).</param>
    public static InkImage? Extract(GrayImage image, bool? crop = null)
    {
        var (w, h) = (image.Width, image.Height);
        var isCrop = crop ?? IsCrop(w, h);
        var survey = BlockSurvey.Of(image.Pixels, w, h);

        // A photo of a page: not a crop, and not a drawing (whose canvas has blocks of one exact value, a photo's paper
        // never).
        var photo = !isCrop && !survey.HasUniformBlock;
        var (values, histogram, medians, inkIsDark) = ToBrightInk(image, survey, isCrop, photo);
        var lowResolutionCrop = isCrop && IsLowResolution(w, h);
        if (lowResolutionCrop)
        {
            histogram = ClearScanToFullRange(values, histogram);
        }

        // A crop has no shading to remove, and a bold digit filling it would leave no block with paper to measure it
        // by; nor has it a page's ruled or squared lines. A photo with dark ink under a shadow keeps its values as
        // they are, for the paper's level to be taken again below.
        var shadow = photo && inkIsDark
            ? PaperBackground.FindShadow(w, h, survey.Block, medians, survey.LightSpreads)
            : null;
        var unflattened = shadow is null ? null : (byte[])values.Clone();
        var flattened = !isCrop && PaperBackground.Subtract(values, w, h, survey.Block, medians);

        // Ruled and squared paper's lines go before the ink is chosen, so that they neither join the digit nor
        // count as ink in the threshold.
        var onLines = isCrop ? null : PaperLines.Remove(values, w, h);
        var lines = onLines is not null;

        // Under a shadow, the paper's level follows its edge instead of leaving a band along it. On lined paper only
        // across a shadow's edge, and with the lines removed again from what that leaves, each pixel keeping the lower
        // of the two: the lines' leftovers, no longer under the band's threshold, would otherwise count as ink where
        // the light merely falls off or the second removal left more of them (an empty page read as 1, a small digit
        // joined to a rule).
        if (flattened && shadow is not null && unflattened is not null && (shadow.HasEdge || !lines))
        {
            PaperBackground.Subtract(unflattened, w, h, survey.Block, shadow);
            if (lines)
            {
                PaperLines.Remove(unflattened, w, h, onLines);
                TensorPrimitives.Min(values, unflattened, unflattened);
            }

            values = unflattened;
        }

        if (lines | flattened)
        {
            histogram = Histogram(values);
        }

        // Otsu separates ink from the remaining paper texture; the floor stops it splitting pure noise. The peak is
        // the ink's strength: the top of the classes Otsu found, or the brightest 0.1 % when thin strokes are
        // outnumbered by leftover shading. A quarter of it lifts the threshold above such shading. Faint ink on plain
        // paper brings the floor down to half its strength (never below twice the paper's grain), so that a faint
        // line is kept whole rather than in its darkest specks; on ruled or squared paper the lines' leftovers are as
        // strong as faint ink, and the floor stays.
        var otsu = OtsuThreshold(histogram);
        var grain = Percentile(histogram, 0.9);
        var overNoise = Math.Max(otsu, NoiseFloor);
        var strength = Peak(histogram, overNoise);
        var floor = lines ? NoiseFloor : Math.Min(NoiseFloor, Math.Max(strength / 2, 2 * grain));
        var floored = Math.Max(otsu, floor);
        var peak = floored == overNoise ? strength : Peak(histogram, floored);
        var threshold = lowResolutionCrop ? Math.Max(NoiseFloor, peak / 8) : Math.Max(floored, peak / 4);
        var mask = Above(values, (byte)Math.Min(threshold, 255));
        if (!lowResolutionCrop && peak < FaintInkPeak)
        {
            mask = WithFaintInkAttached(mask, values, threshold, grain, w, h);
        }

        if (peak < MinInkContrast && (peak < MinFaintInkContrast
            || (peak < FaintInkOverGrain * grain && (peak < FaintStrokeOverGrain * grain || !HasStroke(mask, w, h, lines)))))
        {
            return null;
        }

        // Both depend on the value alone: a table per output, looked up pixel by pixel.
        var softFloor = threshold / 3;
        var stretch = 255.0 / peak;
        Span<byte> stretched = stackalloc byte[256];
        for (var v = 0; v < 256; v++)
        {
            stretched[v] = v <= softFloor ? (byte)0 : (byte)Math.Min(255, (int)((v * stretch) + 0.5));
        }

        var ink = GC.AllocateUninitializedArray<byte>(values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            ink[i] = stretched[values[i]];
        }

        return new InkImage(w, h, ink, mask, onLines, isCrop, photo);
    }

    /// <summary>
    /// A low-resolution scan whose ink spans fewer than <see cref="MinInkContrast"/> levels over clean paper, but at
    /// least this many, is brought to the full range before its ink is chosen (a scan's stored counts); fewer are blank.
    /// </summary>
    public const int MinClearScanLevels = 8;

    // Clean paper: at least this share of the scan's pixels at exactly the paper's level, as a stored scan's are.
    private const double ClearScanPaper = 0.2;

    // An 8x8 image of the UCI optical digits' 4x4 block counts saved as it is stores its ink as levels 0 to 16 of 255
    // (16 - count, 239 to 255 once the ink is made bright): too faint for a photo's ink, but a stored scan has no
    // grain, its paper one exact level. Such a scan is stretched from its paper to its darkest ink, as a viewer scales
    // it; noise on paper never spreads over a fifth of the pixels at one exact level. Returns the histogram to use.
    private static int[] ClearScanToFullRange(byte[] values, int[] histogram)
    {
        var (paper, ink) = (Array.FindIndex(histogram, n => n > 0), Array.FindLastIndex(histogram, n => n > 0));
        var range = ink - paper;
        if (range >= MinInkContrast || range < MinClearScanLevels || histogram[paper] < ClearScanPaper * values.Length)
        {
            return histogram;
        }

        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (byte)((((values[i] - paper) * 255) + (range / 2)) / range);
        }

        return Histogram(values);
    }

    // The mask with the pixels above half the threshold and twice the grain that are 8-connected to it through such
    // pixels (see FaintInkPeak); none where the threshold is already down at twice the grain.
    private static bool[] WithFaintInkAttached(bool[] mask, byte[] values, int threshold, int grain, int w, int h)
    {
        var low = Math.Max(threshold / 2, 2 * grain);
        if (low >= threshold)
        {
            return mask;
        }

        var weak = Above(values, (byte)low);
        var (labels, blobs) = ConnectedComponents.Label(weak, w, h);
        var touchesInk = new bool[blobs.Count + 1];
        for (var i = 0; i < mask.Length; i++)
        {
            touchesInk[labels[i]] |= mask[i];
        }

        for (var i = 0; i < weak.Length; i++)
        {
            weak[i] = touchesInk[labels[i]];
        }

        return weak;
    }

    // Faint ink worth the name: a long blob above the threshold, and on lined paper not a flat one (see FaintStrokeOverGrain).
    private static bool HasStroke(bool[] mask, int w, int h, bool lines)
    {
        var (_, blobs) = ConnectedComponents.Label(mask, w, h);
        return blobs.Any(b => Math.Max(b.Box.Width, b.Box.Height) is var length
            && length >= FaintStrokeLength * Math.Max(w, h)
            && (!lines || Math.Min(b.Box.Width, b.Box.Height) >= FaintStrokeBreadth * length));
    }

    // values > threshold, written as the bytes 1 and 0 a bool is stored as: max(v, t) - t is above 0 just where v is
    // above t, and at most 1 once capped.
    private static bool[] Above(ReadOnlySpan<byte> values, byte threshold)
    {
        var mask = GC.AllocateUninitializedArray<bool>(values.Length);
        var bytes = MemoryMarshal.AsBytes(mask.AsSpan());
        TensorPrimitives.Max(values, threshold, bytes);
        TensorPrimitives.Subtract(bytes, threshold, bytes);
        TensorPrimitives.Min(bytes, (byte)1, bytes);
        return mask;
    }

    /// <summary>Counts of each value.</summary>
    internal static int[] Histogram(ReadOnlySpan<byte> values)
    {
        Span<int> tallies = stackalloc int[4 * 256];
        tallies.Clear();
        Tally(values, tallies);
        var histogram = new int[256];
        Merge(tallies, histogram);
        return histogram;
    }

    // Counts into 4 x 256 tallies, four interleaved ones so that runs of one value (paper, an empty canvas) do
    // not each wait on the previous increment of the same counter; or, given only 256, into those directly.
    internal static void Tally(ReadOnlySpan<byte> values, Span<int> tallies)
    {
        var i = 0;
        if (tallies.Length == 256)
        {
            foreach (var v in values)
            {
                tallies[v]++;
            }

            return;
        }

        for (; i <= values.Length - 4; i += 4)
        {
            tallies[values[i]]++;
            tallies[256 + values[i + 1]]++;
            tallies[512 + values[i + 2]]++;
            tallies[768 + values[i + 3]]++;
        }

        for (; i < values.Length; i++)
        {
            tallies[values[i]]++;
        }
    }

    // The four tallies summed into one histogram (which may be the first of them).
    internal static void Merge(ReadOnlySpan<int> tallies, Span<int> histogram)
    {
        TensorPrimitives.Add(tallies[..256], tallies[256..512], histogram);
        TensorPrimitives.Add(histogram, tallies[512..768], histogram);
        TensorPrimitives.Add(histogram, tallies[768..], histogram);
    }

    // Ink is the minority: whichever tail of the histogram lies farther from the median is the ink. Where light
    // falls unevenly across the page, the paper's own shading spreads both tails, and the tails come out close;
    // then the blocks decide: whichever way their extremes reach farther from their own medians is the ink's.
    // Where a hand's shadow covers most of a photographed page, its lit part makes the light tail, however dark the
    // ink: a pencil's grey under the shadow then lost to it, and the lit paper was read as light ink. So a photo (not
    // a crop or a drawing) has light ink only when its light strokes also reach LightInkStrokeReach times as far as
    // its dark ones (BlockSurvey's stroke reach, which a shadow's areas do not move), whatever the tails say: light
    // ink on a dark sheet reaches at least 1.33 times as far (most four times and more), a pencil under a shadow at
    // most 0.97 times, and an empty page's grain about as far both ways.
    // Returns the values with the ink bright, their histogram, their block medians and whether the ink was dark.
    private static (byte[] Values, int[] Histogram, int[] Medians, bool InkIsDark) ToBrightInk(GrayImage image, BlockSurvey survey, bool crop, bool photo)
    {
        var histogram = survey.Histogram;
        var (lowest, median, highest) = (Percentile(histogram, 0.002), Percentile(histogram, 0.5), Percentile(histogram, 0.998));
        var (darkTail, lightTail) = (median - lowest, highest - median);
        var inkIsDark = (crop ? CropCornersSayInkIsDark(image, lowest + highest) : null)
            ?? (darkTail > 2 * lightTail || (lightTail <= 2 * darkTail && survey.DarkReach > survey.LightReach)
                || (photo && survey.LightStrokeReach < LightInkStrokeReach * survey.DarkStrokeReach));
        if (!inkIsDark)
        {
            return ((byte[])image.Pixels.Clone(), histogram, survey.Medians, false);
        }

        var values = GC.AllocateUninitializedArray<byte>(image.Pixels.Length);
        TensorPrimitives.OnesComplement(image.Pixels, values); // 255 - v
        var complemented = histogram.ToArray();
        Array.Reverse(complemented);
        return (values, complemented, survey.ComplementMedians, true);
    }

    // How many times as far as its dark strokes a photo's light strokes reach, at least, for its ink to be light.
    private const double LightInkStrokeReach = 1.25;

    /// <summary>Images with a shorter side than this are drawings or crops, not photos of a page.</summary>
    public const int MinPageSide = 48;

    /// <summary>An image too small to be a photo of a page: a drawing, or a digit cut out of a scan.</summary>
    internal static bool IsCrop(int w, int h) => Math.Min(w, h) < MinPageSide;

    /// <summary>An image no more than <see cref="LowResolutionSide"/> pixels a side: a low-resolution scan's size.</summary>
    internal static bool IsLowResolution(int w, int h) => Math.Max(w, h) <= LowResolutionSide;

    // A crop cut tight to a bold digit (a postal scan, a form's bitmap) can hold more ink than paper; but its corners
    // are paper. When at least three of the four corners lie on one side of the middle of the image's range, they say
    // which side the paper is, unless they are a frame: rings of pixels from the border inwards that lie nearly all on
    // the corners' side are either paper around the digit or a frame, and the first ring that does not tells which (a
    // frame gives way to the paper inside it, a ring mostly on the other side; paper gives way to a few of the digit's
    // strokes crossing it). For a frame, or when the corners disagree, null: the ink is the minority as usual.
    // lowestPlusHighest: twice the middle of the range, so that a pixel is light when twice its value is above it.
    private static bool? CropCornersSayInkIsDark(GrayImage image, int lowestPlusHighest)
    {
        var (w, h) = (image.Width, image.Height);
        var lightCorners = (IsLight(0, 0) ? 1 : 0) + (IsLight(w - 1, 0) ? 1 : 0) + (IsLight(0, h - 1) ? 1 : 0) + (IsLight(w - 1, h - 1) ? 1 : 0);
        if (lightCorners is 2)
        {
            return null;
        }

        var paperIsLight = lightCorners > 2;
        for (var depth = 0; 2 * depth < Math.Min(w, h); depth++)
        {
            var like = ShareLikeCorners(depth);
            if (like < BorderLikeCorners)
            {
                return like <= 1 - InsideFrame ? null : paperIsLight;
            }
        }

        return null;

        bool IsLight(int x, int y) => 2 * image[x, y] > lowestPlusHighest;

        // The ring `depth` pixels in from the border: its top and bottom rows, then its columns between them.
        double ShareLikeCorners(int depth)
        {
            var (left, top, right, bottom) = (depth, depth, w - 1 - depth, h - 1 - depth);
            var (ring, like) = (0, 0);
            for (var x = left; x <= right; x++)
            {
                Count(x, top);
                if (bottom != top)
                {
                    Count(x, bottom);
                }
            }

            for (var y = top + 1; y < bottom; y++)
            {
                Count(left, y);
                if (right != left)
                {
                    Count(right, y);
                }
            }

            return (double)like / ring;

            void Count(int x, int y) => (ring, like) = (ring + 1, like + (IsLight(x, y) == paperIsLight ? 1 : 0));
        }
    }

    // A ring with this share of its pixels on the corners' side is paper or frame, as the corners are.
    private const double BorderLikeCorners = 0.9;

    // The first ring that is not says "frame" when this share of it is on the other side: the paper inside the frame.
    private const double InsideFrame = 0.7;

    internal static int Percentile(ReadOnlySpan<int> histogram, double fraction)
    {
        long total = 0;
        foreach (var c in histogram)
        {
            total += c;
        }

        return Percentile(histogram, fraction, total);
    }

    /// <summary>The lowest value that at least <paramref name="fraction"/> of the <paramref name="total"/> counted do not exceed.</summary>
    internal static int Percentile(ReadOnlySpan<int> histogram, double fraction, long total) =>
        OnePercentile(histogram, fraction, total, fromTop: false);

    /// <summary>
    /// <see cref="Percentile(ReadOnlySpan{int}, double, long)"/> of the complements (255 - v) read from the counts
    /// of v: the same walk from the top, without reversing the counts.
    /// </summary>
    internal static int ComplementPercentile(ReadOnlySpan<int> histogram, double fraction, long total) =>
        OnePercentile(histogram, fraction, total, fromTop: true);

    private static int OnePercentile(ReadOnlySpan<int> histogram, double fraction, long total, bool fromTop)
    {
        Span<int> percentile = stackalloc int[1];
        Percentiles(histogram, total, [fraction], percentile, fromTop);
        return percentile[0];
    }

    /// <summary>
    /// <see cref="Percentile(ReadOnlySpan{int}, double, long)"/> for several <paramref name="fractions"/> (ascending)
    /// in one walk over the counts; from the top, <see cref="ComplementPercentile"/>'s.
    /// </summary>
    internal static void Percentiles(ReadOnlySpan<int> histogram, long total, ReadOnlySpan<double> fractions, Span<int> into, bool fromTop = false)
    {
        // The walk starts at the first count that is not 0, and stops once the last fraction is reached.
        var first = fromTop ? histogram.Length - 1 - histogram.LastIndexOfAnyExcept(0) : histogram.IndexOfAnyExcept(0);
        var (next, seen) = (0, 0L);
        var target = fractions.IsEmpty ? 0 : Reaching(fractions[0], total);
        for (var step = Math.Max(0, first); step < histogram.Length && next < fractions.Length; step++)
        {
            seen += histogram[fromTop ? histogram.Length - 1 - step : step];
            while (next < fractions.Length && seen >= target)
            {
                into[next++] = step;
                target = next < fractions.Length ? Reaching(fractions[next], total) : 0;
            }
        }

        into[next..fractions.Length].Fill(histogram.Length - 1);
    }

    // How many of the total counted a fraction of it reaches: at least one.
    private static long Reaching(double fraction, long total) => Math.Max(1, (long)Math.Ceiling(total * fraction));

    // The ink's strength above a threshold: the top tenth of the values above it, or the brightest 0.1 % overall.
    private static int Peak(int[] histogram, int threshold) =>
        Math.Max(PercentileAbove(histogram, threshold, 0.9), Percentile(histogram, 0.999));

    private static int PercentileAbove(int[] histogram, int threshold, double fraction)
    {
        var above = new int[256];
        Array.Copy(histogram, threshold + 1, above, threshold + 1, 255 - threshold);
        return above.Sum() == 0 ? 0 : Percentile(above, fraction);
    }

    internal static int OtsuThreshold(int[] histogram)
    {
        long total = 0, sum = 0;
        for (var v = 0; v < 256; v++)
        {
            total += histogram[v];
            sum += (long)v * histogram[v];
        }

        long weightBelow = 0, sumBelow = 0;
        var best = 0.0;
        var threshold = 0;
        for (var t = 0; t < 256; t++)
        {
            weightBelow += histogram[t];
            if (weightBelow == 0)
            {
                continue;
            }

            var weightAbove = total - weightBelow;
            if (weightAbove == 0)
            {
                break;
            }

            sumBelow += (long)t * histogram[t];
            var meanBelow = (double)sumBelow / weightBelow;
            var meanAbove = (double)(sum - sumBelow) / weightAbove;
            var between = (double)weightBelow * weightAbove * (meanBelow - meanAbove) * (meanBelow - meanAbove);
            if (between > best)
            {
                best = between;
                threshold = t;
            }
        }

        return threshold;
    }
}
