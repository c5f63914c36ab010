namespace DigitApi.Admission;

/// <summary>
/// How many inference requests (POST under /predict and /v2/models) are worked on at once, and how many
/// more are let in to be read and to wait for a turn. 0 means "from the CPU count".
/// </summary>
public sealed class AdmissionOptions
{
    public const string SectionName = "Admission";

    /// <summary>Requests decoded and classified at once (their bodies already read); default 16 per core.</summary>
    public int MaxConcurrentRequests { get; set; }

    /// <summary>Requests being read, or read and waiting for a turn, first come first served; default 128 per core,
    /// so that a burst of a few hundred clients is absorbed and served rather than refused.</summary>
    public int QueueLength { get; set; }

    public int EffectiveMaxConcurrentRequests => MaxConcurrentRequests > 0 ? MaxConcurrentRequests : 16 * Environment.ProcessorCount;

    public int EffectiveQueueLength => QueueLength > 0 ? QueueLength : 128 * Environment.ProcessorCount;
}
