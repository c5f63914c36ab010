using System.ComponentModel.DataAnnotations;

namespace DigitApi.OpenInference;

/// <summary>Limits of the Open Inference Protocol endpoints; section <c>OpenInference</c>.</summary>
public sealed class OpenInferenceOptions
{
    public const string SectionName = "OpenInference";

    /// <summary>Most rows (N of [N,1,28,28]) one infer request may carry; they run in batches of Inference:MaxBatchSize.</summary>
    [Range(1, 100_000)]
    public int MaxRows { get; set; } = 1024;
}
