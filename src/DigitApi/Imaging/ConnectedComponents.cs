namespace DigitApi.Imaging;

/// <summary>One 8-connected blob of ink; <paramref name="MeanInk"/> is its average ink value (0-255) when known.</summary>
public sealed record InkComponent(int Label, int Area, PixelBox Box, double MeanInk = 0);

/// <summary>Labels 8-connected ink regions of a mask (iterative flood fill: no recursion, no stack overflow).</summary>
public static class ConnectedComponents
{
    /// <summary>Labels the ink's mask, with each blob's mean ink value.</summary>
    public static (int[] Labels, List<InkComponent> Components) Label(InkImage ink) => Label(ink.Mask, ink.Width, ink.Height, ink.Ink);

    /// <summary>Labels start at 1; 0 is background.</summary>
    public static (int[] Labels, List<InkComponent> Components) Label(bool[] mask, int width, int height, byte[]? values = null)
    {
        var labels = new int[mask.Length];
        var components = new List<InkComponent>();
        var stack = new Stack<int>();
        for (var start = 0; start < mask.Length; start++)
        {
            if (!mask[start] || labels[start] != 0)
            {
                continue;
            }

            var label = components.Count + 1;
            long sum = 0;
            int area = 0, minX = width, minY = height, maxX = -1, maxY = -1;
            labels[start] = label;
            stack.Push(start);
            while (stack.Count > 0)
            {
                var index = stack.Pop();
                var (x, y) = (index % width, index / width);
                area++;
                sum += values?[index] ?? 0;
                (minX, maxX, minY, maxY) = (Math.Min(minX, x), Math.Max(maxX, x), Math.Min(minY, y), Math.Max(maxY, y));
                for (var dy = -1; dy <= 1; dy++)
                {
                    var ny = y + dy;
                    if (ny < 0 || ny >= height)
                    {
                        continue;
                    }

                    for (var dx = -1; dx <= 1; dx++)
                    {
                        var nx = x + dx;
                        if (nx < 0 || nx >= width)
                        {
                            continue;
                        }

                        var next = (ny * width) + nx;
                        if (mask[next] && labels[next] == 0)
                        {
                            labels[next] = label;
                            stack.Push(next);
                        }
                    }
                }
            }

            components.Add(new InkComponent(label, area, new PixelBox(minX, minY, maxX - minX + 1, maxY - minY + 1), (double)sum / area));
        }

        return (labels, components);
    }

    /// <summary>
    /// Drops specks: blobs far smaller than the largest one (paper grain, dust, sensor noise).
    /// </summary>
    public static List<InkComponent> WithoutSpecks(IReadOnlyList<InkComponent> components, double relativeArea = 0.06, int minArea = 3)
    {
        if (components.Count == 0)
        {
            return [];
        }

        var largest = components.Max(c => c.Area);
        var floor = Math.Max(minArea, largest * relativeArea);
        return components.Where(c => c.Area >= floor).ToList();
    }

    /// <summary>
    /// Drops what lies along the image edge rather than on the paper: frames, the paper's or table's
    /// edge, dark vignetting corners. A component is such an artifact when it touches the edge and most
    /// of its pixels lie within a thin band along it; a digit that merely touches the edge is kept.
    /// </summary>
    public static List<InkComponent> WithoutEdgeArtifacts(IReadOnlyList<InkComponent> components, int[] labels, int width, int height)
    {
        var band = Math.Max(2, Math.Max(width, height) / 50);
        var touching = components
            .Where(c => c.Box.X < band || c.Box.Y < band || c.Box.X + c.Box.Width > width - band || c.Box.Y + c.Box.Height > height - band)
            .ToDictionary(c => c.Label, _ => 0);
        if (touching.Count == 0)
        {
            return [.. components];
        }

        for (var y = 0; y < height; y++)
        {
            var inBandRow = y < band || y >= height - band;
            for (var x = 0; x < width; x++)
            {
                if ((inBandRow || x < band || x >= width - band) && touching.TryGetValue(labels[(y * width) + x], out var count))
                {
                    touching[labels[(y * width) + x]] = count + 1;
                }
            }
        }

        return components.Where(c => !touching.TryGetValue(c.Label, out var inBand) || inBand * 2 < c.Area).ToList();
    }

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
}
