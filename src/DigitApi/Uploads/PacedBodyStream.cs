namespace DigitApi.Uploads;

/// <summary>
/// A request body that refuses to be held open: at most <c>maxBytes</c> in all, and at least <c>windowBytes</c>
/// in every window of <c>window</c>. A window starts again the moment the previous one is met, so an upload that
/// sends a fast burst and then stalls is stopped one window after the stall, whatever it sent before.
/// </summary>
internal sealed class PacedBodyStream(Stream inner, long maxBytes, long windowBytes, TimeSpan window, CancellationToken requestAborted) : Stream
{
    private CancellationTokenSource? _deadline;
    private long _total;
    private long _inWindow;
    private bool _ended;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _total; set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_ended || buffer.IsEmpty)
        {
            return 0;
        }

        if (_deadline is null)
        {
            _deadline = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
            _deadline.CancelAfter(window);
        }

        using var caller = cancellationToken.CanBeCanceled && cancellationToken != requestAborted
            ? cancellationToken.Register(static state => ((CancellationTokenSource)state!).Cancel(), _deadline)
            : default;
        int read;
        try
        {
            read = await inner.ReadAsync(buffer, _deadline.Token);
        }
        catch (IOException ex) when (ex is not BadHttpRequestException && ex is not Microsoft.AspNetCore.Connections.ConnectionResetException
            && !requestAborted.IsCancellationRequested)
        {
            // The server could not take the body apart (e.g. a chunk size that overflows): the client's framing is broken.
            throw new MalformedUploadException($"The request body could not be read: {ex.Message}");
        }
        catch (OperationCanceledException) when (!requestAborted.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new UploadTooSlowException(
                $"The upload sent fewer than {windowBytes:N0} bytes in {window.TotalSeconds:0} s. Send at least {windowBytes / window.TotalSeconds:N0} bytes per second (Uploads:MinBytesPerSecond); stalled uploads are closed.");
        }

        if (read == 0)
        {
            End();
            return 0;
        }

        _total += read;
        if (_total > maxBytes)
        {
            throw new UploadTooLargeException($"The request body exceeds {maxBytes:N0} bytes (Uploads:MaxRequestBytes).");
        }

        _inWindow += read;
        if (_inWindow >= windowBytes)
        {
            _inWindow = 0;
            _deadline.CancelAfter(window);
        }

        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        End();
        base.Dispose(disposing);
    }

    private void End()
    {
        _ended = true;
        _deadline?.Dispose();
        _deadline = null;
    }
}
