using System.ComponentModel.DataAnnotations;
using DigitApi.Common;

namespace DigitApi.Uploads;

/// <summary>Request body limits; section <c>Uploads</c>.</summary>
public sealed class UploadOptions
{
    public const string SectionName = "Uploads";

    /// <summary>Largest accepted image in bytes, enforced while reading.</summary>
    [Range(1024, 1L << 30)]
    public long MaxImageBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Largest accepted request body in bytes (several images in a batch).</summary>
    [Range(1024, 1L << 31)]
    public long MaxRequestBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>Most multipart sections read from one request, image or not.</summary>
    [Range(1, 10_000)]
    public int MaxParts { get; set; } = 100;

    /// <summary>Most images in one /predict/batch request.</summary>
    [Range(1, 4096)]
    public int MaxBatchImages { get; set; } = 64;

    /// <summary>
    /// Slowest upload accepted, in bytes per second. It is measured in windows of <see cref="StallSeconds"/>
    /// that start again each time one is met, so a fast start buys no credit for a stall afterwards.
    /// </summary>
    [Range(1, 1L << 30)]
    public int MinBytesPerSecond { get; set; } = 1024;

    /// <summary>Length of one rate window in seconds: an upload that stalls is answered 408 and closed within this time.</summary>
    [Range(1, 300)]
    public int StallSeconds { get; set; } = 5;

    /// <summary>
    /// Bytes that request bodies being read may hold at once, across all requests. A body takes its share as its bytes
    /// arrive (in steps that double, up to its declared length) and gives it back when its request ends; a body that
    /// alone needs more is refused with 413. 0 (default) means a quarter of the memory the process may use (the
    /// container's limit when it has one, else the machine's), at most 1 GiB.
    /// </summary>
    [Range(0, 1L << 40)]
    public long BodyMemoryBytes { get; set; }

    /// <summary>Longest a body waits for its share of <see cref="BodyMemoryBytes"/> before the request is refused with 503.</summary>
    [Range(1, 300)]
    public int BodyWaitSeconds { get; set; } = 2;

    public long EffectiveBodyMemoryBytes => BodyMemoryBytes > 0 ? BodyMemoryBytes : MemoryBudget.QuarterOfAvailableMemory;
}
