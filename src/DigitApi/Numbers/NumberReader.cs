using DigitApi.Imaging;
using DigitApi.Inference;
using Microsoft.Extensions.Options;

namespace DigitApi.Numbers;

/// <summary>One digit of a read number, where it was found in the uploaded image, and how far to trust it.</summary>
/// <param name="Digit">The digit, or the best guess for a piece that is not one.</param>
/// <param name="Confidence">Its calibrated probability.</param>
/// <param name="Box">Where its ink lies in the uploaded image.</param>
/// <param name="Uncertain">A person should check it: over the not-a-digit line, or below the uncertain line.</param>
/// <param name="NotADigit">Over the model's not-a-digit line (<see cref="NumberReading.NotDigits"/> says what that costs the number).</param>
public sealed record ReadDigit(int Digit, float Confidence, PixelBox Box, bool Uncertain, bool NotADigit)
{
    public ReadDigit(Prediction prediction, PixelBox box)
        : this(prediction.Digit, prediction.Confidence, box, prediction.Uncertain, prediction.NotADigit)
    {
    }
}

/// <summary>A read number: its digits left to right and the confidence that all of them are right.</summary>
public sealed record NumberReading(string Number, float Confidence, IReadOnlyList<ReadDigit> Digits, string Model)
{
    /// <summary>A person should check the number: one of its digits is uncertain (or not a digit at all).</summary>
    public bool Uncertain => Digits.Any(d => d.Uncertain);

    /// <summary>
    /// The confidence from which the one odd piece of a number still counts as a digit (see <see cref="NotDigits"/>).
    /// Fitted on the tuning numbers (seed 1002) with the committed ensemble: at 0.4, 0.5, 0.6 and 0.7 (the ensemble's own
    /// uncertain line) they read 95.5, 95.3, 94.9 and 94.8 % exactly, and 29.9, 39.7, 45.0 and 48.8 % of the numbers with
    /// a handwritten letter are declined: 0.5 reads all but two of the numbers the lowest line reads, and declines ten
    /// points more of those with a letter.
    /// </summary>
    public const float OddDigitLine = 0.5f;

    /// <summary>The pieces of ink that are not digits, which make the upload not a number; their digits are only best guesses.</summary>
    /// <remarks>
    /// Inside a number, where digits are expected, one piece over the model's not-a-digit line is read as a digit that
    /// looks a bit odd, flagged uncertain with the number, when the model still names its digit with at least
    /// <see cref="OddDigitLine"/> confidence and every other piece is a sure digit. Otherwise every piece over the line is
    /// not a digit: a lone piece is judged as /predict judges it, and a word, a doodle or a letter the model cannot place
    /// stays declined. Why: most real digits over the line are named with more confidence than that, most letters set
    /// among digits are not, and a margin on the score alone cannot tell the two apart (docs/api.md gives the measurements).
    /// </remarks>
    public IEnumerable<ReadDigit> NotDigits
    {
        get
        {
            var over = Digits.Where(d => d.NotADigit).ToList();
            var oneOddDigit = over.Count == 1 && Digits.Count > 1 && over[0].Confidence >= OddDigitLine && Digits.Count(d => d.Uncertain) == 1;
            return oneOddDigit ? [] : over;
        }
    }
}

/// <summary>
/// Classifies every digit candidate of a number in one batched inference, then keeps, for each cluster
/// of touching digits, the reading the model is most sure of (geometry and confidence alone: a cut is not preferred
/// for making every piece a digit, which would cut letters into digits, an H into 11, and a digit the model finds
/// odd into two sure ones, a 4 into 27). A piece over the not-a-digit line stays marked
/// <see cref="ReadDigit.NotADigit"/> and passes for a digit only as <see cref="NumberReading.NotDigits"/> allows,
/// flagged uncertain.
/// </summary>
public sealed class NumberReader(DigitClassifier classifier, IOptions<NumberOptions> options)
{
    // How far the model's evidence (calibrated log-confidences) counts against the geometric prior; fitted
    // together with ReadingPrior. From 2 to 6 the tuning numbers (seeds 1002-1004) read 95.8-95.9 % alike (95.5 % at 1),
    // so it is not a fine knob; lower weights decline more numbers with a letter and more handwritten words
    // (35 % and 88 % at 2, 33 % and 85.5 % at 3, 31 % and 83.5 % at 4), so the lowest weight that reads as many
    // numbers is the one kept.
    private const double ConfidenceWeight = 3.0;

    // A clean cut (see ReadingPrior.IsCleanCut) into digits the model is sure of is touching digits
    // almost every time, however narrow the pair, unless the model is as sure of the whole as one digit.
    private const double CleanConfidence = 0.9;
    private const double CleanCutBonus = 3.0;

    private readonly int _maxDigits = options.Value.MaxDigits;

    /// <exception cref="TooManyDigitsException">The chosen readings hold more digits than a number may have.</exception>
    public async Task<NumberReading> ReadAsync(PreparedNumber number, string model, CancellationToken cancellationToken)
    {
        var candidates = number.Clusters.SelectMany(c => c.Readings).SelectMany(r => r.Digits).ToList();
        var predictions = await classifier.ClassifyAsync(model, candidates, cancellationToken);

        var digits = new List<ReadDigit>();
        var row = 0;
        foreach (var cluster in number.Clusters)
        {
            var readings = new List<(PreparedReading Reading, List<ReadDigit> Digits)>();
            foreach (var reading in cluster.Readings)
            {
                readings.Add((reading, reading.Digits.Select((d, i) => new ReadDigit(predictions[row + i], d.Box)).ToList()));
                row += reading.Digits.Count;
            }

            // A clean cut earns its bonus only where the model is not already sure the whole cluster is one digit:
            // an 8 whose left side reads as a sure 1 is still an 8, not 13.
            var wholeIsSure = readings.Any(r => r.Digits.Count == 1 && r.Digits[0].Confidence >= CleanConfidence);
            digits.AddRange(readings.MaxBy(r => Score(r.Reading, r.Digits, wholeIsSure)).Digits);
        }

        if (digits.Count > _maxDigits)
        {
            throw new TooManyDigitsException(_maxDigits, digits.Count);
        }

        var confidence = digits.Aggregate(1f, (product, d) => product * d.Confidence);
        return new NumberReading(string.Concat(digits.Select(d => d.Digit)), confidence, digits, predictions[0].Model);
    }

    private static double Score(PreparedReading reading, List<ReadDigit> digits, bool wholeIsSure) =>
        reading.LogPrior + (ConfidenceWeight * digits.Sum(d => Math.Log(Math.Max(d.Confidence, 1e-9))))
        + (reading.CleanCut && !wholeIsSure && digits.All(d => d.Confidence >= CleanConfidence) ? CleanCutBonus : 0);
}
