namespace DigitApi.Imaging;

/// <summary>
/// One 8-connected blob of ink; <paramref name="MeanInk"/> is its average ink value (0-255) when known, and
/// <paramref name="Sharpness"/> how steeply its ink falls at its left and right edges: the mean drop from each
/// run's end pixel to the paper pixel beside it, over <paramref name="MeanInk"/>.
/// </summary>
public sealed record InkComponent(int Label, int Area, PixelBox Box, double MeanInk = 0, double Sharpness = 0);

/// <summary>Labels 8-connected ink regions of a mask and filters the blobs that are not digit strokes.</summary>
public static class ConnectedComponents
{
    /// <summary>Labels the ink's mask, with each blob's mean ink value.</summary>
    public static (int[] Labels, List<InkComponent> Components) Label(InkImage ink) => Label(ink.Mask, ink.Width, ink.Height, ink.Ink);

    /// <summary>Labels start at 1, in the raster order of each blob's first pixel; 0 is background.</summary>
    /// <remarks>
    /// Run-based: each row's runs of ink are joined to the runs they touch in the row above (union-find),
    /// so the work grows with the number of runs, not of ink pixels.
    /// </remarks>
    public static (int[] Labels, List<InkComponent> Components) Label(bool[] mask, int width, int height, byte[]? values = null)
    {
        var runs = FindRuns(mask, width, height);
        var parent = new int[runs.Count];
        for (var r = 0; r < parent.Length; r++)
        {
            parent[r] = r;
        }

        JoinTouchingRuns(runs, parent);

        var labels = new int[mask.Length];
        var components = new List<InkComponent>();
        var labelOfRoot = new int[runs.Count];
        var stats = new List<(long Sum, int Area, int MinX, int MinY, int MaxX, int MaxY, long Drop, int Edges)>();
        for (var r = 0; r < runs.Count; r++)
        {
            var root = Find(parent, r);
            if (labelOfRoot[root] == 0)
            {
                stats.Add((0, 0, width, height, -1, -1, 0, 0));
                labelOfRoot[root] = stats.Count;
            }

            var label = labelOfRoot[root];
            var (y, x0, x1) = runs[r];
            var row = y * width;
            labels.AsSpan(row + x0, x1 - x0).Fill(label);
            long sum = 0, drop = 0;
            var edges = 0;
            if (values is not null)
            {
                foreach (var v in values.AsSpan(row + x0, x1 - x0))
                {
                    sum += v;
                }

                if (x0 > 0)
                {
                    (drop, edges) = (drop + values[row + x0] - values[row + x0 - 1], edges + 1);
                }

                if (x1 < width)
                {
                    (drop, edges) = (drop + values[row + x1 - 1] - values[row + x1], edges + 1);
                }
            }

            var s = stats[label - 1];
            stats[label - 1] = (s.Sum + sum, s.Area + (x1 - x0), Math.Min(s.MinX, x0), Math.Min(s.MinY, y), Math.Max(s.MaxX, x1 - 1), Math.Max(s.MaxY, y),
                s.Drop + drop, s.Edges + edges);
        }

        for (var i = 0; i < stats.Count; i++)
        {
            var s = stats[i];
            var meanInk = (double)s.Sum / s.Area;
            var sharpness = s.Edges == 0 ? 0 : s.Drop / (double)s.Edges / Math.Max(1, meanInk);
            components.Add(new InkComponent(i + 1, s.Area, new PixelBox(s.MinX, s.MinY, s.MaxX - s.MinX + 1, s.MaxY - s.MinY + 1), meanInk, sharpness));
        }

        return (labels, components);
    }

    /// <summary>Runs of ink in raster order: row, first column, one past the last column.</summary>
    private static List<(int Y, int X0, int X1)> FindRuns(bool[] mask, int width, int height)
    {
        var runs = new List<(int Y, int X0, int X1)>();
        for (var y = 0; y < height; y++)
        {
            var row = mask.AsSpan(y * width, width);
            var x = 0;
            while (x < width)
            {
                var offset = row[x..].IndexOf(true);
                if (offset < 0)
                {
                    break;
                }

                var x0 = x + offset;
                var length = row[x0..].IndexOf(false);
                var x1 = length < 0 ? width : x0 + length;
                runs.Add((y, x0, x1));
                x = x1;
            }
        }

        return runs;
    }

