using System.Buffers;
using System.Numerics.Tensors;

namespace DigitApi.Imaging;

/// <summary>
/// Estimates the paper's level under the ink (values with the ink bright, so the paper is the low side) and subtracts
/// it, leaving the ink over paper at 0: uneven light, tinted paper, vignetting, and the shadow of a phone or a hand,
/// sharp edge and all.
/// </summary>
internal static class PaperBackground
{
    /// <summary>
    /// A block whose lightest tenth of pixels lies at most this far above its median (of 255) is paper: its grain, and
    /// a soft shadow's slope across it. Where ink covers half the block, or a shadow's edge crosses it, it is more.
    /// </summary>
    public const int PaperSpread = 16;

    /// <summary>
    /// Such a block is paper only if it is at least this share as light as the lightest block: a shadow darkens
    /// paper by about half at most, while a bold marker's stroke that covers a whole block is darker still.
    /// </summary>
    public const double ShadowedPaperLightness = 0.45;

    /// <summary>
    /// Half the side of the square (17x17 px at the working size) whose opening gives the paper's level pixel by pixel
    /// along a shadow's edge: it takes away every stroke narrower than the square and keeps the edge where it is.
    /// </summary>
    public const int ShadowEdgeReach = 8;

    /// <summary>
    /// How far (of 255) the level along a shadow's edge may rise above the paper blocks around it: a bold stroke that
    /// the opening keeps (wider than its square) loses no more than this.
    /// </summary>
    public const int ShadowEdgeLift = 20;

    /// <summary>
    /// A page whose paper blocks all lie within this many levels of their eroded level, with no shadow's edge across
    /// it, has no shadow to follow: the eroded level (<see cref="Subtract(byte[], int, int, int, int[])"/>) serves as it is.
    /// </summary>
    public const int MinShadowDepth = 8;

    /// <summary>
    /// Subtracts the block medians, each eroded over its neighbouring blocks so that blocks full of ink take their
    /// neighbours' paper level, bilinearly interpolated. False when the background is black throughout and nothing
    /// was subtracted.
    /// </summary>
    public static bool Subtract(byte[] values, int w, int h, int block, int[] medians)
    {
        var (bx, by) = Blocks(w, h, block);
        var background = Eroded(medians, bx, by);
        if (background.All(b => b == 0))
        {
            return false;
        }

        SubtractLevels(values, w, h, block, background, null, null);
        return true;
    }

    /// <summary>
    /// The paper's level on a photo of a page with dark ink, following a shadow. Eroded block medians
    /// (<see cref="Subtract(byte[], int, int, int, int[])"/>) leave a band along a shadow's edge, a block wide, that reads
    /// as ink and is often taken for the digit. Here a block of paper (<see cref="PaperSpread"/>,
    /// <see cref="ShadowedPaperLightness"/>) keeps its own median, shadowed or not; the rest take the eroded one. An edge
    /// is where neighbouring blocks' levels differ by more than <see cref="ShadowEdgeLift"/>. Null when there is no
    /// shadow to follow: no edge, and no paper block more than <see cref="MinShadowDepth"/> off its eroded level. Found
    /// from the blocks alone, before any pixel is touched.
    /// </summary>
    /// <param name="w">Width.</param>
    /// <param name="h">Height.</param>
    /// <param name="block">The blocks' side.</param>
    /// <param name="medians">Each block's median.</param>
    /// <param name="spreads">How far each block's lightest tenth lies above its median, in the image as uploaded
    /// (<see cref="BlockSurvey.LightSpreads"/>): with dark ink, the paper's side.</param>
    public static Shadow? FindShadow(int w, int h, int block, int[] medians, int[] spreads)
    {
        var (bx, by) = Blocks(w, h, block);
        var lightest = 255 - medians.Min();
        var paper = new bool[medians.Length];
        var levels = Eroded(medians, bx, by);
        var moved = 0;
        for (var k = 0; k < medians.Length; k++)
        {
            paper[k] = spreads[k] <= PaperSpread && 255 - medians[k] >= ShadowedPaperLightness * lightest;
            moved = Math.Max(moved, paper[k] ? medians[k] - levels[k] : 0);
            levels[k] = paper[k] ? medians[k] : levels[k];
        }

        var caps = new int[medians.Length];
        var edge = false;
        for (var k = 0; k < medians.Length; k++)
        {
            var (highest, level) = (levels[k], levels[k]);
            ForNeighbours(k, bx, by, n =>
            {
                highest = paper[n] ? Math.Max(highest, medians[n]) : highest;
                edge |= Math.Abs(levels[n] - level) > ShadowEdgeLift;
            });
            caps[k] = Math.Min(255, highest + ShadowEdgeLift);
        }

        // Without a shadow's edge, the blocks' interpolation follows the light as closely as the opening would.
        return edge ? new Shadow(levels, caps) : moved > MinShadowDepth ? new Shadow(levels, null) : null;
    }

