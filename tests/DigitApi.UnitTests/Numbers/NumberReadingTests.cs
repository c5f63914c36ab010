using DigitApi.Imaging;
using DigitApi.Numbers;

namespace DigitApi.UnitTests.Numbers;

/// <summary>Which pieces of a read number decline it as not a number (<see cref="NumberReading.NotDigits"/>).</summary>
public sealed class NumberReadingTests
{
    // A sure digit; one over the not-a-digit line that the model still names; one over it that the model cannot place; one merely unsure.
    private static readonly ReadDigit Sure = Piece(notADigit: false, confidence: 0.99f);
    private static readonly ReadDigit OddButNamed = Piece(notADigit: true, confidence: 0.9f);
    private static readonly ReadDigit Unplaceable = Piece(notADigit: true, confidence: 0.3f);
    private static readonly ReadDigit Unsure = Piece(notADigit: false, confidence: 0.3f, uncertain: true);

    [Fact]
    public void One_odd_piece_the_model_still_names_among_sure_digits_is_read_and_the_number_is_uncertain()
    {
        var reading = Reading(Sure, OddButNamed, Sure);

        Assert.Empty(reading.NotDigits);
        Assert.True(reading.Uncertain);
    }

    [Fact]
    public void A_piece_the_model_cannot_place_declines_the_number()
    {
        var reading = Reading(Sure, Unplaceable, Sure);

        Assert.Equal([Unplaceable], reading.NotDigits);
    }

    [Theory]
    [InlineData(NumberReading.OddDigitLine, true)]
    [InlineData(NumberReading.OddDigitLine - 0.01f, false)]
    public void The_odd_piece_is_read_from_the_number_readers_own_line_whatever_the_models_uncertain_line(float confidence, bool read)
    {
        // Named under an uncertain line of 0.7 (the ensemble's), but at or above the number reader's own.
        var odd = Piece(notADigit: true, confidence);

        Assert.Equal(read, !Reading(Sure, odd, Sure).NotDigits.Any());
    }

    [Fact]
    public void A_lone_piece_over_the_line_is_declined_as_predict_declines_it()
    {
        Assert.Equal([OddButNamed], Reading(OddButNamed).NotDigits);
    }

    [Fact]
    public void Two_odd_pieces_decline_the_number()
    {
        var reading = Reading(Sure, OddButNamed, Sure, OddButNamed);

        Assert.Equal(2, reading.NotDigits.Count());
    }

    [Fact]
    public void An_odd_piece_beside_an_unsure_one_declines_the_number()
    {
        var reading = Reading(Sure, OddButNamed, Unsure);

        Assert.Equal([OddButNamed], reading.NotDigits);
    }

    [Fact]
    public void Pieces_under_the_not_a_digit_line_never_decline_the_number()
    {
        Assert.Empty(Reading(Sure, Unsure, Unsure).NotDigits);
    }

    private static NumberReading Reading(params ReadDigit[] digits) => new(string.Concat(digits.Select(d => d.Digit)), 0.5f, digits, "ensemble");

    // A piece over the not-a-digit line is always uncertain; one under it, as the model's uncertain line says.
    private static ReadDigit Piece(bool notADigit, float confidence, bool uncertain = false) =>
        new(4, confidence, new PixelBox(0, 0, 20, 30), notADigit || uncertain, notADigit);
}
