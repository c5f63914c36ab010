using System.Numerics.Tensors;

namespace DigitApi.Imaging;

/// <summary>
/// Removes the lines of ruled and squared paper, and margins, from the ink values (ink bright, paper at 0) before
/// the ink is chosen: thin straight ridges within 15 degrees of horizontal or vertical that run across most of the
/// image. A digit's own strokes are short against the page or thick against such a line, and are kept; where a
/// stroke crosses a removed line, the gap is filled from the ink on both sides.
/// </summary>
internal static class PaperLines
{
    // tan 15°: the steepest a phone's tilt leaves a line.
    private const double MaxSlope = 0.27;

    // A ridge pixel is brighter than the pixels this far to either side across the line: lines up to 3 px thick.
    private const int Reach = 2;

    // How much brighter, at least, for a pixel to count as lying on a line.
    private const int MinRidge = 10;

    // A line is seen along at least this fraction of its path through the image, and extends over this fraction of it.
    private const double MinCoverage = 0.65;
    private const double MinExtent = 0.7;

    // A line is seen unbroken over at least this fraction of its path somewhere: specks and strokes at other
    // angles that a trace hops between are not.
    private const double MinRun = 0.25;

    // Columns a run may miss: where another line crosses, the ridge is lost over its width.
    private const int MaxGap = 2;

    // Once a page of lines is found, lines the image's edge cuts short count down to this fraction of its width.
    private const double MinCutPath = 0.2;

    // Columns sampled by the quick test, and how many must hold a ridge for a line to be searched for: fewer than
    // half, since faint rules photographed under uneven light show as a ridge in only some of them (and a page whose
    // lines were not found is read as plain paper, its margin or leftovers as a 1).
    private const int Samples = 12;
    private const int MinSampled = 5;

    // Vertical strips whose row profiles, shifted against each other, find the lines' slope; every third rise is
    // tried before the best one's neighbours.
    private const int Strips = 16;
    private const int CoarseStep = 3;

    /// <summary>Removes horizontal, then vertical lines in place.</summary>
    /// <param name="values">The ink values, w x h.</param>
    /// <param name="w">Width.</param>
    /// <param name="h">Height.</param>
    /// <param name="onLines">Where earlier lines were removed (w x h), to mark these in too; none: made here once a
    /// line is found.</param>
    /// <returns>Where a line was removed (w x h): along each line, the rows it covered and one more on either side.
    /// Null when there were none.</returns>
    public static bool[]? Remove(byte[] values, int w, int h, bool[]? onLines = null)
    {
        var removed = MayHoldLines(values, w, h, across: true) && RemoveAcross(values, w, h, pageFound: false, ref onLines, transposed: false);

        // Lines down the image: a margin, a squared grid's columns. Once some were found, a second search finds a
        // margin drawn at another slope than the grid's.
        var down = false;
        for (var pass = 0; pass < (down ? 2 : 1) && MayHoldLines(values, w, h, across: false); pass++)
        {
            var transposed = Transpose(values, w, h);
            if (!RemoveAcross(transposed, h, w, removed, ref onLines, transposed: true))
            {
                break;
            }

            Transpose(transposed, h, w).CopyTo(values, 0);
            (down, removed) = (true, true);
        }

        return removed ? onLines : null;
    }

    // Cheap test: a line running across the image crosses most of a few evenly spaced columns (or rows, for lines
    // running down) as a thin ridge. Clean canvases and most photos without lines stop here.
    private static bool MayHoldLines(byte[] values, int w, int h, bool across)
    {
        var (length, count, step, stride) = across ? (h, w, 1, w) : (w, h, w, 1);
        var hits = 0;
        for (var k = 0; k < Samples; k++)
        {
            var start = (int)((k + 0.5) * count / Samples) * step;
            for (var i = Reach; i < length - Reach; i++)
            {
                var at = start + (i * stride);
                if (values[at] - Math.Max(values[at - (Reach * stride)], values[at + (Reach * stride)]) >= MinRidge)
                {
                    hits++;
                    break;
                }
            }
        }

        return hits >= MinSampled;
    }

