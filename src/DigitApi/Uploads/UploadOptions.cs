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
}
