using DigitApi.Common;

namespace DigitApi.Uploads;

/// <summary>One uploaded file held in pooled memory; dispose to return the memory.</summary>
public sealed class Upload : IDisposable
{
    private byte[]? _buffer;

    internal Upload(string? fileName, byte[] buffer, int length)
    {
        FileName = fileName;
        _buffer = buffer;
        Length = length;
    }

    private Upload(string? fileName, DigitApiException error)
    {
        FileName = fileName;
        Error = error;
    }

    public string? FileName { get; }

    public int Length { get; }

    /// <summary>Why this part could not be read (it was too large); its bytes were skipped. Null when it was read.</summary>
    public DigitApiException? Error { get; }

    public ReadOnlySpan<byte> Bytes => Error is not null
        ? throw new InvalidOperationException($"The upload was not read: {Error.Message}")
        : _buffer is null ? throw new ObjectDisposedException(nameof(Upload)) : _buffer.AsSpan(0, Length);

    internal static Upload Failed(string? fileName, DigitApiException error) => new(fileName, error);

    public void Dispose()
    {
        if (_buffer is not null)
        {
            LargeBuffers.Return(_buffer);
            _buffer = null;
        }
    }
}

/// <summary>The images of one request; dispose to return their memory.</summary>
public sealed class UploadSet(List<Upload> uploads) : IDisposable
{
    public IReadOnlyList<Upload> Uploads { get; } = uploads;

    public void Dispose()
    {
        foreach (var upload in Uploads)
        {
            upload.Dispose();
        }
    }
}
