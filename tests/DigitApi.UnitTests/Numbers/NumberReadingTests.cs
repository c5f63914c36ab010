using DigitApi.Imaging;
using DigitApi.Numbers;

namespace DigitApi.UnitTests.Numbers;

/// <summary>Which pieces of a read number decline it as not a number (<see cref="NumberReading.NotDigits"/>).</summary>
public sealed class NumberReadingTests
{
    // A sure digit; one over the not-a-digit line that the model still names; one over it that the model cannot place; one merely unsure.
    private static readonly ReadDigit Sure = Piece(notADigit: false, belowUncertainLine: false);
    private static readonly ReadDigit OddButNamed = Piece(notADigit: true, belowUncertainLine: false);
    private static readonly ReadDigit Unplaceable = Piece(notADigit: true, belowUncertainLine: true);
    private static readonly ReadDigit Unsure = Piece(notADigit: false, belowUncertainLine: true);

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

    private static ReadDigit Piece(bool notADigit, bool belowUncertainLine) =>
        new(4, belowUncertainLine ? 0.3f : 0.7f, new PixelBox(0, 0, 20, 30), notADigit || belowUncertainLine, notADigit, belowUncertainLine);
}
