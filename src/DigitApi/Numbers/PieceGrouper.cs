using DigitApi.Imaging;

namespace DigitApi.Numbers;

/// <summary>
/// Puts the pieces of a broken digit back together: a 5 whose top bar is lifted off, a 7 with a
/// separate cross bar, a 4 drawn in two strokes, a stroke broken by faint ink. A piece (short like a
/// bar, or small both ways) joins the digit whose columns it shares, or the one right beside it; two
/// full-size blobs are never merged, since side by side they are two digits however close they stand.
/// </summary>
public static class PieceGrouper
{
    // Sizes are fractions of the digit height. A piece is shorter than PieceHeight, or smaller than
    // PieceSide both ways; one that joins no digit and is smaller than StraySide both ways, or flatter
    // than FlatSide, is dropped.
    private const double PieceSide = 0.7;
    private const double PieceHeight = 0.5;
    private const double StraySide = 0.35;
    private const double FlatSide = 0.3;

    /// <summary>A digit with its pieces back is no larger than this.</summary>
    private const double MaxDigitWidth = 1.5;
    private const double MaxDigitHeight = 1.6;

    /// <summary>Share of a piece's width that must lie over the digit it joins.</summary>
    private const double MinOverlap = 0.4;

    /// <summary>Farthest a piece may stand beside the digit it joins.</summary>
    private const double MaxGap = 0.15;

    // Stacked halves share this much of the narrower one's columns and at most this much of the
    // shorter one's rows, and together are no taller than a large digit.
    private const double StackedOverlap = 0.6;
    private const double StackedRows = 0.5;
    private const double StackedHeight = 1.3;

    public static List<InkGroup> Group(IReadOnlyList<InkComponent> blobs, double height)
    {
        var groups = blobs.Select(b => new InkGroup(b)).ToList();
        MergeStacked(groups, height);
        bool merged;
        do
        {
            merged = false;
            foreach (var piece in groups.Where(g => IsPiece(g, height)).OrderBy(g => g.Area))
            {
                var target = BestHost(piece, groups, height);
                if (target is not null)
                {
                    target.Absorb(piece);
                    groups.Remove(piece);
                    merged = true;
                    break;
                }
            }
        }
        while (merged);

        // A small or flat piece that joined no digit is a stray mark: a scratch, a dot, a smudge, a lone bar.
        return groups.Where(g => Math.Max(g.Box.Width, g.Box.Height) >= StraySide * height && g.Box.Height >= FlatSide * height).ToList();
    }

    // Digits of a number stand side by side; two blobs one above the other, sharing most of their
    // columns, are the halves of one digit (a 3, 5 or 8 broken across its middle).
    private static void MergeStacked(List<InkGroup> groups, double height)
    {
        for (var i = 0; i < groups.Count; i++)
        {
            for (var j = i + 1; j < groups.Count; j++)
            {
                var (a, b) = (groups[i].Box, groups[j].Box);
                var columns = Math.Min(a.Right, b.Right) - Math.Max(a.X, b.X);
                var rows = Math.Min(a.Bottom, b.Bottom) - Math.Max(a.Y, b.Y);
                if (columns >= StackedOverlap * Math.Min(a.Width, b.Width) && rows <= StackedRows * Math.Min(a.Height, b.Height)
                    && a.Union(b).Height <= StackedHeight * height)
                {
                    groups[i].Absorb(groups[j]);
                    groups.RemoveAt(j);
                    j = i;
                }
            }
        }
    }

    // Short (a bar) or small (a fragment of a stroke); a digit is neither.
    private static bool IsPiece(InkGroup group, double height) =>
        group.Box.Height < PieceHeight * height || Math.Max(group.Box.Width, group.Box.Height) < PieceSide * height;

    // The digit the piece belongs to: the one whose columns cover most of it, or failing that the nearest
    // one within reach (a 5's bar lifted off to the right of its body). The union must stay digit-sized.
    private static InkGroup? BestHost(InkGroup piece, List<InkGroup> groups, double height)
    {
        InkGroup? best = null;
        var bestScore = double.NegativeInfinity;
        foreach (var candidate in groups)
        {
            if (ReferenceEquals(candidate, piece))
            {
                continue;
            }

            var union = candidate.Box.Union(piece.Box);
            var shared = Math.Min(candidate.Box.Right, piece.Box.Right) - Math.Max(candidate.Box.X, piece.Box.X);
            var overlap = (double)shared / piece.Box.Width;

            // Touching digits may already make the host wider than a digit; a piece over its columns may still join it.
            var widest = Math.Max(MaxDigitWidth * height, overlap >= MinOverlap ? candidate.Box.Width + (MaxGap * height) : 0);
            if (union.Width > widest || union.Height > MaxDigitHeight * height)
            {
                continue;
            }

            var gap = Math.Max(0, -shared) / height;
            var reachable = overlap >= MinOverlap || gap <= MaxGap;
            var score = overlap - gap;
            if (reachable && score > bestScore)
            {
                (best, bestScore) = (candidate, score);
            }
        }

        return best;
    }
}
