using System.Diagnostics;

namespace DigitApi.Imaging;

/// <summary>
/// One request's <see cref="ImageOptions.DecodeSeconds"/>, which decoding and preparation check between their stages
/// (<see cref="Check"/>; never per pixel). Its token ends when the time is spent or the client has gone, and ends a wait
/// for decode memory with it. Thread-safe: the images of a batch share one clock.
/// </summary>
public sealed class DecodeClock : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly CancellationToken _requestAborted;
    private readonly double _seconds;
    private readonly long _started = Stopwatch.GetTimestamp();

    public DecodeClock(ImageOptions options, CancellationToken requestAborted)
    {
        (_seconds, _requestAborted) = (options.DecodeSeconds, requestAborted);
        _source = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        _source.CancelAfter(TimeSpan.FromSeconds(_seconds));
    }

    public CancellationToken Token => _source.Token;

    /// <summary>A checkpoint between two stages.</summary>
    /// <exception cref="ImageRejectedException">The time is spent (422 image-too-costly).</exception>
    /// <exception cref="OperationCanceledException">The client has gone.</exception>
    public void Check()
    {
        // The elapsed time is read here rather than left to the token's timer, which needs a free pool thread to fire.
        if (!_source.IsCancellationRequested && Stopwatch.GetElapsedTime(_started).TotalSeconds < _seconds)
        {
            return;
        }

        _requestAborted.ThrowIfCancellationRequested();
        throw new ImageRejectedException(ImageRejection.TooCostly,
            $"Decoding and preparing the image took longer than the {_seconds:0.###} s one request may spend on its images (Imaging:DecodeSeconds). Send a smaller image, a baseline JPEG, or fewer images at once.");
    }

    public void Dispose() => _source.Dispose();
}
