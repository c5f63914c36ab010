using DigitApi.Common;

namespace DigitApi.Numbers;

public sealed class TooManyDigitsException(int max, int? found = null)
    : DigitApiException(ProblemKinds.TooManyDigits,
        $"The image holds {(found is null ? $"more than {max}" : found.ToString())} digits; at most {max} are read as one number. Crop the image to one number, or split it.");
