using System.Buffers;
using System.IO.Pipelines;
using DigitApi.Common;

namespace DigitApi.Uploads;

/// <summary>
/// A request body that refuses to be held open: at most <c>maxBytes</c> in all, and at least <c>windowBytes</c>
/// in every window of <c>window</c>. A window starts again the moment the previous one is met, so an upload that
/// sends a fast burst and then stalls is stopped one window after the stall, whatever it sent before. A stalled
/// read is ended with <see cref="PipeReader.CancelPendingRead"/>, which leaves the server's body reader in a
/// state it can still drain and close cleanly (a cancelled token would not); a timer checks the window a few
/// times a second and cancels again until the read has returned.
/// What it has read is held in <c>memory</c> (the budget all bodies share): the share grows as the bytes arrive, in
/// steps that double (from 64 KiB, up to the declared length), so a declared length reserves nothing before its bytes
/// come and an idle connection holds next to nothing; it is given back when the request ends, since the bytes read
/// live on in the request's buffers until then. Time spent waiting for a share is the service's, not the client's: the
/// rate window starts again after it.
/// </summary>
internal sealed class PacedBodyStream : Stream
{
    private const long FirstShareBytes = 64 * 1024;
    private readonly PipeReader _body;
    private readonly long _maxBytes;
    private readonly long _windowBytes;
    private readonly TimeSpan _window;
    private readonly CancellationToken _requestAborted;
    private readonly HttpRequest _request;
    private readonly MemoryBudget _memory;
    private MemoryBudget.Share _share;
    private ITimer? _timer;
    private long _windowStarted;
    private long _total;
    private long _inWindow;
    private bool _ended;

    public PacedBodyStream(HttpRequest request, long maxBytes, long windowBytes, TimeSpan window, MemoryBudget memory)
    {
        (_request, _body, _requestAborted) = (request, request.BodyReader, request.HttpContext.RequestAborted);
        (_maxBytes, _windowBytes, _window, _memory) = (maxBytes, windowBytes, window, memory);
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

            if (_total > _share.Bytes)
            {
                await HoldAsync(cancellationToken);
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

    private async ValueTask HoldAsync(CancellationToken cancellationToken)
    {
        if (_total > _memory.Bytes)
        {
            throw RequestBodyReader.OverBudget(_memory);
        }

        var step = Math.Min(Math.Max(FirstShareBytes, 2 * _share.Bytes), _request.ContentLength ?? long.MaxValue);
        var wanted = Math.Min(Math.Max(_total, step), _memory.Bytes);
        var more = await _memory.TakeAsync(wanted - _share.Bytes, cancellationToken);
        if (_share.Bytes == 0)
        {
            _request.HttpContext.Response.OnCompleted(static stream => ((PacedBodyStream)stream).ReleaseShareAsync(), this);
        }

        _share = _share.With(more);
        Volatile.Write(ref _windowStarted, TimeProvider.System.GetTimestamp());
    }

    private Task ReleaseShareAsync()
    {
        _share.Dispose();
        return Task.CompletedTask;
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
