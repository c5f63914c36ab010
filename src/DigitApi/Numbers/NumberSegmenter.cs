using DigitApi.Imaging;

namespace DigitApi.Numbers;

/// <summary>
/// Cuts the ink of a number written left to right into digits: connected components, specks dropped,
/// the pieces of broken digits merged, clusters of touching digits cut, ordered left to right.
/// Every size is judged against the typical digit height, so the rules hold at any resolution.
/// </summary>
public static class NumberSegmenter
{
    /// <summary>Marks smaller than this (fraction of the digit height) in both directions are dust.</summary>
    public const double SpeckSide = 0.15;

    /// <summary>A digit seldom breaks into more pieces than this; more marks than this many per digit is not a number.</summary>
    public const int MaxPiecesPerDigit = 4;

    /// <summary>Clusters of ink, left to right; empty when there is none.</summary>
    /// <exception cref="TooManyDigitsException">Far more marks than <paramref name="maxDigits"/> digits could leave.</exception>
    public static List<InkCluster> Segment(InkImage ink, int maxDigits)
    {
        var (labels, components) = ConnectedComponents.Label(ink);

        // What /predict drops, dropped here too: frames and paper edges, leftover shading; but not thin lines across
        // the image (a margin), as the 1 of a number cut tight to its ink runs from edge to edge beside other digits.
        var marks = ConnectedComponents.WithoutFaintShading(ConnectedComponents.WithoutEdgeArtifacts(components, labels, ink.Width, ink.Height));
        if (marks.Count == 0)
        {
            return [];
        }

        var height = DigitHeight(marks);
        var pieces = marks.Where(c => Math.Max(c.Box.Width, c.Box.Height) >= SpeckSide * height).ToList();
        if (pieces.Count > MaxPiecesPerDigit * maxDigits)
        {
            // Also bounds the work below, which grows with the square of the marks.
            throw new TooManyDigitsException(maxDigits);
        }

        return PieceGrouper.Group(pieces, height)
            .Select(group => TouchingDigitSplitter.Split(labels, ink.Width, components.Count, group, height))
            .OrderBy(cluster => cluster.Box.X + (cluster.Box.Width / 2.0))
            .ToList();
    }

    /// <summary>
    /// The median height of the tall blobs. Digits of one number share a height far better than a width
    /// (a 1 is narrow, a 0 is wide), and specks, bars and stroke fragments are all shorter.
    /// </summary>
    public static double DigitHeight(IReadOnlyList<InkComponent> components)
    {
        var tallest = components.Max(c => c.Box.Height);
        var heights = components.Select(c => c.Box.Height).Where(h => h >= tallest / 2).Order().ToList();
        return heights.Count % 2 == 1
            ? heights[heights.Count / 2]
            : (heights[(heights.Count / 2) - 1] + heights[heights.Count / 2]) / 2.0;
    }
}