    // Finds and removes the lines that run across (within 15 degrees of a row) of a w x h image. Lines come as a page:
    // at least two across the whole width, or one once other lines were found (a margin on ruled paper); a single
    // long stroke on a drawing is the digit's own.
    private static bool RemoveAcross(byte[] values, int w, int h, bool pageFound, ref bool[]? onLines, bool transposed)
    {
        var ridge = Ridges(values, w, h);
        var stripWidth = (w + Strips - 1) / Strips;
        var strips = (w + stripWidth - 1) / stripWidth;
        var profiles = new float[strips * h];
        for (var y = 0; y < h; y++)
        {
            var row = ridge.AsSpan(y * w, w);
            for (var s = 0; s < strips; s++)
            {
                var sum = 0;
                foreach (var r in row.Slice(s * stripWidth, Math.Min(stripWidth, w - (s * stripWidth))))
                {
                    sum += r;
                }

                profiles[(s * h) + y] = sum;
            }
        }

        // The slope (as the total rise across the image) whose sheared profile is the most peaked: the strips'
        // profiles are added each shifted by the rise at its centre, so that a line's pixels fall on one entry. Every
        // third rise first (a rise off by one smears a line over one row at most), then the two on either side.
        var maxRise = (int)Math.Ceiling(MaxSlope * w);
        var profile = new float[h + (2 * maxRise)];
        var (bestRise, bestScore) = (0, -1f);
        for (var rise = -maxRise; rise <= maxRise; rise += CoarseStep)
        {
            TryRise(rise);
        }

        var coarse = bestRise;
        for (var rise = Math.Max(-maxRise, coarse - CoarseStep + 1); rise <= Math.Min(maxRise, coarse + CoarseStep - 1); rise++)
        {
            if (rise != coarse)
            {
                TryRise(rise);
            }
        }

        void TryRise(int rise)
        {
            Shear(profiles, strips, stripWidth, w, h, rise, maxRise, profile);
            var score = TensorPrimitives.SumOfSquares(profile);
            if (score > bestScore)
            {
                (bestRise, bestScore) = (rise, score);
            }
        }

        Shear(profiles, strips, stripWidth, w, h, bestRise, maxRise, profile);
        var candidateFloor = MinCoverage * MinRidge * w * 0.25f;
        var lines = new List<Line>();
        for (var i = 0; i < profile.Length; i++)
        {
            if (profile[i] >= candidateFloor && IsPeak(profile, i) && Trace(values, ridge, w, h, i - maxRise, (double)bestRise / w) is { } line)
            {
                lines.Add(line);
            }
        }

        // Lines across the whole width make this a page of lines; then those the image's edge cuts short (across a
        // corner, when the page is turned) are lines of it too.
        if (lines.Count(line => line.Path >= MinExtent * w) < (pageFound ? 1 : 2))
        {
            return false;
        }

        onLines ??= new bool[w * h];
        foreach (var line in lines.Where(line => line.Path >= MinCutPath * w))
        {
            Remove(values, w, h, line, onLines, transposed);
        }

        return true;
    }

    // Ridge strength across rows, capped at MinRidge: v - max(v Reach rows above, v Reach rows below), at least 0.
    private static byte[] Ridges(byte[] values, int w, int h)
    {
        var ridge = new byte[w * h];
        var beside = new byte[w];
        for (var y = Reach; y < h - Reach; y++)
        {
            var row = ridge.AsSpan(y * w, w);
            TensorPrimitives.Max(values.AsSpan((y - Reach) * w, w), values.AsSpan((y + Reach) * w, w), beside);
            TensorPrimitives.Max(values.AsSpan(y * w, w), beside, row);
            TensorPrimitives.Subtract(row, beside, row);
            TensorPrimitives.Min(row, (byte)MinRidge, row);
        }

        return ridge;
    }

    // The strips' row profiles added into one, each shifted down by the rise at the strip's centre.
    private static void Shear(float[] profiles, int strips, int stripWidth, int w, int h, int rise, int maxRise, float[] profile)
    {
        Array.Clear(profile);
        for (var s = 0; s < strips; s++)
        {
            var centre = Math.Min(w, (s * stripWidth) + (stripWidth / 2.0));
            var shift = (int)Math.Round(rise * centre / w);
            var target = profile.AsSpan(maxRise - shift, h);
            TensorPrimitives.Add(target, profiles.AsSpan(s * h, h), target);
        }
    }

    // The highest entry within two on either side (the first of equals).
    private static bool IsPeak(float[] profile, int i)
    {
        for (var j = Math.Max(0, i - 2); j <= Math.Min(profile.Length - 1, i + 2); j++)
        {
            if (profile[j] > profile[i] || (j < i && profile[j] == profile[i]))
            {
                return false;
            }
        }

        return true;
    }

    // A line found: its centre row in each column, where it was seen, and how long its path through the image is.
    private sealed record Line(int[] Centres, bool[] Seen, int First, int Last, int Path);

