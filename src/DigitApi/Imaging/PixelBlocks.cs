namespace DigitApi.Imaging;

/// <summary>
/// An image enlarged in whole-pixel blocks (nearest neighbour: an 8x8 or 16x16 scan saved at 64x64, a 32x32 bitmap at
/// 128x128, an 8x8 scan at 28x28 in blocks of 3 and 4 pixels) brought back to its own pixels, so that the digit is read
/// from them and not from the blocks' stair-step edges.
/// </summary>
public static class PixelBlocks
{
    // A shorter side than this, once shrunk, is left enlarged (a blank or nearly blank image).
    private const int MinSide = 8;

    /// <summary>
    /// The image one pixel per block when every place where the values change along a row, and where one row differs
    /// from the one above, is the edge of a block at least 2 pixels wide: k x k blocks aligned with its top left corner
    /// (k dividing both sides), or, where the image changes along both sides, blocks that split each side as evenly as
    /// an image library enlarges by a fraction (3.5 times: blocks of 3 and 4 pixels, however it rounds their edges).
    /// Otherwise the image itself. Reading stops at the first two neighbouring changes, the first edge of a photo or a
    /// drawing.
    /// </summary>
    public static GrayImage Undo(GrayImage image)
    {
        var (w, h, pixels) = (image.Width, image.Height, image.Pixels);
        var k = Gcd(w, h);
        var rowEdges = new List<int>();
        var isColumnEdge = new bool[w + 1];
        for (var y = 0; y < h; y++)
        {
            var row = pixels.AsSpan(y * w, w);
            if (y > 0 && !row.SequenceEqual(pixels.AsSpan((y - 1) * w, w)))
            {
                if (rowEdges.Count > 0 && rowEdges[^1] == y - 1)
                {
                    return image;
                }

                rowEdges.Add(y);
                k = Gcd(k, y);
            }

            for (var x = NextChange(row, 1); x < w; x = NextChange(row, x + 1))
            {
                if (!isColumnEdge[x])
                {
                    if (isColumnEdge[x - 1] || isColumnEdge[x + 1])
                    {
                        return image;
                    }

                    isColumnEdge[x] = true;
                    k = Gcd(k, x);
                }
            }
        }

        if (k >= 2 && Math.Min(w, h) / k >= MinSide)
        {
            return Shrunk(image, [.. Enumerable.Range(0, w / k).Select(x => x * k)], [.. Enumerable.Range(0, h / k).Select(y => y * k)]);
        }

        var columnEdges = Enumerable.Range(1, w - 1).Where(x => isColumnEdge[x]).ToList();
        return columnEdges.Count > 0 && rowEdges.Count > 0 && Blocks(columnEdges, w) is { } columns && Blocks(rowEdges, h) is { } rows
            ? Shrunk(image, columns, rows)
            : image;
    }

    // One pixel of each block: the column and row each block starts at.
    private static GrayImage Shrunk(GrayImage image, int[] columns, int[] rows)
    {
        var shrunk = new byte[columns.Length * rows.Length];
        for (var y = 0; y < rows.Length; y++)
        {
            for (var x = 0; x < columns.Length; x++)
            {
                shrunk[(y * columns.Length) + x] = image.Pixels[(rows[y] * image.Width) + columns[x]];
            }
        }

        return new GrayImage(columns.Length, rows.Length, shrunk)
        {
            SourceScaleX = image.SourceScaleX * image.Width / columns.Length,
            SourceScaleY = image.SourceScaleY * image.Height / rows.Length,
        };
    }

    // For the fewest source pixels n (at least MinSide, at most half the side) that make each run between the edges a
    // whole number of blocks of side / n pixels, within a pixel (however the library rounded the blocks' edges), where
    // each source pixel's block lies: the start of its run, once per block. Null where no n fits.
    private static int[]? Blocks(List<int> edges, int side)
    {
        var starts = new List<int>(edges.Count + 2) { 0 };
        starts.AddRange(edges);
        starts.Add(side);
        var counts = new int[starts.Count - 1];
        for (var n = MinSide; n <= side / 2; n++)
        {
            var block = (double)side / n;
            var total = 0;
            for (var i = 0; i < counts.Length && total <= n; i++)
            {
                var length = starts[i + 1] - starts[i];
                counts[i] = (int)Math.Round(length / block);
                total += counts[i] > 0 && Math.Abs(length - (counts[i] * block)) < 1 ? counts[i] : n + 1;
            }

            if (total == n)
            {
                return [.. counts.SelectMany((count, i) => Enumerable.Repeat(starts[i], count))];
            }
        }

        return null;
    }

    // The first x from the given one on where the row's value differs from the one before it; the row's width if none.
    private static int NextChange(ReadOnlySpan<byte> row, int from) =>
        from >= row.Length ? row.Length : from + row[from..].CommonPrefixLength(row[(from - 1)..^1]);

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
