using DigitApi.Imaging;

namespace DigitApi.Numbers;

/// <summary>
/// Offers the ways a group of ink can be cut into digits. How many digits a group holds is a guess from
/// its width (a 1 is narrow, a flat 0 is wide), so the guess and its neighbours are all offered; two
/// digits are cut at each of the few columns where the least ink crosses (vertical-projection minima),
/// more at the minima nearest an even spacing. Each cut follows the path of least ink from top to
/// bottom, so slanted digits that lean into each other come apart whole. The classifier's confidence
/// then picks the reading.
/// </summary>
public static class TouchingDigitSplitter
{
    // Widths are fractions of the digit height. The counts offered are the guess from the width (one
    // digit up to OneDigitUpTo, then one more per Pitch) and its two neighbours.
    private const double OneDigitUpTo = 1.2;
    private const double Pitch = 0.75;

    /// <summary>Groups narrower than this hold one digit and are never cut.</summary>
    private const double SplitFrom = 0.6;

    /// <summary>Narrowest piece a cut may leave (a 1 can be this thin).</summary>
    private const double MinPieceWidth = 0.08;

    /// <summary>Offered counts must leave pieces this wide on average, and no wider than the next.</summary>
    private const double MinMeanWidth = 0.25;
    private const double MaxPieceWidth = 1.6;

    /// <summary>A reading with a piece shorter than this is no reading.</summary>
    private const double MinPieceHeight = 0.3;

    /// <summary>How far a seam may wander from its column.</summary>
    private const double SeamDrift = 0.15;

    /// <summary>Two-digit cuts tried: the deepest projection minima, and evenly spread columns for overlapping digits.</summary>
    private const int PairMinima = 4;
    private const int PairSpread = 3;

    /// <summary>Three or more digits: the cut sets tried among the deepest minima, besides the even spacing.</summary>
    private const int ChainMinima = 8;
    private const int ChainCuts = 6;
    private const double SpacingWeight = 2;

    /// <summary>Share of the even spacing a cut may move to find less ink, when cutting three or more digits.</summary>
    private const double CutWindow = 0.35;

    public static InkCluster Split(int[] labels, int width, int labelCount, InkGroup group, double height)
    {
        var members = group.Components.Select(c => c.Label).ToHashSet();
        var whole = new InkReading([new DigitCandidate(labels, members, group.Box)], 0);
        var ratio = group.Box.Width / height;
        if (ratio < SplitFrom)
        {
            return new InkCluster(group.Box, height, [whole]);
        }

        var cutter = new Cutter(labels, width, labelCount, members, group.Box, height);
        var guess = ratio < OneDigitUpTo ? 1 : 2 + (int)((ratio - OneDigitUpTo) / Pitch);
        var readings = new List<InkReading>();
        foreach (var count in new[] { guess, guess - 1, guess + 1 })
        {
            if (count < 1 || ratio / count < MinMeanWidth || ratio / count > MaxPieceWidth)
            {
                continue;
            }

            if (count == 1)
            {
                readings.Add(whole);
                continue;
            }

            var cutSets = count == 2
                ? cutter.PairCuts(PairMinima, PairSpread).Select(c => new[] { c })
                : cutter.MinimaCuts(count, ChainMinima, ChainCuts).Append(cutter.EvenCuts(count, CutWindow)).DistinctBy(c => string.Join(",", c));
            readings.AddRange(cutSets.Select(cutter.Cut).OfType<InkReading>());
        }

        return new InkCluster(group.Box, height, readings.Count > 0 ? readings : [whole]);
    }

    /// <summary>Cuts one group of ink along seams.</summary>
    private sealed class Cutter
    {
        private readonly int[] _labels;
        private readonly int _width;
        private readonly int _labelCount;
        private readonly HashSet<int> _members;
        private readonly PixelBox _box;
        private readonly double _height;
        private readonly int[] _projection;

        public Cutter(int[] labels, int width, int labelCount, HashSet<int> members, PixelBox box, double height)
        {
            (_labels, _width, _labelCount, _members, _box, _height) = (labels, width, labelCount, members, box, height);
            _projection = new int[box.Width];
            for (var y = box.Y; y < box.Bottom; y++)
            {
                for (var x = box.X; x < box.Right; x++)
                {
                    if (IsInk(x, y))
                    {
                        _projection[x - box.X]++;
                    }
                }
            }
        }

