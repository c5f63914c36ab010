using System.Buffers;

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

    public string? FileName { get; }

    public int Length { get; }

    public ReadOnlySpan<byte> Bytes => _buffer is null ? throw new ObjectDisposedException(nameof(Upload)) : _buffer.AsSpan(0, Length);

    public void Dispose()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
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
