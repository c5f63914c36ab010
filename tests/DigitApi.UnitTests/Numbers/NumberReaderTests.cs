using DigitApi.Imaging;
using DigitApi.Inference;
using DigitApi.Numbers;
using DigitApi.Tests;
using Microsoft.Extensions.Options;

namespace DigitApi.UnitTests.Numbers;

/// <summary>
/// From a number's image to its digits: segmentation into candidates (<see cref="NumberPreprocessor"/>) and the
/// choice of reading with the real models (<see cref="NumberReader"/>), on numbers drawn from MNIST test digits.
/// </summary>
public sealed class NumberReaderTests(Pipeline pipeline) : IClassFixture<Pipeline>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public void Well_spaced_digits_become_one_candidate_each_left_to_right_where_their_ink_is()
    {
        var sample = Draw([0, 1, 2, 3], gap: 30);

        var number = Preprocessor().Prepare(sample.Image);

        Assert.Equal(4, number.Clusters.Count);
        for (var i = 0; i < 4; i++)
        {
            var single = number.Clusters[i].Readings.Single(r => r.Digits.Count == 1).Digits[0].Box;
            var (x, y, width, height) = sample.Boxes[i];
            Assert.InRange(single.X + (single.Width / 2), x, x + width);
            Assert.InRange(single.Y + (single.Height / 2), y, y + height);
        }
    }

    [Fact]
    public void Overlapping_digits_are_also_offered_cut_in_two()
    {
        var sample = Draw([0, 1], gap: -12);

        var number = Preprocessor().Prepare(sample.Image);

        var cluster = Assert.Single(number.Clusters);
        Assert.Contains(cluster.Readings, r => r.Digits.Count == 2);
    }

    [Fact]
    public void More_digits_than_the_limit_are_refused()
    {
        var sample = Draw([0, 1, 2, 3, 4], gap: 30);

        var error = Assert.Throws<TooManyDigitsException>(() => Preprocessor(maxDigits: 3).Prepare(sample.Image));

        Assert.Equal(422, error.StatusCode);
    }

    [Fact]
    public void Blank_paper_holds_no_number()
    {
        var blank = TestImages.Encode(TestImages.Gray(Enumerable.Repeat((byte)230, 200 * 100).ToArray(), 200, 100));

        var error = Assert.Throws<ImageRejectedException>(() => Preprocessor().Prepare(blank));

        Assert.StartsWith("No digit found", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { 0, 1, 2, 3 }, 30)]
    [InlineData(new[] { 4, 5, 6 }, 12)]
    [InlineData(new[] { 7, 8 }, 3)]
    [InlineData(new[] { 0, 1 }, -4)]
    public async Task The_reader_reads_the_number_the_digits_spell(int[] digits, int gap)
    {
        var sample = Draw(digits, gap);
        var reader = new NumberReader(pipeline.Classifier, Options.Create(new NumberOptions()));

        var reading = await reader.ReadAsync(Preprocessor().Prepare(sample.Image), ModelCatalog.EnsembleName, Cancel);

        Assert.Equal(sample.Number, reading.Number);
        Assert.Equal(reading.Digits.Aggregate(1f, (product, d) => product * d.Confidence), reading.Confidence, 1e-5f);
    }

    [Fact]
    public async Task A_digit_the_model_finds_odd_alone_is_not_cut_into_two_sure_digits()
    {
        // MNIST test digit 4,575 is a 4 the models score over their not-a-digit line; cut into pieces, each could read
        // as a surer digit than the whole. The reading the model is surest of overall is the one 4 (flagged uncertain).
        var sample = Draw([6027, 4575, 5992], gap: 30);
        var reader = new NumberReader(pipeline.Classifier, Options.Create(new NumberOptions()));

        var reading = await reader.ReadAsync(Preprocessor().Prepare(sample.Image), ModelCatalog.EnsembleName, Cancel);

        Assert.Equal("247", sample.Number);
        Assert.Equal("247", reading.Number);
        Assert.True(reading.Digits[1].NotADigit);
    }

    private NumberPreprocessor Preprocessor(int maxDigits = 12) =>
        new(pipeline.Decoder, Options.Create(new NumberOptions { MaxDigits = maxDigits }));

    // MNIST test digits at 3x, dark on light paper, evenly spaced by gap pixels (negative: overlapping).
    private static NumberSample Draw(int[] digits, int gap) => SyntheticNumbers.Draw(new NumberLayout(
        Digits: digits,
        Scale: 3,
        DigitScales: [.. digits.Select(_ => 1.0)],
        Gaps: [.. digits.Skip(1).Select(_ => gap)],
        Offsets: [.. digits.Select(_ => 0)]));
}
