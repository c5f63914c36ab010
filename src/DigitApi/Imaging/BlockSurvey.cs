using System.Numerics.Tensors;

namespace DigitApi.Imaging;

/// <summary>
/// One pass over a grayscale image in square blocks: the histogram of the whole image, each block's median
/// both ways up (of its values, and of their complements 255 - v), and how far each block's darkest and lightest
/// pixels reach from its median, so that the ink extractor can choose the polarity and then find the paper's level
/// without counting the pixels again.
/// </summary>
internal sealed class BlockSurvey
{
    // The share of a block's pixels that make its dark or light reach: a stroke's worth of a block, not one pixel.
    private const double ReachFraction = 0.01;

    // The share of a block that a stroke's reach is measured from: more than a stroke covers, less than a shadow's
    // part of a block (or its lit part) does where the edge crosses it.
    private const double AreaFraction = 0.1;

    // The percentiles taken of each block, each way up: its reach, its area's, its median.
    private static readonly double[] Fractions = [ReachFraction, AreaFraction, 0.5];

    private BlockSurvey(int block, int[] histogram, int[] medians, int[] complementMedians, int[] lightSpreads, (long Dark, long Light) reach, (long Dark, long Light) strokeReach, bool hasUniformBlock)
    {
        (Block, Histogram, Medians, ComplementMedians, LightSpreads) = (block, histogram, medians, complementMedians, lightSpreads);
        (DarkReach, LightReach, DarkStrokeReach, LightStrokeReach, HasUniformBlock) = (reach.Dark, reach.Light, strokeReach.Dark, strokeReach.Light, hasUniformBlock);
    }

    /// <summary>The side of a block; blocks run in raster order, the last of a row or column cut short.</summary>
    public int Block { get; }

    /// <summary>Counts of each value over the whole image.</summary>
    public int[] Histogram { get; }

    /// <summary>Each block's median: the lowest value that at least half its pixels do not exceed.</summary>
    public int[] Medians { get; }

    /// <summary>Each block's median of 255 - v, as <see cref="Medians"/> would give it for the complemented image.</summary>
    public int[] ComplementMedians { get; }

    /// <summary>
    /// How far above its median each block's lightest tenth of pixels lies: with dark ink on light paper, the spread
    /// of the paper's side, small for a block of paper and large where ink covers over half the block or a shadow's
    /// edge crosses it (<see cref="PaperBackground.FindShadow"/>).
    /// </summary>
    public int[] LightSpreads { get; }

    /// <summary>
    /// Summed over the blocks, how far below its median a block's darkest 1 % lie. Measured against each block's
    /// own median, so that light falling unevenly across the page (which spreads the whole image's histogram both
    /// ways) cancels out and the ink's side is what remains.
    /// </summary>
    public long DarkReach { get; }

    /// <summary>Summed over the blocks, how far above its median a block's lightest 1 % lie.</summary>
    public long LightReach { get; }

    /// <summary>
    /// Summed over the blocks, how far below its darkest tenth a block's darkest 1 % lie: the reach of dark strokes
    /// alone. A dark area that covers a tenth of a block or more (a shadow's part of it) lifts the tenth with it, and
    /// adds nothing.
    /// </summary>
    public long DarkStrokeReach { get; }

    /// <summary>Summed over the blocks, how far above its lightest tenth a block's lightest 1 % lie: light strokes' reach.</summary>
    public long LightStrokeReach { get; }

    /// <summary>Whether some block is one exact value throughout, as a drawing's canvas is and a photo's paper never is.</summary>
    public bool HasUniformBlock { get; }

    public static BlockSurvey Of(byte[] pixels, int w, int h)
    {
        var block = Math.Max(8, Math.Max(w, h) / 8);
        var (bx, by) = ((w + block - 1) / block, (h + block - 1) / block);
        var (histogram, medians, complementMedians, lightSpreads) = (new int[256], new int[bx * by], new int[bx * by], new int[bx * by]);
        long darkReach = 0, lightReach = 0, darkStrokeReach = 0, lightStrokeReach = 0;
        var hasUniformBlock = false;
        Span<int> tallies = stackalloc int[4 * 256];
        Span<int> dark = stackalloc int[Fractions.Length];
        Span<int> light = stackalloc int[Fractions.Length];
        for (var j = 0; j < by; j++)
        {
            for (var i = 0; i < bx; i++)
            {
                var (x0, x1) = (i * block, Math.Min(w, (i + 1) * block));
                var (y0, y1) = (j * block, Math.Min(h, (j + 1) * block));
                var count = (x1 - x0) * (y1 - y0);
                var k = (j * bx) + i;
                if (IsUniform(pixels, w, x0, x1, y0, y1, out var value))
                {
                    // Blank paper or canvas: one value, its own median both ways up.
                    histogram[value] += count;
                    (medians[k], complementMedians[k], hasUniformBlock) = (value, 255 - value, true);
                    continue;
                }

                // Small blocks (small images) are cheaper to count directly than to merge four tallies for.
                var counts = block >= 16 ? tallies : tallies[..256];
                counts.Clear();
                for (var y = y0; y < y1; y++)
                {
                    InkExtractor.Tally(pixels.AsSpan((y * w) + x0, x1 - x0), counts);
                }

                var merged = counts[..256];
                if (counts.Length > 256)
                {
                    InkExtractor.Merge(counts, merged);
                }

                TensorPrimitives.Add(histogram, merged, histogram);
                InkExtractor.Percentiles(merged, count, Fractions, dark);
                InkExtractor.Percentiles(merged, count, Fractions, light, fromTop: true);
                var (darkest, darkTenth, lightest, lightTenth) = (dark[0], dark[1], light[0], light[1]);
                (medians[k], complementMedians[k]) = (dark[2], light[2]);
                lightSpreads[k] = complementMedians[k] - lightTenth;
                darkReach += medians[k] - darkest;
                lightReach += complementMedians[k] - lightest;
                darkStrokeReach += darkTenth - darkest;
                lightStrokeReach += lightTenth - lightest;
            }
        }

        return new BlockSurvey(block, histogram, medians, complementMedians, lightSpreads, (darkReach, lightReach), (darkStrokeReach, lightStrokeReach), hasUniformBlock);
    }

    private static bool IsUniform(byte[] pixels, int w, int x0, int x1, int y0, int y1, out byte value)
    {
        value = pixels[(y0 * w) + x0];
        for (var y = y0; y < y1; y++)
        {
            if (pixels.AsSpan((y * w) + x0, x1 - x0).ContainsAnyExcept(value))
            {
                return false;
            }
        }

        return true;
    }
}
