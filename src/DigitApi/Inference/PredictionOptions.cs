using System.ComponentModel.DataAnnotations;

namespace DigitApi.Inference;

/// <summary>How answers are judged; section <c>Predictions</c>.</summary>
public sealed class PredictionOptions
{
    public const string SectionName = "Predictions";

    /// <summary>The line for a model whose card sets none and no configuration either.</summary>
    public const double DefaultUncertainBelow = 0.5;

    /// <summary>
    /// Answers less confident than this are flagged <c>uncertain</c>, for every model; unset: each model card's
    /// <c>uncertainBelow</c> (chosen from data), or 0.5 for a card without one.
    /// </summary>
    [Range(0.0, 1.0)]
    public double? UncertainBelow { get; set; }
}
