using DigitApi.Imaging;
using DigitApi.Numbers;

namespace DigitApi.Endpoints;

/// <summary>A number read from an image.</summary>
/// <param name="Number">The digits, left to right, e.g. "4071".</param>
/// <param name="Confidence">The product of the digits' confidences: the model's probability that every digit is right.</param>
/// <param name="Uncertain">True when any digit is uncertain: a person should check the number.</param>
/// <param name="Digits">Each digit with its confidence and where it was found.</param>
/// <param name="Model">The model that answered.</param>
/// <param name="ElapsedMs">Server time for this request in milliseconds.</param>
public sealed record NumberResponse(string Number, float Confidence, bool Uncertain, NumberDigit[] Digits, string Model, double ElapsedMs)
{
    public static NumberResponse From(NumberReading reading, double elapsedMs) =>
        new(reading.Number, reading.Confidence, reading.Uncertain,
            reading.Digits.Select(d => new NumberDigit(d.Digit, d.Confidence, d.Uncertain, DigitBox.From(d.Box))).ToArray(),
            reading.Model, Math.Round(elapsedMs, 3));
}

/// <summary>One digit of the number.</summary>
/// <param name="Digit">The digit, 0-9.</param>
/// <param name="Confidence">Its calibrated probability, 0-1.</param>
/// <param name="Uncertain">True when a person should check this digit: below the model's confidence line, or over its not-a-digit line (the number's one odd piece, or any piece with alwaysAnswer=true).</param>
/// <param name="Box">Where it is, in the uploaded image's pixels.</param>
public sealed record NumberDigit(int Digit, float Confidence, bool Uncertain, DigitBox Box);

/// <summary>A rectangle in the uploaded image's pixels (after EXIF orientation); x and y are its top-left corner.</summary>
public sealed record DigitBox(int X, int Y, int Width, int Height)
{
    public static DigitBox From(PixelBox box) => new(box.X, box.Y, box.Width, box.Height);
}