    // 8-connected: a run touches a run of the row above when their columns overlap or meet at a corner.
    private static void JoinTouchingRuns(List<(int Y, int X0, int X1)> runs, int[] parent)
    {
        var above = 0;
        for (var r = 0; r < runs.Count; r++)
        {
            var (y, x0, x1) = runs[r];
            while (above < r && (runs[above].Y < y - 1 || (runs[above].Y == y - 1 && runs[above].X1 < x0)))
            {
                above++;
            }

            for (var a = above; a < r && runs[a].Y == y - 1 && runs[a].X0 <= x1; a++)
            {
                var (ra, rr) = (Find(parent, a), Find(parent, r));
                if (ra != rr)
                {
                    parent[Math.Max(ra, rr)] = Math.Min(ra, rr);
                }
            }
        }
    }

    private static int Find(int[] parent, int i)
    {
        while (parent[i] != i)
        {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }

        return i;
    }

    /// <summary>
    /// Drops specks: blobs far smaller than the largest one (paper grain, dust, sensor noise). A solid dot at least a
    /// twelfth as wide as the largest blob is long stays, however small its area: a mark drawn on purpose with the pen
    /// (the eyes of a face), which a model must see to tell the drawing from a digit.
    /// </summary>
    public static List<InkComponent> WithoutSpecks(IReadOnlyList<InkComponent> components, double relativeArea = 0.06, int minArea = 3)
    {
        if (components.Count == 0)
        {
            return [];
        }

        var largest = components.MaxBy(c => c.Area)!;
        var floor = Math.Max(minArea, largest.Area * relativeArea);
        var dotSide = Math.Max(3, Math.Max(largest.Box.Width, largest.Box.Height) / 12);
        return components.Where(c => c.Area >= floor || IsDot(c, dotSide)).ToList();
    }

    // At least side x side, and filling at least half its box.
    private static bool IsDot(InkComponent c, int side) =>
        Math.Min(c.Box.Width, c.Box.Height) >= side && c.Area * 2 >= c.Box.Width * c.Box.Height;

    /// <summary>The thin band along the image's border where frames and the paper's edge lie.</summary>
    public static int EdgeBand(int width, int height) => Math.Max(2, Math.Max(width, height) / 50);

    /// <summary>Whether a box reaches from the top to the bottom and from side to side, within the <see cref="EdgeBand"/>.</summary>
    public static (bool Down, bool Across) EdgeToEdge(PixelBox box, int width, int height)
    {
        var band = EdgeBand(width, height);
        return (box.Y < band && box.Bottom > height - band, box.X < band && box.Right > width - band);
    }

    /// <summary>Whether a box reaches from the top to the bottom or from side to side, within the <see cref="EdgeBand"/>.</summary>
    public static bool ReachesEdgeToEdge(PixelBox box, int width, int height)
    {
        var (down, across) = EdgeToEdge(box, width, height);
        return down || across;
    }

    /// <summary>
    /// Drops what lies along the image edge rather than on the paper: frames, the paper's or table's
    /// edge, dark vignetting corners. A component is such an artifact when it touches the edge and most
    /// of its pixels lie within a thin band along it; a digit that merely touches the edge is kept.
    /// </summary>
    public static List<InkComponent> WithoutEdgeArtifacts(IReadOnlyList<InkComponent> components, int[] labels, int width, int height)
    {
        var inBand = PixelsAlongBorder(labels, width, height, EdgeBand(width, height));
        return components.Where(c => !inBand.TryGetValue(c.Label, out var count) || count * 2 < c.Area).ToList();
    }

    // How many of each blob's pixels lie within `band` pixels of the image's border (blobs with none are left out).
    // Walks the band alone: its rows whole, and the ends of the rows between.
    private static Dictionary<int, int> PixelsAlongBorder(int[] labels, int width, int height, int band)
    {
        var counts = new Dictionary<int, int>();
        for (var y = 0; y < height; y++)
        {
            var row = y * width;
            var left = y < band || y >= height - band ? width : Math.Min(band, width);
            var right = Math.Max(left, width - band);
            for (var x = 0; x < left; x++)
            {
                Count(labels[row + x]);
            }

            for (var x = right; x < width; x++)
            {
                Count(labels[row + x]);
            }
        }

        return counts;

        void Count(int label)
        {
            if (label != 0)
            {
                counts[label] = counts.GetValueOrDefault(label) + 1;
            }
        }
    }

