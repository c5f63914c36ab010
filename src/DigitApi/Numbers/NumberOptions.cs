using System.ComponentModel.DataAnnotations;

namespace DigitApi.Numbers;

/// <summary>Limits of /predict/number; section <c>Numbers</c>.</summary>
public sealed class NumberOptions
{
    public const string SectionName = "Numbers";

    /// <summary>Most digits one number may have; more is refused with 422.</summary>
    [Range(1, 32)]
    public int MaxDigits { get; set; } = 12;
}
