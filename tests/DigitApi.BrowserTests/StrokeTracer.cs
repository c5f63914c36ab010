namespace DigitApi.BrowserTests;

/// <summary>A point in the 28x28 MNIST frame (0..28 on both axes).</summary>
public readonly record struct Point(double X, double Y);

/// <summary>Pen strokes that redraw a digit, and the pen width (in 28x28 pixels) that gives back its ink.</summary>
public sealed record Drawing(IReadOnlyList<IReadOnlyList<Point>> Strokes, double PenWidth);

/// <summary>
/// Turns an MNIST image into pen strokes, the way a person would retrace it: the ink is thinned to
/// its one-pixel centre line (Zhang-Suen), the centre line is followed into polylines, and the pen
/// width is the ink area divided by the centre line's length. Drawn with that pen, the strokes give
/// back the digit's shape and thickness.
/// </summary>
public static class StrokeTracer
{
    private const int Scale = 4; // trace a 112x112 upsampling: smoother centre lines than at 28x28
    private const int Size = 28 * Scale;

    public static Drawing Trace(byte[] pixels)
    {
        var ink = Binarize(Upsample(pixels));
        var area = ink.Count(p => p);
        var skeleton = Thin(ink);
        var length = Math.Max(1, skeleton.Count(p => p));
        var strokes = Follow(skeleton)
            .Select(path => Simplify(path, 0.75).Select(i => new Point((i % Size + 0.5) / Scale, (i / Size + 0.5) / Scale)).ToArray())
            .ToArray();
        return new Drawing(strokes, (double)area / length / Scale);
    }

    /// <summary>Bilinear upsampling of the 28x28 gray image.</summary>
    private static double[] Upsample(byte[] pixels)
    {
        var result = new double[Size * Size];
        for (var y = 0; y < Size; y++)
        {
            for (var x = 0; x < Size; x++)
            {
                var sx = Math.Clamp(((x + 0.5) / Scale) - 0.5, 0, 27);
                var sy = Math.Clamp(((y + 0.5) / Scale) - 0.5, 0, 27);
                int x0 = (int)sx, y0 = (int)sy, x1 = Math.Min(x0 + 1, 27), y1 = Math.Min(y0 + 1, 27);
                double fx = sx - x0, fy = sy - y0;
                result[(y * Size) + x] =
                    (pixels[(y0 * 28) + x0] * (1 - fx) * (1 - fy)) + (pixels[(y0 * 28) + x1] * fx * (1 - fy))
                    + (pixels[(y1 * 28) + x0] * (1 - fx) * fy) + (pixels[(y1 * 28) + x1] * fx * fy);
            }
        }

        return result;
    }

    private static bool[] Binarize(double[] gray) => gray.Select(v => v >= 128).ToArray();

    /// <summary>Zhang-Suen thinning: peels boundary pixels until a one-pixel-wide centre line is left.</summary>
    private static bool[] Thin(bool[] image)
    {
        var img = (bool[])image.Clone();
        var remove = new List<int>();
        bool changed;
        do
        {
            changed = false;
            for (var pass = 0; pass < 2; pass++)
            {
                remove.Clear();
                for (var y = 1; y < Size - 1; y++)
                {
                    for (var x = 1; x < Size - 1; x++)
                    {
                        var i = (y * Size) + x;
                        if (!img[i])
                        {
                            continue;
                        }

                        // P2..P9 clockwise from north.
                        bool p2 = img[i - Size], p3 = img[i - Size + 1], p4 = img[i + 1], p5 = img[i + Size + 1];
                        bool p6 = img[i + Size], p7 = img[i + Size - 1], p8 = img[i - 1], p9 = img[i - Size - 1];
                        bool[] ring = [p2, p3, p4, p5, p6, p7, p8, p9, p2];
                        var neighbours = ring.Take(8).Count(p => p);
                        var transitions = 0;
                        for (var k = 0; k < 8; k++)
                        {
                            transitions += !ring[k] && ring[k + 1] ? 1 : 0;
                        }

                        var keep = pass == 0 ? (p2 && p4 && p6) || (p4 && p6 && p8) : (p2 && p4 && p8) || (p2 && p6 && p8);
                        if (neighbours is >= 2 and <= 6 && transitions == 1 && !keep)
                        {
                            remove.Add(i);
                        }
                    }
                }

                foreach (var i in remove)
                {
                    img[i] = false;
                }

                changed |= remove.Count > 0;
            }
        }
        while (changed);

        return img;
    }