        /// <summary>
        /// Columns (relative to the box) to cut two digits at: the deepest projection minima, then evenly
        /// spread columns for digits that overlap so much that no minimum lies between them.
        /// </summary>
        public List<int> PairCuts(int minima, int spread)
        {
            var margin = Math.Max(1, (int)Math.Ceiling(MinPieceWidth * _height));
            var found = Minima();
            var cuts = found.OrderBy(m => m.Ink).ThenBy(m => Math.Abs(m.Column - (_box.Width / 2))).Take(minima).Select(m => m.Column).ToList();
            for (var i = 1; i <= spread; i++)
            {
                var column = (int)Math.Round(_box.Width * (0.5 + ((i - ((spread + 1) / 2.0)) / (spread + 1))));
                if (cuts.All(c => Math.Abs(c - column) > margin))
                {
                    cuts.Add(column);
                }
            }

            return cuts;
        }

        /// <summary>
        /// Sets of <paramref name="count"/> - 1 cuts among the deepest projection minima that leave every
        /// piece digit-sized; the ones crossing the least ink, with the most even spacing, first.
        /// </summary>
        public IEnumerable<int[]> MinimaCuts(int count, int minima, int take)
        {
            var columns = Minima().OrderBy(m => m.Ink).Take(minima).Select(m => m.Column).Order().ToArray();
            var (narrowest, widest) = (MinPieceWidth * _height, MaxPieceWidth * _height);
            var mean = (double)_box.Width / count;

            // Ink crossed, in columns' worth of the cluster's average ink, plus how far the pieces stray from an even spacing.
            var columnInk = Math.Max(1, 3.0 * _projection.Average());
            return Combinations(columns, count - 1)
                .Where(cuts => Pieces(cuts).All(w => w >= narrowest && w <= widest))
                .OrderBy(cuts => (cuts.Sum(Smoothed) / columnInk) + (SpacingWeight * Pieces(cuts).Sum(w => Math.Abs(w - mean)) / mean))
                .Take(take);
        }

        /// <summary>Cuts near an even spacing, each at the least ink within its window.</summary>
        public int[] EvenCuts(int count, double window)
        {
            var cuts = new int[count - 1];
            var pitch = (double)_box.Width / count;
            var previous = 0;
            for (var i = 1; i < count; i++)
            {
                var ideal = i * pitch;
                var from = Math.Max(previous + 1, (int)Math.Ceiling(ideal - (window * pitch)));
                var to = Math.Min(_box.Width - 1, (int)Math.Floor(ideal + (window * pitch)));
                var best = (int)Math.Round(ideal);
                var bestCost = double.MaxValue;
                for (var x = from; x <= to; x++)
                {
                    // A slight pull towards the even column breaks ties.
                    var cost = Smoothed(x) + (Math.Abs(x - ideal) / pitch);
                    if (cost < bestCost)
                    {
                        (best, bestCost) = (x, cost);
                    }
                }

                cuts[i - 1] = previous = best;
            }

            return cuts;
        }

        private List<(int Column, int Ink)> Minima()
        {
            var margin = Math.Max(1, (int)Math.Ceiling(MinPieceWidth * _height));
            var found = new List<(int Column, int Ink)>();
            for (var x = margin; x < _box.Width - margin; x++)
            {
                var ink = Smoothed(x);
                if (ink <= Smoothed(x - 1) && ink < Smoothed(x + 1))
                {
                    found.Add((x, ink));
                }
            }

            return found;
        }

        private IEnumerable<int> Pieces(int[] cuts) => cuts.Append(_box.Width).Zip(cuts.Prepend(0), (right, left) => right - left);

        private static IEnumerable<int[]> Combinations(int[] columns, int size, int from = 0)
        {
            if (size == 0)
            {
                yield return [];
                yield break;
            }

            for (var i = from; i <= columns.Length - size; i++)
            {
                foreach (var rest in Combinations(columns, size - 1, i + 1))
                {
                    yield return [columns[i], .. rest];
                }
            }
        }