    /// <summary>
    /// Drops areas a photo's border cuts: blobs whose pixels on the image's outermost rows and columns run along at
    /// least <see cref="AlongBorderShare"/> of their box's width and height together. Lit paper beside a hand's shadow
    /// over most of the page is such an area, a wedge or a strip along one or two sides, which would otherwise be read as
    /// a 1 or a 7. A digit written on the page lies within the photo; one that runs off it crosses the border with its
    /// strokes' widths. A blob reaching from one edge to the opposite one stays: a crop shown enlarged, whose digit
    /// touches the border all round, is read again as a crop (<see cref="DigitPreprocessor"/>).
    /// </summary>
    public static List<InkComponent> WithoutAreasAlongBorder(IReadOnlyList<InkComponent> components, int[] labels, int width, int height)
    {
        var onBorder = PixelsAlongBorder(labels, width, height, 1);
        return [.. components.Where(c => !onBorder.TryGetValue(c.Label, out var along) || along < AlongBorderShare * (c.Box.Width + c.Box.Height)
            || ReachesEdgeToEdge(c.Box, width, height))];
    }

    // The share of its box's width and height together along which a blob touching the border must lie on it to be an
    // area the photo cut.
    private const double AlongBorderShare = 0.5;

    /// <summary>
    /// Drops thin straight lines that cross the whole image from one edge to the opposite one: a margin or a rule the
    /// paper lines' removal left (a margin alone, on a sheet whose rules are too faint to be found), which would
    /// otherwise join the digit's box, or be read alone as a 1 on an empty page. A digit written on the page lies
    /// within the photo; a line that runs off it at both ends is the page's.
    /// </summary>
    public static List<InkComponent> WithoutLinesAcross(IReadOnlyList<InkComponent> components, int width, int height)
    {
        return [.. components.Where(c => !IsLineAcross(c))];

        bool IsLineAcross(InkComponent c)
        {
            var (down, across) = EdgeToEdge(c.Box, width, height);
            var (length, breadth) = down ? (c.Box.Height, c.Box.Width) : across ? (c.Box.Width, c.Box.Height) : (0, 0);
            return length > 0 && c.Area <= LineAcrossThickness * length && breadth <= (LineAcrossSlope * length) + LineAcrossThickness;
        }
    }

    // A line across is at most this thick on average (the paper lines' removal takes lines up to about 3 px) and
    // straight within 15 degrees of the way it runs (the slope PaperLines searches).
    private const int LineAcrossThickness = 3;
    private const double LineAcrossSlope = 0.27;

    /// <summary>
    /// Drops what is left of ruled or squared paper's lines after their removal: thin blobs (about two pixels thick at
    /// most) lying almost wholly along the lines (<see cref="InkImage.OnLines"/>), where a line was fainter or thicker
    /// than the removal reached, that are fainter than the strongest blob or one pixel wide. A piece of the digit cut
    /// off where a line crossed it keeps the pen's strength and its width. When nothing else is left, nothing is dropped.
    /// </summary>
    public static List<InkComponent> WithoutLineLeftovers(IReadOnlyList<InkComponent> components, int[] labels, bool[]? onLines, int width)
    {
        if (onLines is null || components.Count == 0)
        {
            return [.. components];
        }

        var strongest = components.Max(c => c.MeanInk);
        var kept = components.Where(c => !(IsThin(c) && (c.MeanInk < PenStrength * strongest || IsOnePixelWide(c)) && AlongLines(c))).ToList();
        return kept.Count > 0 ? kept : [.. components];

        bool AlongLines(InkComponent c)
        {
            var on = 0;
            for (var y = c.Box.Y; y < c.Box.Bottom; y++)
            {
                for (var i = (y * width) + c.Box.X; i < (y * width) + c.Box.Right; i++)
                {
                    on += labels[i] == c.Label && onLines[i] ? 1 : 0;
                }
            }

            return on >= LeftoverOnLines * c.Area;
        }
    }