    /// <summary>
    /// Neighbours under m-adjacency: a diagonal neighbour counts only when no shared orthogonal
    /// neighbour already links the two, so staircase corners do not look like junctions.
    /// </summary>
    private static List<int> Neighbours(bool[] img, int i)
    {
        int x = i % Size, y = i / Size;
        var result = new List<int>(4);
        bool At(int dx, int dy) => x + dx is >= 0 and < Size && y + dy is >= 0 and < Size && img[((y + dy) * Size) + x + dx];
        foreach (var (dx, dy) in new[] { (0, -1), (1, 0), (0, 1), (-1, 0) })
        {
            if (At(dx, dy))
            {
                result.Add(((y + dy) * Size) + x + dx);
            }
        }

        foreach (var (dx, dy) in new[] { (1, -1), (1, 1), (-1, 1), (-1, -1) })
        {
            if (At(dx, dy) && !At(dx, 0) && !At(0, dy))
            {
                result.Add(((y + dy) * Size) + x + dx);
            }
        }

        return result;
    }

    /// <summary>Splits the centre line into polylines between ends and junctions; closed loops become one stroke each.</summary>
    private static List<List<int>> Follow(bool[] skeleton)
    {
        var nodes = Enumerable.Range(0, skeleton.Length).Where(i => skeleton[i]).ToArray();
        var adjacency = nodes.ToDictionary(i => i, i => Neighbours(skeleton, i));
        var walked = new HashSet<(int, int)>();
        var paths = new List<List<int>>();
        bool Walk(int a, int b) => walked.Add(a < b ? (a, b) : (b, a));

        // Ends first, then junctions, then whatever is left (loops such as a 0).
        var starts = nodes.OrderBy(i => adjacency[i].Count switch { 1 => 0, 2 => 2, _ => 1 });
        foreach (var start in starts)
        {
            if (adjacency[start].Count == 0)
            {
                paths.Add([start]);
                continue;
            }

            foreach (var first in adjacency[start])
            {
                if (!Walk(start, first))
                {
                    continue;
                }

                var path = new List<int> { start, first };
                var current = first;
                while (adjacency[current].Count == 2)
                {
                    var next = adjacency[current].FirstOrDefault(n => Walk(current, n), -1);
                    if (next < 0)
                    {
                        break;
                    }

                    path.Add(next);
                    current = next;
                }

                paths.Add(path);
            }
        }

        return paths;
    }

    /// <summary>Ramer-Douglas-Peucker: drops points within <paramref name="tolerance"/> pixels of the line.</summary>
    private static List<int> Simplify(List<int> path, double tolerance)
    {
        if (path.Count < 3)
        {
            return path;
        }

        int ax = path[0] % Size, ay = path[0] / Size, bx = path[^1] % Size, by = path[^1] / Size;
        double dx = bx - ax, dy = by - ay, norm = Math.Sqrt((dx * dx) + (dy * dy));
        var farthest = 0;
        var distance = 0.0;
        for (var k = 1; k < path.Count - 1; k++)
        {
            int px = path[k] % Size, py = path[k] / Size;
            var d = norm == 0 ? Math.Sqrt(((px - ax) * (px - ax)) + ((py - ay) * (py - ay))) : Math.Abs((dy * (px - ax)) - (dx * (py - ay))) / norm;
            if (d > distance)
            {
                distance = d;
                farthest = k;
            }
        }

        if (distance <= tolerance)
        {
            return [path[0], path[^1]];
        }

        var left = Simplify(path[..(farthest + 1)], tolerance);
        var right = Simplify(path[farthest..], tolerance);
        return [.. left, .. right.Skip(1)];
    }
}
