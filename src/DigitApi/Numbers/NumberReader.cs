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
/// <param name="BelowUncertainLine">Less confident than the model's uncertain line.</param>
public sealed record ReadDigit(int Digit, float Confidence, PixelBox Box, bool Uncertain, bool NotADigit, bool BelowUncertainLine)
{
    public ReadDigit(Prediction prediction, PixelBox box)
        : this(prediction.Digit, prediction.Confidence, box, prediction.Uncertain, prediction.NotADigit, prediction.BelowUncertainLine)
    {
    }
}

/// <summary>A read number: its digits left to right and the confidence that all of them are right.</summary>
public sealed record NumberReading(string Number, float Confidence, IReadOnlyList<ReadDigit> Digits, string Model)
{
    /// <summary>A person should check the number: one of its digits is uncertain (or not a digit at all).</summary>
    public bool Uncertain => Digits.Any(d => d.Uncertain);

    /// <summary>
    /// The pieces of ink that are not digits, which make the whole upload not a number; their digits are only best guesses.
    /// Inside a number, where digits are expected, a piece over the model's not-a-digit line is one of them only when the
    /// model cannot say which digit it would be either (below its uncertain line), or when more than half of the pieces
    /// are over the line (a word, a doodle; a lone piece is judged as /predict judges it). Any other piece over the line
    /// is read as a digit that looks a bit odd, flagged uncertain with the number. Why: the number evaluation's real
    /// digits over the line are mostly read with confidence above the uncertain line (16 of 19 in its tuning set, and
    /// 14 of those 18 numbers were read right), letters set among digits mostly not; a margin on the score alone
    /// does not tell the two apart (both lie within 0.45 of the ensemble's line).
    /// </summary>
    public IEnumerable<ReadDigit> NotDigits
    {
        get
        {
            var mostOver = 2 * Digits.Count(d => d.NotADigit) > Digits.Count;
            return Digits.Where(d => d.NotADigit && (mostOver || d.BelowUncertainLine));
        }
    }
}

/// <summary>
/// Classifies every digit candidate of a number in one batched inference, then keeps, for each cluster
/// of touching digits, the reading the model is most sure of. A reading whose pieces are all digits beats
/// any with a piece that is not a digit, so that ink is cut into digits where it can be; a piece no reading
/// makes a digit stays marked <see cref="ReadDigit.NotADigit"/> and never passes for one.
/// </summary>
public sealed class NumberReader(DigitClassifier classifier, IOptions<NumberOptions> options)
{
    // How far the model's evidence (calibrated log-confidences) counts against the geometric prior; fitted
    // together with ReadingPrior. The number evaluation reads the same at 2 and at 4, so it is not a fine knob.
    private const double ConfidenceWeight = 4.0;

    // A clean cut (see ReadingPrior.IsCleanCut) into digits the model is sure of is touching digits
    // almost every time, however narrow the pair.
    private const double CleanConfidence = 0.9;
    private const double CleanCutBonus = 3.0;

    private readonly int _maxDigits = options.Value.MaxDigits;

    /// <exception cref="TooManyDigitsException">The chosen readings hold more digits than a number may have.</exception>
    public async Task<NumberReading> ReadAsync(PreparedNumber number, string model, CancellationToken cancellationToken)
    {
        var candidates = number.Clusters.SelectMany(c => c.Readings).SelectMany(r => r.Digits).ToList();
        var predictions = await classifier.ClassifyAsync(model, candidates.Select(c => c.Pixels).ToList(), cancellationToken);

        var digits = new List<ReadDigit>();
        var row = 0;
        foreach (var cluster in number.Clusters)
        {
            List<ReadDigit>? best = null;
            var (bestAllDigits, bestScore) = (false, double.NegativeInfinity);
            foreach (var reading in cluster.Readings)
            {
                var read = reading.Digits.Select((d, i) => new ReadDigit(predictions[row + i], d.Box)).ToList();
                row += read.Count;
                var allDigits = read.TrueForAll(d => !d.NotADigit);
                var score = reading.LogPrior + (ConfidenceWeight * read.Sum(d => Math.Log(Math.Max(d.Confidence, 1e-9))))
                    + (reading.CleanCut && read.All(d => d.Confidence >= CleanConfidence) ? CleanCutBonus : 0);
                if ((allDigits && !bestAllDigits) || (allDigits == bestAllDigits && score > bestScore))
                {
                    (best, bestAllDigits, bestScore) = (read, allDigits, score);
                }
            }

            digits.AddRange(best!);
        }

        if (digits.Count > _maxDigits)
        {
            throw new TooManyDigitsException(_maxDigits, digits.Count);
        }

        var confidence = digits.Aggregate(1f, (product, d) => product * d.Confidence);
        return new NumberReading(string.Concat(digits.Select(d => d.Digit)), confidence, digits, predictions[0].Model);
    }
}
