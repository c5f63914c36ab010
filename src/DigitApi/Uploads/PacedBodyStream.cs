using System.Buffers;
using System.IO.Pipelines;

namespace DigitApi.Uploads;

/// <summary>
/// A request body that refuses to be held open: at most <c>maxBytes</c> in all, and at least <c>windowBytes</c>
/// in every window of <c>window</c>. A window starts again the moment the previous one is met, so an upload that
/// sends a fast burst and then stalls is stopped one window after the stall, whatever it sent before. A stalled
/// read is ended with <see cref="PipeReader.CancelPendingRead"/>, which leaves the server's body reader in a
/// state it can still drain and close cleanly (a cancelled token would not); a timer checks the window a few
/// times a second and cancels again until the read has returned.
/// </summary>
internal sealed class PacedBodyStream : Stream
{
    private readonly PipeReader _body;
    private readonly long _maxBytes;
    private readonly long _windowBytes;
    private readonly TimeSpan _window;
    private readonly CancellationToken _requestAborted;
    private ITimer? _timer;
    private long _windowStarted;
    private long _total;
    private long _inWindow;
    private bool _ended;

    public PacedBodyStream(PipeReader body, long maxBytes, long windowBytes, TimeSpan window, CancellationToken requestAborted)
    {
        (_body, _maxBytes, _windowBytes, _window, _requestAborted) = (body, maxBytes, windowBytes, window, requestAborted);
    }

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

        if (_timer is null)
        {
            Volatile.Write(ref _windowStarted, TimeProvider.System.GetTimestamp());
            var check = TimeSpan.FromTicks(Math.Min(_window.Ticks / 4, TimeSpan.TicksPerSecond / 4));
            _timer = TimeProvider.System.CreateTimer(static state => ((PacedBodyStream)state!).CheckWindow(), this, check, check);
        }

        while (true)
        {
            ReadResult result;
            try
            {
                result = await _body.ReadAsync(cancellationToken);
            }
            catch (IOException ex) when (ex is not BadHttpRequestException && ex is not Microsoft.AspNetCore.Connections.ConnectionResetException
                && !_requestAborted.IsCancellationRequested)
            {
                // The server could not take the body apart (e.g. a chunk size that overflows): the client's framing is broken.
                throw new MalformedUploadException($"The request body could not be read: {ex.Message}");
            }

            if (result.IsCanceled)
            {
                _body.AdvanceTo(result.Buffer.Start);
                if (WindowMissed)
                {
                    End();
                    throw new UploadTooSlowException(
                        $"The upload sent fewer than {_windowBytes:N0} bytes in {_window.TotalSeconds:0} s. Send at least {_windowBytes / _window.TotalSeconds:N0} bytes per second (Uploads:MinBytesPerSecond); stalled uploads are closed.");
                }

                continue; // The timer fired just as the window was met.
            }

            var data = result.Buffer;
            var read = (int)Math.Min(data.Length, buffer.Length);
            data.Slice(0, read).CopyTo(buffer.Span);
            _body.AdvanceTo(data.GetPosition(read));
            if (read == 0 && result.IsCompleted)
            {
                End();
                return 0;
            }

            _total += read;
            if (_total > _maxBytes)
            {
                throw new UploadTooLargeException($"The request body exceeds {_maxBytes:N0} bytes (Uploads:MaxRequestBytes).");
            }

            _inWindow += read;
            if (_inWindow >= _windowBytes)
            {
                _inWindow = 0;
                Volatile.Write(ref _windowStarted, TimeProvider.System.GetTimestamp());
            }

            if (read > 0)
            {
                return read;
            }
        }
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

    private bool WindowMissed => TimeProvider.System.GetElapsedTime(Volatile.Read(ref _windowStarted)) >= _window;

    private void CheckWindow()
    {
        if (WindowMissed)
        {
            _body.CancelPendingRead();
        }
    }

    private void End()
    {
        _ended = true;
        _timer?.Dispose();
        _timer = null;
    }
}
