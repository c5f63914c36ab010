using System.Diagnostics;
using System.Runtime;
using DigitApi.Common;
using Microsoft.Extensions.Options;

namespace DigitApi.Imaging;

/// <summary>
/// The memory all decodes may hold at once (<see cref="ImageOptions.DecodeMemoryBytes"/>): a decode takes its
/// estimated share before it allocates and gives it back when done, waiting in line while others hold it. After a
/// burst of large decodes, once none is left running, the large-object heap is compacted and returned to the
/// operating system, so the process shrinks back to its resting size instead of keeping its peak.
/// Waiting is a plain monitor wait: decoding is synchronous, and a waiter must not depend on the thread pool
/// (a timer or an async continuation) to wake it, or a pool busy with waiting decodes could not end the wait.
/// </summary>
public sealed class DecodeBudget
{
    /// <summary>Decodes from this size on leave memory worth returning to the system.</summary>
    public const long LargeDecodeBytes = 64L * 1024 * 1024;

    private static readonly TimeSpan TrimDelay = TimeSpan.FromSeconds(1);
    private readonly object _gate = new();
    private readonly TimeSpan _wait;
    private long _available;
    private int _trimScheduled;

    public DecodeBudget(IOptions<ImageOptions> options)
    {
        Bytes = options.Value.EffectiveDecodeMemoryBytes;
        _available = Bytes;
        _wait = TimeSpan.FromSeconds(options.Value.DecodeWaitSeconds);
    }

    public long Bytes { get; }

    /// <summary>Takes <paramref name="bytes"/> of the budget, waiting up to Imaging:DecodeWaitSeconds; dispose to give it back.</summary>
    /// <exception cref="ImageRejectedException">The decode needs more than the whole budget (413).</exception>
    /// <exception cref="DecodeBudgetBusyException">The budget stayed taken for the whole wait (503).</exception>
    public Share Take(long bytes)
    {
        if (bytes > Bytes)
        {
            throw new ImageRejectedException(ImageRejection.TooLarge,
                $"Decoding this image needs about {bytes / (1024 * 1024):N0} MiB; the service decodes within {Bytes / (1024 * 1024):N0} MiB (Imaging:DecodeMemoryBytes). Send a smaller image.");
        }

        var started = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            while (_available < bytes)
            {
                var left = _wait - Stopwatch.GetElapsedTime(started);
                if (left <= TimeSpan.Zero)
                {
                    throw new DecodeBudgetBusyException(_wait);
                }

                Monitor.Wait(_gate, left);
            }

            _available -= bytes;
        }

        return new Share(this, bytes);
    }

    private void Release(long bytes)
    {
        lock (_gate)
        {
            _available += bytes;
            Monitor.PulseAll(_gate);
        }

        if (bytes >= LargeDecodeBytes && Interlocked.Exchange(ref _trimScheduled, 1) == 0)
        {
            _ = TrimWhenIdleAsync();
        }
    }

    private async Task TrimWhenIdleAsync()
    {
        try
        {
            while (true)
            {
                await Task.Delay(TrimDelay);
                if (Interlocked.Read(ref _available) == Bytes)
                {
                    GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
                    GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                    return;
                }
            }
        }
        finally
        {
            Volatile.Write(ref _trimScheduled, 0);
        }
    }

    /// <summary>A decode's part of the budget.</summary>
    public readonly struct Share(DecodeBudget budget, long bytes) : IDisposable
    {
        public void Dispose() => budget.Release(bytes);
    }
}

/// <summary>Decoding memory stayed taken by other requests for the whole wait.</summary>
public sealed class DecodeBudgetBusyException(TimeSpan waited)
    : DigitApiException($"The service is decoding other large images and had no memory free for this one within {waited.TotalSeconds:0} s. Retry after 1 s.")
{
    public override int StatusCode => StatusCodes.Status503ServiceUnavailable;

    public override string Kind => "overloaded";

    public override string Title => "Service overloaded";

    public override int? RetryAfterSeconds => 1;
}
