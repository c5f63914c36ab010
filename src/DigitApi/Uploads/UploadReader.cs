using System.Buffers;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace DigitApi.Uploads;

/// <summary>
/// Reads images straight from the request stream into pooled memory: multipart sections named
/// <c>image</c>, or a raw <c>image/*</c> body. No temp files and no form buffering; the size limit is
/// enforced while reading, so an oversized upload is refused without being held in memory.
/// </summary>
public sealed class UploadReader(IOptions<UploadOptions> options)
{
    public const string FieldName = "image";
    private const int ChunkSize = 16 * 1024;

    // MultipartReader's own read buffer (default 4 KiB): fewer, larger reads of a photo-sized part. The reader
    // rents it and never returns it (dotnet/aspnetcore#57478), so every request allocates it anew: a small
    // body gets a buffer of about its own size.
    private const int MultipartBufferSize = 16 * 1024;
    private const int MinMultipartBufferSize = 1024;
    private readonly UploadOptions _options = options.Value;

    public int MaxBatchImages => _options.MaxBatchImages;

    /// <summary>Reads up to <paramref name="maxImages"/> images; at least one is required.</summary>
    public Task<UploadSet> ReadAsync(HttpRequest request, int maxImages, CancellationToken cancellationToken) =>
        ReadAsync(request, maxImages, failPartsAlone: false, cancellationToken);

    /// <summary>
    /// Like <see cref="ReadAsync(HttpRequest, int, CancellationToken)"/>, but a multipart image over the
    /// size limit fails alone: it comes back with its <see cref="Upload.Error"/> and the others are read.
    /// </summary>
    public Task<UploadSet> ReadEachAsync(HttpRequest request, int maxImages, CancellationToken cancellationToken) =>
        ReadAsync(request, maxImages, failPartsAlone: true, cancellationToken);

    private async Task<UploadSet> ReadAsync(HttpRequest request, int maxImages, bool failPartsAlone, CancellationToken cancellationToken)
    {
        var uploads = new List<Upload>();
        try
        {
            if (request.HasFormContentType && MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
                && mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            {
                await ReadMultipartAsync(request, mediaType, maxImages, failPartsAlone, uploads, cancellationToken);
            }
            else if (IsRawImage(request.ContentType))
            {
                uploads.Add(await ReadBodyAsync(request.Body, null, request.ContentLength, lengthIsExact: true, cancellationToken));
            }
            else if (string.IsNullOrEmpty(request.ContentType) && request.ContentLength is null or 0)
            {
                throw new MissingImageException("The request has no body. Send the image as multipart/form-data field 'image', or as a raw body with Content-Type image/png, image/jpeg, ...");
            }
            else
            {
                throw new UnsupportedUploadException(
                    $"Content-Type '{request.ContentType}' is not accepted. Send multipart/form-data with a field named 'image', or a raw body with an image/* Content-Type.");
            }

            if (uploads.Count == 0 || uploads.All(u => u.Length == 0 && u.Error is null))
            {
                throw new MissingImageException("No image was sent: add a non-empty multipart field named 'image'.");
            }

            return new UploadSet(uploads);
        }
        catch
        {
            uploads.ForEach(u => u.Dispose());
            throw;
        }
    }

    private static bool IsRawImage(string? contentType) =>
        contentType is not null && (contentType.StartsWith("image/", StringComparison.OrdinalIgnoreCase)
            || contentType.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase));

    private async Task ReadMultipartAsync(HttpRequest request, MediaTypeHeaderValue mediaType, int maxImages, bool failPartsAlone, List<Upload> uploads, CancellationToken cancellationToken)
    {
        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary))
        {
            throw new MissingImageException("The multipart request has no boundary.");
        }

        var bufferSize = (int)Math.Clamp(request.ContentLength ?? MultipartBufferSize, MinMultipartBufferSize, MultipartBufferSize);
        var reader = new MultipartReader(boundary, request.Body, bufferSize) { BodyLengthLimit = _options.MaxRequestBytes };
        // One image per request: the part is about as long as the body, so its buffer is sized once, not grown.
        var sizeHint = maxImages == 1 ? request.ContentLength : null;
        var parts = 0;
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (++parts > _options.MaxParts)
                {
                    throw new UploadTooLargeException($"The request has more than {_options.MaxParts} parts.");
                }

                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !string.Equals(HeaderUtilities.RemoveQuotes(disposition.Name).Value, FieldName, StringComparison.OrdinalIgnoreCase))
                {
                    continue; // Other fields are ignored; the reader skips their bytes.
                }

                if (uploads.Count == maxImages)
                {
                    throw new UploadTooLargeException($"At most {maxImages} image(s) may be sent in one request.");
                }

                var fileName = HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                try
                {
                    uploads.Add(await ReadBodyAsync(section.Body, fileName, sizeHint, lengthIsExact: false, cancellationToken));
                }
                catch (UploadTooLargeException tooLarge) when (failPartsAlone)
                {
                    // The reader skips the rest of this part when it moves to the next one.
                    uploads.Add(Upload.Failed(fileName, tooLarge));
                }
            }
        }
        catch (InvalidDataException ex) when (ex.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            throw new UploadTooLargeException($"The request body exceeds {_options.MaxRequestBytes:N0} bytes.");
        }
        catch (IOException ex) when (ex is not EndOfStreamException && ex.InnerException is null && ex.Message.Contains("multipart", StringComparison.OrdinalIgnoreCase))
        {
            throw new MissingImageException($"The multipart body is malformed: {ex.Message}");
        }
        catch (InvalidDataException ex)
        {
            throw new MissingImageException($"The multipart body is malformed: {ex.Message}");
        }
    }

    private async Task<Upload> ReadBodyAsync(Stream body, string? fileName, long? expectedLength, bool lengthIsExact, CancellationToken cancellationToken)
    {
        var limit = _options.MaxImageBytes;
        if (lengthIsExact && expectedLength > limit)
        {
            throw TooLarge();
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(expectedLength ?? ChunkSize, limit) + 1);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > limit)
                    {
                        throw TooLarge();
                    }

                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > limit)
                {
                    throw TooLarge();
                }
            }

            return new Upload(fileName, buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private UploadTooLargeException TooLarge() =>
        new($"The image exceeds {_options.MaxImageBytes:N0} bytes. Send a smaller image; a digit needs far fewer pixels.");
}