    // On lined paper, blobs with at least this share of the strongest blob's mean ink have the pen's strength (pen ink
    // is darker than printed lines, and a piece of the digit cut off where a line crossed it keeps it); fainter thin
    // blobs along the lines are their leftovers.
    private const double PenStrength = 0.9;

    // The share of a blob's pixels on the lines that makes a thin blob a leftover of them.
    private const double LeftoverOnLines = 0.8;

    /// <summary>
    /// On a page of lines photographed whole, a digit written between two rules spans one gap: at the working size it
    /// is as small as what survives of the lines around it, and the box of everything kept spreads over the page. When
    /// the blobs with the pen's strength (<see cref="PenStrength"/>) and whatever lies near them fill a small part of
    /// that box, the rest is scattered leftovers, and the digit is what lies near the pen; unless that is only pieces
    /// one pixel wide, the edges of lines (on an empty page, so read, a piece of a rule would pass for a 1), or smaller
    /// than <paramref name="minDigitSide"/>.
    /// </summary>
    public static List<InkComponent> WithoutScatteredLeftovers(List<InkComponent> components, int minDigitSide)
    {
        if (components.Count < 2)
        {
            return components;
        }

        var strongest = components.Max(c => c.MeanInk);
        var pen = BoxOf(components.Where(c => c.MeanInk >= PenStrength * strongest));
        var reach = pen.Grown((int)(PenReach * Math.Max(pen.Width, pen.Height)));
        var near = components.Where(c => c.Box.Overlaps(reach)).ToList();
        var (nearBox, all) = (BoxOf(near), BoxOf(components));
        var scattered = (double)nearBox.Width * nearBox.Height < ScatteredShare * all.Width * all.Height;
        var notJustLineEdges = near.Any(c => !IsOnePixelWide(c));
        return scattered && notJustLineEdges && Math.Max(nearBox.Width, nearBox.Height) >= minDigitSide ? near : components;
    }

    // Near the pen: overlapping its blobs' box grown on every side by this many times its longer side (a fainter
    // stroke of the digit, a piece a line cut off).
    private const double PenReach = 1.5;

    // What lies near the pen is the digit only when its box covers less than this share of the box of all the ink kept.
    private const double ScatteredShare = 0.25;

    /// <summary>The box around all the blobs (at least one).</summary>
    public static PixelBox BoxOf(IEnumerable<InkComponent> components) => components.Select(c => c.Box).Aggregate((a, b) => a.Union(b));

    // A straight piece one pixel wide, across or down the image: what a line's edge leaves, however strong.
    private static bool IsOnePixelWide(InkComponent c) => Math.Min(c.Box.Width, c.Box.Height) == 1;

    // Thin: its area is at most twice its length.
    private static bool IsThin(InkComponent c) => c.Area <= 2 * Math.Max(c.Box.Width, c.Box.Height);

    /// <summary>
    /// Drops blobs much fainter than the strongest one: what is left of shadows and shading after
    /// background removal, next to real pen strokes.
    /// </summary>
    public static List<InkComponent> WithoutFaintShading(IReadOnlyList<InkComponent> components, double relativeInk = 0.4)
    {
        if (components.Count == 0)
        {
            return [];
        }

        var strongest = components.Max(c => c.MeanInk);
        return components.Where(c => c.MeanInk >= strongest * relativeInk).ToList();
    }

    // Blobs smaller than this (dust, grain) do not set the sharpness the others are judged by.
    private const int MinSharpnessArea = 12;

    /// <summary>
    /// Drops shading: blobs with soft edges. A pen stroke's ink falls to the paper within a pixel or two of its
    /// edge; a shadow that the background's removal left behind fades slowly, so just outside its edge the ink is
    /// nearly as strong as just inside. Blobs under <paramref name="relativeSharpness"/> of the sharpest blob's
    /// <see cref="InkComponent.Sharpness"/> go; a lone blob stays whatever its edges.
    /// </summary>
    public static List<InkComponent> WithoutSoftShading(IReadOnlyList<InkComponent> components, double relativeSharpness = 0.5)
    {
        if (components.Count < 2)
        {
            return [.. components];
        }

        var sharpest = components.Where(c => c.Area >= MinSharpnessArea).Select(c => c.Sharpness).DefaultIfEmpty(0).Max();
        return components.Where(c => c.Sharpness >= relativeSharpness * sharpest).ToList();
    }
}