    /// <summary>
    /// Subtracts a shadow's paper level (<see cref="FindShadow"/>). Along its edge, which crosses blocks, the level is the
    /// image's grey opening over a square (<see cref="ShadowEdgeReach"/>) wherever that is higher, capped
    /// <see cref="ShadowEdgeLift"/> above the paper blocks around.
    /// </summary>
    /// <param name="values">The ink values, w x h, not yet flattened.</param>
    /// <param name="w">Width.</param>
    /// <param name="h">Height.</param>
    /// <param name="block">The blocks' side.</param>
    /// <param name="shadow">The shadow found on the same blocks.</param>
    public static void Subtract(byte[] values, int w, int h, int block, Shadow shadow)
    {
        var opened = shadow.HasEdge ? Opening(values, w, h, ShadowEdgeReach) : null;
        SubtractLevels(values, w, h, block, shadow.Levels, shadow.EdgeCaps, opened);
    }

    /// <summary>A shadow to follow: each block's paper level and, where its edge crosses the page, how high the level may rise there.</summary>
    /// <param name="Levels">Each block's paper level.</param>
    /// <param name="EdgeCaps">Each block's cap on the opening; null without an edge (the blocks' levels serve as they are).</param>
    internal sealed record Shadow(int[] Levels, int[]? EdgeCaps)
    {
        /// <summary>Whether the shadow's edge crosses the page (neighbouring blocks' levels differ by more than <see cref="ShadowEdgeLift"/>).</summary>
        public bool HasEdge => EdgeCaps is not null;
    }

    private static (int Across, int Down) Blocks(int w, int h, int block) => ((w + block - 1) / block, (h + block - 1) / block);

    // Each block's median as the lowest among its own and its eight neighbours'.
    private static int[] Eroded(int[] medians, int bx, int by)
    {
        var eroded = new int[medians.Length];
        for (var k = 0; k < medians.Length; k++)
        {
            var min = medians[k];
            ForNeighbours(k, bx, by, n => min = Math.Min(min, medians[n]));
            eroded[k] = min;
        }

        return eroded;
    }

    // The blocks around block k, within the grid.
    private static void ForNeighbours(int k, int bx, int by, Action<int> visit)
    {
        var (i, j) = (k % bx, k / bx);
        for (var nj = Math.Max(0, j - 1); nj <= Math.Min(by - 1, j + 1); nj++)
        {
            for (var ni = Math.Max(0, i - 1); ni <= Math.Min(bx - 1, i + 1); ni++)
            {
                visit((nj * bx) + ni);
            }
        }
    }

