using DigitApi.Common;

namespace DigitApi.Numbers;

public sealed class TooManyDigitsException(int max, int? found = null)
    : DigitApiException($"The image holds {(found is null ? $"more than {max}" : found.ToString())} digits; at most {max} are read as one number. Crop the image to one number, or split it.")
{
    public override int StatusCode => StatusCodes.Status422UnprocessableEntity;

    public override string Kind => "too-many-digits";

    public override string Title => "Too many digits";
}
