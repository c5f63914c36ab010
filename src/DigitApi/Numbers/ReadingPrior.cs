namespace DigitApi.Numbers;

/// <summary>
/// How likely a cut of a cluster into digits is from its geometry alone: how many digits a cluster of
/// its width usually holds (ordinal logistic in the width), how many pen strokes the cuts cross, and
/// whether every piece is as tall as a digit. The constants were fitted on synthetic numbers drawn from
/// the first 4,000 MNIST test digits, which the accuracy tests do not use (docs/preprocessing.md).
/// </summary>
public static class ReadingPrior
{
    // Widths in digit heights: two digits become likelier than one at TwoDigitsFrom, each further
    // digit Pitch later; Sharpness is how quickly the odds turn.
    private const double TwoDigitsFrom = 1.1;
    private const double Pitch = 0.6;
    private const double Sharpness = 6;

    // Log-probability charged per digit height a piece falls short of PieceHeight, and per stroke a
    // cut crosses beyond the one where touching digits meet.
    private const double PieceHeight = 0.8;
    private const double ShortPiecePenalty = 8;
    private const double StrokePenalty = 0.5;

    /// <summary>Pieces of a clean cut are at least this tall.</summary>
    private const double CleanPieceHeight = 0.85;

    public static double Of(InkCluster cluster, InkReading reading)
    {
        var width = cluster.Box.Width / cluster.DigitHeight;
        var count = reading.Digits.Count;
        var atLeast = count == 1 ? 1 : Logistic(width - TwoDigitsFrom - ((count - 2) * Pitch));
        var more = Logistic(width - TwoDigitsFrom - ((count - 1) * Pitch));
        var prior = Math.Log(Math.Max(atLeast - more, 1e-12));
        var shortPieces = reading.Digits.Sum(d => Math.Max(0, PieceHeight - (d.Box.Height / cluster.DigitHeight)));
        return prior - (ShortPiecePenalty * shortPieces) - (StrokePenalty * Math.Max(0, reading.StrokesCut - (count - 1)));
    }

    /// <summary>
    /// A cut into several digits that are each as tall as a digit, crossing one pen stroke per cut: what
    /// touching digits look like, and what cutting one digit apart rarely does.
    /// </summary>
    public static bool IsCleanCut(InkCluster cluster, InkReading reading) =>
        reading.Digits.Count > 1
        && reading.StrokesCut <= reading.Digits.Count - 1
        && reading.Digits.All(d => d.Box.Height >= CleanPieceHeight * cluster.DigitHeight);

    private static double Logistic(double x) => 1 / (1 + Math.Exp(-Sharpness * x));
}
