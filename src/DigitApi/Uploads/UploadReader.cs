using DigitApi.Admission;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace DigitApi.Uploads;

/// <summary>
/// Reads images straight from the request stream into pooled memory: multipart sections named
/// <c>image</c>, or a raw <c>image/*</c> body. No temp files and no form buffering; the size limits are
/// enforced while reading, so an oversized upload is refused without being held in memory, and the body is
/// read through <see cref="RequestBodyReader"/> (paced: a stalled upload is refused with 408).
/// </summary>
public sealed class UploadReader(IOptions<UploadOptions> options, RequestBodyReader bodies)
{
    public const string FieldName = "image";

    /// <summary>Longest multipart boundary accepted (RFC 2046 allows 70 characters).</summary>
    public const int MaxBoundaryLength = 70;

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
                await using var body = bodies.Open(request);
                await ReadMultipartAsync(request, body, mediaType, maxImages, failPartsAlone, uploads, cancellationToken);
            }
            else if (IsRawImage(request.ContentType))
            {
                if (request.ContentLength > _options.MaxImageBytes)
                {
                    throw TooLarge();
                }

                await using var body = bodies.Open(request);
                uploads.Add(await ReadImageAsync(body, null, request.ContentLength, cancellationToken));
            }
            else if (string.IsNullOrEmpty(request.ContentType) && request.ContentLength is null or 0)
            {
                throw new MissingImageException("The request has no body. Send the image as multipart/form-data field 'image', or as a raw body with Content-Type image/png, image/jpeg, ...");
            }
            else
            {
                throw new UnsupportedUploadException(
                    $"Content-Type '{Truncate(request.ContentType)}' is not accepted. Send multipart/form-data with a field named 'image', or a raw body with an image/* Content-Type.");
            }

            if (uploads.Count == 0 || uploads.All(u => u.Length == 0 && u.Error is null))
            {
                throw new MissingImageException("No image was sent: add a non-empty multipart field named 'image'.");
            }

            await request.HttpContext.AdmitAsync(cancellationToken);
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

    private static string? Truncate(string? text) => text is { Length: > 100 } ? text[..100] + "..." : text;

    private async Task ReadMultipartAsync(HttpRequest request, Stream body, MediaTypeHeaderValue mediaType, int maxImages, bool failPartsAlone, List<Upload> uploads, CancellationToken cancellationToken)
    {
        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary))
        {
            throw new MalformedUploadException("The multipart request has no boundary.");
        }

        if (boundary.Length > MaxBoundaryLength)
        {
            throw new MalformedUploadException($"The multipart boundary is {boundary.Length:N0} characters long; at most {MaxBoundaryLength} are accepted (RFC 2046).");
        }

        var bufferSize = (int)Math.Clamp(request.ContentLength ?? MultipartBufferSize, MinMultipartBufferSize, MultipartBufferSize);
        var reader = new MultipartReader(boundary, body, bufferSize);
        // One image per request: the part is about as long as the body, so its buffer is sized once, not grown.
        var sizeHint = maxImages == 1 ? request.ContentLength : null;
        var parts = 0;
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (++parts > _options.MaxParts)
                {
                    throw new UploadTooLargeException($"The request has more than {_options.MaxParts} parts (Uploads:MaxParts).");
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

                var fileName = Truncate(HeaderUtilities.RemoveQuotes(disposition.FileName).Value);
                UploadTooLargeException? imageTooLarge = null;
                try
                {
                    var (buffer, length) = await RequestBodyReader.ReadToEndAsync(section.Body, sizeHint, _options.MaxImageBytes, () => imageTooLarge = TooLarge(), cancellationToken);
                    uploads.Add(new Upload(fileName, buffer, length));
                }
                catch (UploadTooLargeException tooLarge) when (failPartsAlone && ReferenceEquals(tooLarge, imageTooLarge))
                {
                    // The reader skips the rest of this part when it moves to the next one.
                    uploads.Add(Upload.Failed(fileName, tooLarge));
                }
            }
        }
        catch (InvalidDataException ex) when (ex.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            throw new MalformedUploadException(
                $"A multipart part's headers exceed {reader.HeadersLengthLimit:N0} bytes or {reader.HeadersCountLimit} lines, the most accepted ({ex.Message})");
        }
        catch (InvalidDataException ex)
        {
            throw new MalformedUploadException($"The multipart body is malformed: {ex.Message}");
        }
        catch (IOException ex) when (ex is not BadHttpRequestException && ex is not Microsoft.AspNetCore.Connections.ConnectionResetException
            && !cancellationToken.IsCancellationRequested)
        {
            // MultipartReader's end of stream before the closing boundary: a truncated part, or a boundary the body never uses.
            throw new MalformedUploadException($"The multipart body ends before its closing boundary '--{Truncate(boundary)}--': a part is truncated, or the boundary is not the one the body uses.");
        }
    }

    private async Task<Upload> ReadImageAsync(Stream body, string? fileName, long? sizeHint, CancellationToken cancellationToken)
    {
        var (buffer, length) = await RequestBodyReader.ReadToEndAsync(body, sizeHint, _options.MaxImageBytes, TooLarge, cancellationToken);
        return new Upload(fileName, buffer, length);
    }

    private UploadTooLargeException TooLarge() =>
        new($"The image exceeds {_options.MaxImageBytes:N0} bytes (Uploads:MaxImageBytes). Send a smaller image; a digit needs far fewer pixels.");
}