    // Follows a candidate line from left to right, starting at row y0 with the given slope and drifting with the
    // paper's perspective; null unless it runs along most of its path through the image.
    private static Line? Trace(byte[] values, byte[] ridge, int w, int h, int y0, double slope)
    {
        var centres = new int[w];
        var seen = new bool[w];
        var drift = 0.0;
        var (count, first, last, path, run, gap, longest) = (0, -1, -1, 0, 0, 0, 0);
        for (var x = 0; x < w; x++)
        {
            var predicted = y0 + (slope * x) + drift;
            var row = (int)Math.Round(predicted);
            centres[x] = row;
            if (row < Reach || row >= h - Reach)
            {
                continue;
            }

            path++;
            var best = -1;
            for (var y = Math.Max(Reach, row - 1); y <= Math.Min(h - 1 - Reach, row + 1); y++)
            {
                if (ridge[(y * w) + x] >= MinRidge / 2 && (best < 0 || values[(y * w) + x] > values[(best * w) + x]))
                {
                    best = y;
                }
            }

            if (best >= 0)
            {
                drift = Math.Clamp(drift + (0.3 * (best - predicted)), -3, 3);
                (seen[x], centres[x]) = (true, best);
                count++;
                first = first < 0 ? x : first;
                last = x;
                (run, gap) = (run + 1, 0);
                longest = Math.Max(longest, run);
            }
            else
            {
                // Unseen (a stroke crosses it, or a gap): the drift eases back towards the straight path, so that a
                // line bent off course by the stroke is found again beyond it.
                drift *= 0.9;
                if (++gap > MaxGap)
                {
                    run = 0;
                }
            }
        }

        return path > 0 && count >= MinCoverage * path && last - first + 1 >= MinExtent * path && longest >= MinRun * path
            ? new Line(centres, seen, first, last, path)
            : null;
    }

    // Removes one line; marks the rows it covered in onLines, and one more on either side (in the orientation of the
    // image given to Remove).
    private static void Remove(byte[] values, int w, int h, Line line, bool[] onLines, bool transposed)
    {
        var level = LineLevel(values, line.Centres, line.Seen, w, h);
        for (var x = Math.Max(0, line.First - 2); x <= Math.Min(w - 1, line.Last + 2); x++)
        {
            var (top, bottom) = RemoveAt(values, w, h, x, line.Centres[x], level);
            for (var y = Math.Max(0, top - 1); y <= Math.Min(h - 1, bottom + 1); y++)
            {
                onLines[transposed ? (x * h) + y : (y * w) + x] = true;
            }
        }
    }

    // The line's typical strength: the median, where it was seen, of its centre pixel over the paper beside it.
    private static int LineLevel(byte[] values, int[] centres, bool[] on, int w, int h)
    {
        Span<int> histogram = stackalloc int[256];
        histogram.Clear();
        var total = 0;
        for (var x = 0; x < w; x++)
        {
            if (on[x])
            {
                histogram[Math.Max(0, values[(centres[x] * w) + x] - Beside(values, w, h, x, centres[x]))]++;
                total++;
            }
        }

        return InkExtractor.Percentile(histogram, 0.5, total);
    }

    // The paper's level beside a line in one column: the lesser of the pixels just beyond the widest line searched
    // for, above and below its centre. Shading left by the background's removal lifts it; the line's own pixels do not.
    private static int Beside(byte[] values, int w, int h, int x, int centre)
    {
        var above = centre - Reach - 1 >= 0 ? values[((centre - Reach - 1) * w) + x] : 0;
        var below = centre + Reach + 1 < h ? values[((centre + Reach + 1) * w) + x] : 0;
        return Math.Min(above, below);
    }

    // Removes the line's pixels in one column: its centre and, up to Reach on either side, the neighbours that carry a
    // quarter of its strength over the paper beside it (a thick or blurred line's edges). Ink clearly stronger than the
    // line (a pen on a light blue or grey line, a stroke lying along it) stays. Where ink continues on both sides, a
    // stroke (or shading) crosses the line: the gap is filled between the two. The rest loses the line's strength.
    // Returns the rows removed (none: top above bottom).
    private static (int Top, int Bottom) RemoveAt(byte[] values, int w, int h, int x, int centre, int level)
    {
        if (centre < 0 || centre >= h)
        {
            return (0, -1);
        }

        var paper = Beside(values, w, h, x, centre);
        var edge = paper + (Math.Max(values[(centre * w) + x] - paper, 0) / 4);
        var (top, bottom) = (centre, centre);
        while (top > Math.Max(0, centre - 1) && values[((top - 1) * w) + x] > edge)
        {
            top--;
        }

        while (bottom < Math.Min(h - 1, centre + 1) && values[((bottom + 1) * w) + x] > edge)
        {
            bottom++;
        }

        var above = top > 0 ? values[((top - 1) * w) + x] : 0;
        var below = bottom < h - 1 ? values[((bottom + 1) * w) + x] : 0;
        var inkFloor = Math.Max(2 * MinRidge, level / 2);
        var crossed = above >= inkFloor && below >= inkFloor;
        var stronger = paper + level + Math.Max(2 * MinRidge, level / 4);
        for (var y = top; y <= bottom; y++)
        {
            var at = (y * w) + x;
            if (values[at] <= stronger)
            {
                values[at] = crossed
                    ? (byte)(above + ((below - above) * (y - top + 1) / (bottom - top + 2)))
                    : (byte)Math.Max(0, values[at] - level);
            }
        }

        return (top, bottom);
    }

    private static byte[] Transpose(byte[] values, int w, int h)
    {
        var transposed = GC.AllocateUninitializedArray<byte>(values.Length);
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                transposed[(x * h) + y] = values[(y * w) + x];
            }
        }

        return transposed;
    }
}
