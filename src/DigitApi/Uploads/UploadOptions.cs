using System.ComponentModel.DataAnnotations;

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
}
