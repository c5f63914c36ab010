namespace DigitApi.Imaging;

/// <summary>One 8-connected blob of ink.</summary>
public sealed record InkComponent(int Label, int Area, PixelBox Box);

/// <summary>Labels 8-connected ink regions of a mask (iterative flood fill: no recursion, no stack overflow).</summary>
public static class ConnectedComponents
{
    /// <summary>Labels start at 1; 0 is background.</summary>
    public static (int[] Labels, List<InkComponent> Components) Label(bool[] mask, int width, int height)
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
            int area = 0, minX = width, minY = height, maxX = -1, maxY = -1;
            labels[start] = label;
            stack.Push(start);
            while (stack.Count > 0)
            {
                var index = stack.Pop();
                var (x, y) = (index % width, index / width);
                area++;
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

            components.Add(new InkComponent(label, area, new PixelBox(minX, minY, maxX - minX + 1, maxY - minY + 1)));
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
}