    // The level (the blocks' background, bilinearly interpolated), raised where given to the opening up to the
    // interpolated cap, is subtracted without going below 0.
    private static void SubtractLevels(byte[] values, int w, int h, int block, int[] background, int[]? cap, byte[]? opened)
    {
        var length = w * h;
        var levels = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var level = levels.AsSpan(0, length);
            Interpolate(background, w, h, block, level);
            if (cap is not null && opened is not null)
            {
                var caps = ArrayPool<byte>.Shared.Rent(length);
                var raised = caps.AsSpan(0, length);
                Interpolate(cap, w, h, block, raised);
                TensorPrimitives.Min(opened, raised, raised);
                TensorPrimitives.Max(level, raised, level);
                ArrayPool<byte>.Shared.Return(caps);
            }

            TensorPrimitives.Max(values, level, values);
            TensorPrimitives.Subtract(values, level, values);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(levels);
        }
    }

    // The blocks' values bilinearly interpolated at every pixel: each row of blocks across once, then each pixel row
    // between two of them.
    private static void Interpolate(int[] blocks, int w, int h, int block, Span<byte> into)
    {
        var (bx, by) = Blocks(w, h, block);
        var across = Across(blocks, w, block, bx, by);
        for (var y = 0; y < h; y++)
        {
            var fy = Math.Clamp(((y + 0.5) / block) - 0.5, 0, by - 1);
            var j0 = (int)fy;
            var j1 = Math.Min(j0 + 1, by - 1);
            Between(across.AsSpan(j0 * w, w), across.AsSpan(j1 * w, w), fy - j0, into.Slice(y * w, w));
        }
    }

    // For each row of blocks, the background interpolated at every column.
    private static double[] Across(int[] background, int w, int block, int bx, int by)
    {
        var across = new double[by * w];
        for (var x = 0; x < w; x++)
        {
            var f = Math.Clamp(((x + 0.5) / block) - 0.5, 0, bx - 1);
            var i0 = (int)f;
            var i1 = Math.Min(i0 + 1, bx - 1);
            var t = f - i0;
            for (var j = 0; j < by; j++)
            {
                var (left, right) = (background[(j * bx) + i0], background[(j * bx) + i1]);
                across[(j * w) + x] = left + ((right - left) * t);
            }
        }

        return across;
    }

    // top + (bottom - top) * t, rounded to the nearest level.
    private static void Between(ReadOnlySpan<double> top, ReadOnlySpan<double> bottom, double t, Span<byte> level)
    {
        for (var x = 0; x < level.Length; x++)
        {
            level[x] = (byte)(int)(top[x] + ((bottom[x] - top[x]) * t) + 0.5);
        }
    }

    /// <summary>
    /// The grey opening over a square of side 2 * <paramref name="reach"/> + 1: the lowest value in the square around
    /// each pixel (cut by the image's edges), then the highest of those. Each is taken down the columns, then along the
    /// rows, on a copy padded with <paramref name="reach"/> rows above and below and as many columns after each row,
    /// holding a value that never wins, so that one run of vector operations over the whole copy does each step.
    /// </summary>
    internal static byte[] Opening(byte[] values, int w, int h, int reach)
    {
        var stride = w + reach;
        var length = stride * (h + (2 * reach));
        var (padded, scratch) = (ArrayPool<byte>.Shared.Rent(length), ArrayPool<byte>.Shared.Rent(length));
        try
        {
            Pad(padded, w, h, reach, 255);
            for (var y = 0; y < h; y++)
            {
                values.AsSpan(y * w, w).CopyTo(padded.AsSpan((y + reach) * stride, w));
            }

            foreach (var lowest in (bool[])[true, false])
            {
                Pad(padded, w, h, reach, lowest ? (byte)255 : (byte)0);
                Window(ref padded, ref scratch, length, stride, reach, lowest);
                Pad(padded, w, h, reach, lowest ? (byte)255 : (byte)0);
                Window(ref padded, ref scratch, length, 1, reach, lowest);
            }

            var opened = new byte[w * h];
            for (var y = 0; y < h; y++)
            {
                padded.AsSpan((y + reach) * stride, w).CopyTo(opened.AsSpan(y * w, w));
            }

            return opened;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(padded);
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    // Sets the padding (the rows above and below the image, the columns after each row) to the value.
    private static void Pad(byte[] padded, int w, int h, int reach, byte value)
    {
        var stride = w + reach;
        padded.AsSpan(0, reach * stride).Fill(value);
        padded.AsSpan((h + reach) * stride, reach * stride).Fill(value);
        for (var y = reach; y < h + reach; y++)
        {
            padded.AsSpan((y * stride) + w, reach).Fill(value);
        }
    }

    // Each entry becomes the lowest (or highest) of the entries reach steps either way (a step: 1 along a row, the
    // stride down a column), where those lie in the image or its padding. Runs of 2, 4, 8 ... entries are combined by
    // doubling up to the longest power of two within the window, whose two runs from its ends then cover it.
    private static void Window(ref byte[] values, ref byte[] scratch, int length, int step, int reach, bool lowest)
    {
        var run = 1;
        while (2 * run <= (2 * reach) + 1)
        {
            var shift = run * step;
            Combine(values.AsSpan(0, length - shift), values.AsSpan(shift, length - shift), scratch.AsSpan(0, length - shift), lowest);
            (values, scratch) = (scratch, values);
            run *= 2;
        }

        // The window around i runs from i - reach steps to i + reach: the run starting at its first entry and the run
        // ending at its last. Entries within reach steps of either end are padding, and only padding reads past them.
        var (first, last) = (reach * step, (reach - run + 1) * step);
        var count = length - (2 * reach * step);
        Combine(values.AsSpan(first - (reach * step), count), values.AsSpan(first + last, count), scratch.AsSpan(first, count), lowest);
        (values, scratch) = (scratch, values);
    }

    private static void Combine(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y, Span<byte> into, bool lowest)
    {
        if (lowest)
        {
            TensorPrimitives.Min(x, y, into);
        }
        else
        {
            TensorPrimitives.Max(x, y, into);
        }
    }
}