        /// <summary>The pieces between the cuts, or null when one of them is not digit-like.</summary>
        public InkReading? Cut(int[] cuts)
        {
            var seams = cuts.Select(Seam).ToArray();
            var strokes = seams.Sum(StrokesAlong);
            var map = (int[])_labels.Clone();
            var count = cuts.Length + 1;
            var bounds = new (int MinX, int MinY, int MaxX, int MaxY, int Area)[count];
            Array.Fill(bounds, (int.MaxValue, int.MaxValue, -1, -1, 0));
            for (var y = _box.Y; y < _box.Bottom; y++)
            {
                for (var x = _box.X; x < _box.Right; x++)
                {
                    if (!IsInk(x, y))
                    {
                        continue;
                    }

                    var piece = 0;
                    while (piece < seams.Length && x - _box.X >= seams[piece][y - _box.Y])
                    {
                        piece++;
                    }

                    map[(y * _width) + x] = _labelCount + 1 + piece;
                    var b = bounds[piece];
                    bounds[piece] = (Math.Min(b.MinX, x), Math.Min(b.MinY, y), Math.Max(b.MaxX, x), Math.Max(b.MaxY, y), b.Area + 1);
                }
            }

            var candidates = new List<DigitCandidate>(count);
            for (var piece = 0; piece < count; piece++)
            {
                var b = bounds[piece];
                if (b.Area == 0 || b.MaxY - b.MinY + 1 < MinPieceHeight * _height)
                {
                    return null;
                }

                candidates.Add(new DigitCandidate(map, new HashSet<int> { _labelCount + 1 + piece }, new PixelBox(b.MinX, b.MinY, b.MaxX - b.MinX + 1, b.MaxY - b.MinY + 1)));
            }

            return new InkReading(candidates, strokes);
        }

        // Runs of ink the seam passes through from top to bottom.
        private int StrokesAlong(int[] seam)
        {
            var runs = 0;
            var inInk = false;
            for (var y = 0; y < seam.Length; y++)
            {
                // The seam leaves a row between two columns: ink on either side of it counts as crossed.
                var x = _box.X + seam[y];
                var ink = IsInk(x, _box.Y + y) || (x > _box.X && IsInk(x - 1, _box.Y + y));
                runs += ink && !inInk ? 1 : 0;
                inInk = ink;
            }

            return runs;
        }

        // The top-to-bottom path through the least ink that stays near the cut column, drifting at most a
        // pixel per row (dynamic programming); returns, per row, the first column right of the seam.
        private int[] Seam(int column)
        {
            var drift = Math.Max(2, (int)(SeamDrift * _height));
            var from = Math.Max(0, column - drift);
            var to = Math.Min(_box.Width - 1, column + drift);
            var span = to - from + 1;
            var rows = _box.Height;
            var cost = new double[rows * span];
            var step = new sbyte[rows * span];
            for (var y = 0; y < rows; y++)
            {
                for (var i = 0; i < span; i++)
                {
                    // Ink is expensive; straying from the chosen column costs a little.
                    var own = (IsInk(_box.X + from + i, _box.Y + y) ? 1.0 : 0.0) + (0.01 * Math.Abs(from + i - column));
                    if (y == 0)
                    {
                        cost[i] = own;
                        continue;
                    }

                    var best = double.MaxValue;
                    sbyte move = 0;
                    for (sbyte d = -1; d <= 1; d++)
                    {
                        var j = i + d;
                        if (j >= 0 && j < span && cost[((y - 1) * span) + j] < best)
                        {
                            (best, move) = (cost[((y - 1) * span) + j], d);
                        }
                    }

                    cost[(y * span) + i] = best + own;
                    step[(y * span) + i] = move;
                }
            }

            var seam = new int[rows];
            var end = 0;
            for (var i = 1; i < span; i++)
            {
                if (cost[((rows - 1) * span) + i] < cost[((rows - 1) * span) + end])
                {
                    end = i;
                }
            }

            for (var y = rows - 1; y >= 0; y--)
            {
                seam[y] = from + end;
                end += step[(y * span) + end];
            }

            return seam;
        }

        private int Smoothed(int x) => At(x - 1) + At(x) + At(x + 1);

        private int At(int x) => x >= 0 && x < _projection.Length ? _projection[x] : 0;

        private bool IsInk(int x, int y) => _members.Contains(_labels[(y * _width) + x]);
    }
}
