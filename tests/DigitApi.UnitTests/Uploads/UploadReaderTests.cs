using System.Net.Http.Headers;
using DigitApi.Common;
using DigitApi.Uploads;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
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

    [Fact]
    public async Task A_body_holds_a_share_of_the_body_memory_that_grows_as_it_arrives_and_is_given_back_when_the_request_ends()
    {
        var bodies = new RequestBodyReader(Options.Create(new UploadOptions { BodyMemoryBytes = 4 << 20 }));
        var reader = new UploadReader(Options.Create(new UploadOptions()), bodies);
        var image = new byte[300_000];
        var request = Raw(image, "image/png");
        var ended = new ResponseEnd();
        request.HttpContext.Features.Set<IHttpResponseFeature>(ended);

        using (var set = await reader.ReadAsync(request, 1, Cancel))
        {
            Assert.Equal(image.Length, set.Uploads[0].Length);
        }

        // In steps of 64, 128 and 256 KiB, the last one cut to the declared length: the body, no more.
        Assert.Equal(bodies.Memory.Bytes - image.Length, bodies.Memory.Available);
        await ended.CompleteAsync();
        Assert.Equal(bodies.Memory.Bytes, bodies.Memory.Available);
    }

    [Fact]
    public async Task A_body_larger_than_the_body_memory_is_refused_from_its_declared_length_or_once_read_past_it()
    {
        var reader = Reader(new UploadOptions { BodyMemoryBytes = 200_000 });
        var declared = Raw(new byte[300_000], "image/png");
        var chunked = Raw(new byte[300_000], "image/png");
        chunked.ContentLength = null;

        var refused = await Assert.ThrowsAsync<UploadTooLargeException>(() => reader.ReadAsync(declared, 1, Cancel));
        var refusedWhileReading = await Assert.ThrowsAsync<UploadTooLargeException>(() => reader.ReadAsync(chunked, 1, Cancel));

        Assert.Contains("Uploads:BodyMemoryBytes", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Uploads:BodyMemoryBytes", refusedWhileReading.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_that_finds_the_body_memory_taken_is_refused_as_busy_after_the_wait()
    {
        var bodies = new RequestBodyReader(Options.Create(new UploadOptions { BodyMemoryBytes = 1 << 20, BodyWaitSeconds = 1 }));
        using var held = await bodies.Memory.TakeAsync(1 << 20, Cancel);

        var error = await Assert.ThrowsAsync<MemoryBudgetBusyException>(() =>
            new UploadReader(Options.Create(new UploadOptions()), bodies).ReadAsync(Raw(Seven, "image/jpeg"), 1, Cancel));

        Assert.Equal(1, error.RetryAfterSeconds);
        Assert.Contains("Uploads:BodyMemoryBytes", error.Message, StringComparison.Ordinal);
    }

    private static UploadReader Reader(UploadOptions? options = null)
    {
        var settings = Options.Create(options ?? new UploadOptions());
        return new(settings, new RequestBodyReader(settings));
    }

    // A response whose end runs its OnCompleted callbacks, as the server does when a request ends.
    private sealed class ResponseEnd : HttpResponseFeature
    {
        private readonly List<(Func<object, Task> Callback, object State)> _completed = [];

        public override void OnCompleted(Func<object, Task> callback, object state) => _completed.Add((callback, state));

        public async Task CompleteAsync()
        {
            foreach (var (callback, state) in _completed)
            {
                await callback(state);
            }
        }
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
