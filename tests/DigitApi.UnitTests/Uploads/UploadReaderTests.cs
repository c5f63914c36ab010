using System.Net.Http.Headers;
using DigitApi.Uploads;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace DigitApi.UnitTests.Uploads;

/// <summary>Reading uploads from a request body: raw or multipart, with the byte, part and image limits.</summary>
public sealed class UploadReaderTests
{
    private static readonly byte[] Seven = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "images", "seven.jpg"));

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_raw_image_body_is_read_whole()
    {
        using var set = await Reader().ReadAsync(Raw(Seven, "image/jpeg"), 1, Cancel);

        var upload = Assert.Single(set.Uploads);
        Assert.Equal(Seven, upload.Bytes.ToArray());
        Assert.Null(upload.FileName);
    }

    [Fact]
    public async Task Multipart_image_fields_are_read_in_order_with_their_file_names_and_other_fields_are_skipped()
    {
        var request = await MultipartAsync(("note", "a.txt", [1, 2, 3]), ("image", "seven.jpg", Seven), ("image", "tiny.png", [9, 8, 7]));

        using var set = await Reader().ReadAsync(request, 2, Cancel);

        Assert.Equal(["seven.jpg", "tiny.png"], set.Uploads.Select(u => u.FileName));
        Assert.Equal(Seven, set.Uploads[0].Bytes.ToArray());
        Assert.Equal([9, 8, 7], set.Uploads[1].Bytes.ToArray());
    }

    [Fact]
    public async Task An_image_over_the_byte_limit_is_refused_while_reading()
    {
        var reader = Reader(new UploadOptions { MaxImageBytes = 1024 });

        await Assert.ThrowsAsync<UploadTooLargeException>(() => reader.ReadAsync(Raw(Seven, "image/jpeg"), 1, Cancel));
        await Assert.ThrowsAsync<UploadTooLargeException>(async () => await reader.ReadAsync(await MultipartAsync(("image", "seven.jpg", Seven)), 1, Cancel));
    }

    [Fact]
    public async Task Reading_each_part_alone_keeps_the_others_when_one_is_too_large()
    {
        var request = await MultipartAsync(("image", "big.jpg", Seven), ("image", "small.png", new byte[100]));

        using var set = await Reader(new UploadOptions { MaxImageBytes = 1024 }).ReadEachAsync(request, 2, Cancel);

        Assert.IsType<UploadTooLargeException>(set.Uploads[0].Error);
        Assert.Null(set.Uploads[1].Error);
        Assert.Equal(100, set.Uploads[1].Length);
    }

    [Fact]
    public async Task More_images_or_parts_than_allowed_are_refused()
    {
        var reader = Reader(new UploadOptions { MaxParts = 3 });

        await Assert.ThrowsAsync<UploadTooLargeException>(async () =>
            await reader.ReadAsync(await MultipartAsync(("image", "a.png", [1]), ("image", "b.png", [2])), 1, Cancel));
        await Assert.ThrowsAsync<UploadTooLargeException>(async () =>
            await reader.ReadAsync(await MultipartAsync(("x", null, [1]), ("x", null, [2]), ("x", null, [3]), ("image", "a.png", [4])), 1, Cancel));
    }

    [Fact]
    public async Task No_body_an_empty_image_or_no_image_field_is_a_missing_image()
    {
        var reader = Reader();

        await Assert.ThrowsAsync<MissingImageException>(() => reader.ReadAsync(Raw([], null), 1, Cancel));
        await Assert.ThrowsAsync<MissingImageException>(() => reader.ReadAsync(Raw([], "image/png"), 1, Cancel));
        await Assert.ThrowsAsync<MissingImageException>(async () => await reader.ReadAsync(await MultipartAsync(("file", "seven.jpg", Seven)), 1, Cancel));
    }

    [Fact]
    public async Task A_body_that_is_neither_multipart_nor_an_image_is_unsupported()
    {
        await Assert.ThrowsAsync<UnsupportedUploadException>(() => Reader().ReadAsync(Raw("seven"u8.ToArray(), "text/plain"), 1, Cancel));
    }

    private static UploadReader Reader(UploadOptions? options = null)
    {
        var settings = Options.Create(options ?? new UploadOptions());
        return new(settings, new RequestBodyReader(settings));
    }

    private static HttpRequest Raw(byte[] body, string? contentType)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = body.Length;
        context.Request.ContentType = contentType;
        return context.Request;
    }

    // The multipart body exactly as an HTTP client writes it.
    private static async Task<HttpRequest> MultipartAsync(params (string Name, string? FileName, byte[] Bytes)[] parts)
    {
        using var content = new MultipartFormDataContent();
        foreach (var (name, fileName, bytes) in parts)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            if (fileName is null)
            {
                content.Add(part, name);
            }
            else
            {
                content.Add(part, name, fileName);
            }
        }

        var body = await content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        var request = Raw(body, content.Headers.ContentType!.ToString());
        return request;
    }
}
