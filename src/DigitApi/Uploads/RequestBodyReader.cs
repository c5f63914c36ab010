using DigitApi.Common;
using Microsoft.Extensions.Options;

namespace DigitApi.Uploads;

/// <summary>
/// The one way request bodies are read (images and /v2 tensors): limited to <c>Uploads:MaxRequestBytes</c>, held to
/// <c>Uploads:MinBytesPerSecond</c>, and within the memory all bodies may hold at once (<c>Uploads:BodyMemoryBytes</c>),
/// so that neither a large, a slow, nor many large bodies at once hold the service.
/// </summary>
public sealed class RequestBodyReader
{
    private readonly UploadOptions _options;
    private readonly MemoryBudget _memory;

    public RequestBodyReader(IOptions<UploadOptions> options)
    {
        _options = options.Value;
        _memory = new MemoryBudget(_options.EffectiveBodyMemoryBytes, TimeSpan.FromSeconds(_options.BodyWaitSeconds),
            "reading other large request bodies", "Uploads:BodyMemoryBytes");
    }

    public long MaxRequestBytes => _options.MaxRequestBytes;

    /// <summary>The memory bodies being read may hold at once (Uploads:BodyMemoryBytes).</summary>
    public MemoryBudget Memory => _memory;

    /// <summary>The request's body, paced and limited; dispose it when done. Its share of the memory budget is held until the request ends.</summary>
    /// <exception cref="UploadTooLargeException">The declared length is over the limit.</exception>
    public Stream Open(HttpRequest request)
    {
        if (request.ContentLength > _options.MaxRequestBytes)
        {
            throw new UploadTooLargeException($"The request body declares {request.ContentLength:N0} bytes; the limit is {_options.MaxRequestBytes:N0} (Uploads:MaxRequestBytes).");
        }

        if (request.ContentLength > _memory.Bytes)
        {
            throw OverBudget(_memory);
        }

        return new PacedBodyStream(request, _options.MaxRequestBytes, (long)_options.MinBytesPerSecond * _options.StallSeconds,
            TimeSpan.FromSeconds(_options.StallSeconds), _memory);
    }

    internal static UploadTooLargeException OverBudget(MemoryBudget memory) => new(
        $"The request body is over {memory.Bytes:N0} bytes, the memory all request bodies being read may hold at once (Uploads:BodyMemoryBytes). Send a smaller body.");

    /// <summary>
    /// Reads <paramref name="body"/> to its end into a buffer from <see cref="LargeBuffers"/>, which the caller
    /// returns; more than <paramref name="limit"/> bytes throws <paramref name="tooLarge"/>'s exception.
    /// </summary>
    public static async Task<(byte[] Buffer, int Length)> ReadToEndAsync(Stream body, long? sizeHint, long limit, Func<Exception> tooLarge, CancellationToken cancellationToken)
    {
        var buffer = LargeBuffers.Rent((int)Math.Min(sizeHint ?? 16 * 1024, limit) + 1);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = LargeBuffers.Rent((int)Math.Min((long)buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    LargeBuffers.Return(buffer);
                    buffer = larger;
                }

                var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    return (buffer, length);
                }

                length += read;
                if (length > limit)
                {
                    throw tooLarge();
                }
            }
        }
        catch
        {
            LargeBuffers.Return(buffer);
            throw;
        }
    }
}
