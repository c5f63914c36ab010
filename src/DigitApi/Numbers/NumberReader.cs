using DigitApi.Imaging;
using DigitApi.Inference;
using Microsoft.Extensions.Options;

namespace DigitApi.Numbers;

/// <summary>One digit of a read number, where it was found in the uploaded image, and how far to trust it.</summary>
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

    /// <summary>The pieces of ink that do not look like digits; their digits are only best guesses.</summary>
    public IEnumerable<ReadDigit> NotDigits => Digits.Where(d => d.NotADigit);
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
