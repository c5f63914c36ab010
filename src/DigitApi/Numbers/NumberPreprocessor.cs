using DigitApi.Imaging;
using Microsoft.Extensions.Options;

namespace DigitApi.Numbers;

/// <summary>One way to read a cluster: its digits normalised like /predict's, and how plausible the cut is.</summary>
/// <param name="Digits">The digits, left to right; boxes in the uploaded image's pixels.</param>
/// <param name="LogPrior">Log-probability of this many digits and these cuts, from the geometry alone.</param>
/// <param name="CleanCut">Cut into several digits, each as tall as a digit, through one stroke per cut.</param>
public sealed record PreparedReading(IReadOnlyList<PreparedDigit> Digits, double LogPrior, bool CleanCut);

/// <summary>One cluster of ink with its readings.</summary>
public sealed record PreparedCluster(IReadOnlyList<PreparedReading> Readings);

/// <summary>A number ready for a model, cluster by cluster from left to right. Boxes are in the uploaded image's pixels.</summary>
public sealed record PreparedNumber(IReadOnlyList<PreparedCluster> Clusters);

/// <summary>Upload bytes to the digits of a number: decode, find the ink, segment, normalise each digit exactly as /predict does.</summary>
public sealed class NumberPreprocessor(IImageDecoder decoder, IOptions<NumberOptions> options)
{
    private readonly NumberOptions _options = options.Value;

    /// <exception cref="ImageRejectedException">Unreadable input, or no ink on it.</exception>
    /// <exception cref="TooManyDigitsException">More clusters of ink than a number may have digits.</exception>
    /// <param name="encoded">The upload.</param>
    /// <param name="clock">The request's decode time, checked between the stages; none: no limit.</param>
    public PreparedNumber Prepare(ReadOnlySpan<byte> encoded, DecodeClock? clock = null) => Prepare(decoder.Decode(encoded, clock), clock);

    public PreparedNumber Prepare(GrayImage image, DecodeClock? clock = null)
    {
        var ink = InkExtractor.Extract(image) ?? throw DigitPreprocessor.NoDigit();
        clock?.Check();
        var clusters = NumberSegmenter.Segment(ink, _options.MaxDigits);
        clock?.Check();
        if (clusters.Count == 0 || clusters.Max(c => Math.Max(c.Box.Width, c.Box.Height)) < DigitPreprocessor.MinDigitSide(image))
        {
            throw DigitPreprocessor.NoDigit();
        }

        if (clusters.Count > _options.MaxDigits)
        {
            throw new TooManyDigitsException(_options.MaxDigits, clusters.Count);
        }

        return new PreparedNumber(clusters.Select(cluster => new PreparedCluster(
            cluster.Readings.Select(reading => new PreparedReading(
                reading.Digits.Select(digit => new PreparedDigit(
                    DigitNormalizer.Normalize(ink, digit.LabelMap, digit.Labels, digit.Box),
                    digit.Box.Scale(image.SourceScaleX, image.SourceScaleY),
                    DigitPreprocessor.SideOf(image, image))).ToList(),
                ReadingPrior.Of(cluster, reading),
                ReadingPrior.IsCleanCut(cluster, reading))).ToList())).ToList());
    }
}
