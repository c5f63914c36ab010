using System.Diagnostics;
using System.Runtime;

namespace DigitApi.Common;

/// <summary>
/// Memory that one kind of work may hold at once across all requests (decodes: <c>Imaging:DecodeMemoryBytes</c>;
/// request bodies being read: <c>Uploads:BodyMemoryBytes</c>). Work takes its share before it allocates and gives it
/// back when done, waiting in line while others hold the budget, and is refused with 503 when the wait runs out. After
/// a burst of large shares, once none is held, the large-object heap is compacted and returned to the operating
/// system, so the process shrinks back to its resting size instead of keeping its peak.
/// Decodes wait with a plain monitor wait (<see cref="Take"/>): decoding is synchronous, and a waiter must not depend
/// on the thread pool (a timer or an async continuation) to wake it, or a pool busy with waiting decodes could not end
/// the wait. Bodies are read asynchronously and wait without a thread (<see cref="TakeAsync"/>).
/// </summary>
public sealed class MemoryBudget
{
    /// <summary>
    /// Shares from this size on leave memory worth returning to the system (a 54 MB batch body, a 16-MP decode);
    /// a phone photo's body stays under it, so ordinary traffic never triggers a compaction.
    /// </summary>
    public const long LargeShareBytes = 16L * 1024 * 1024;

    private static readonly TimeSpan TrimDelay = TimeSpan.FromSeconds(1);
    private readonly object _gate = new();
    private readonly TimeSpan _wait;
    private readonly string _holders;
    private readonly string _setting;
    private long _available;
    private TaskCompletionSource? _released;
    private int _trimScheduled;

    /// <param name="bytes">The budget.</param>
    /// <param name="wait">Longest wait for a share.</param>
    /// <param name="holders">What the others are doing while one waits, for the 503's message ("decoding other large images").</param>
    /// <param name="setting">The setting that sizes the budget, named in the 503's message.</param>
    public MemoryBudget(long bytes, TimeSpan wait, string holders, string setting)
    {
        Bytes = bytes;
        _available = bytes;
        (_wait, _holders, _setting) = (wait, holders, setting);
    }

    /// <summary>
    /// A budget's default size: a quarter of the memory the process may use (the container's limit when it has one,
    /// else the machine's), at most 1 GiB.
    /// </summary>
    public static long QuarterOfAvailableMemory => Math.Min(1L << 30, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4);

    public long Bytes { get; }

    /// <summary>What is not taken now.</summary>
    public long Available => Interlocked.Read(ref _available);

    /// <summary>
    /// Takes <paramref name="bytes"/>, blocking the thread while others hold the budget, for at most the budget's
    /// wait or until <paramref name="cancellationToken"/> ends it; dispose the share to give it back.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">More than the whole budget: the caller refuses that (413) first.</exception>
    /// <exception cref="MemoryBudgetBusyException">The budget stayed taken for the whole wait (503).</exception>
    public Share Take(long bytes, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes, Bytes);
        if (TryTake(bytes))
        {
            return new Share(this, bytes);
        }

        using var wake = cancellationToken.UnsafeRegister(static gate =>
        {
            lock (gate!)
            {
                Monitor.PulseAll(gate);
            }
        }, _gate);
        var started = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            while (_available < bytes)
            {
                var left = _wait - Stopwatch.GetElapsedTime(started);
                if (left <= TimeSpan.Zero || cancellationToken.IsCancellationRequested)
                {
                    throw Busy(started);
                }

                Monitor.Wait(_gate, left);
            }

            _available -= bytes;
        }

        return new Share(this, bytes);
    }

    /// <summary>Like <see cref="Take"/>, waiting without a thread; a cancelled wait throws <see cref="OperationCanceledException"/>.</summary>
    public async ValueTask<Share> TakeAsync(long bytes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes, Bytes);
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            Task released;
            lock (_gate)
            {
                if (_available >= bytes)
                {
                    _available -= bytes;
                    return new Share(this, bytes);
                }

                released = (_released ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }

            var left = _wait - Stopwatch.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                throw Busy(started);
            }

            await released.WaitAsync(left, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private bool TryTake(long bytes)
    {
        lock (_gate)
        {
            if (_available < bytes)
            {
                return false;
            }

            _available -= bytes;
            return true;
        }
    }

    private MemoryBudgetBusyException Busy(long started) => new(
        $"The service is {_holders} and had no memory free for this request within {Stopwatch.GetElapsedTime(started).TotalSeconds:0.#} s ({_setting}). Retry after {MemoryBudgetBusyException.RetryAfter} s.");

    private void Release(long bytes)
    {
        TaskCompletionSource? released;
        lock (_gate)
        {
            _available += bytes;
            Monitor.PulseAll(_gate);
            (released, _released) = (_released, null);
        }

        released?.TrySetResult();
        if (bytes >= LargeShareBytes && Interlocked.Exchange(ref _trimScheduled, 1) == 0)
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
                if (Available == Bytes)
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

    /// <summary>A part of the budget; dispose it once to give it back.</summary>
    public readonly struct Share(MemoryBudget budget, long bytes) : IDisposable
    {
        public long Bytes => bytes;

        /// <summary>This share and <paramref name="more"/> of the same budget, given back together.</summary>
        public Share With(Share more) => budget is null ? more : new Share(budget, bytes + more.Bytes);

        public void Dispose() => budget?.Release(bytes);
    }
}

/// <summary>A memory budget stayed taken by other requests for the whole wait.</summary>
public sealed class MemoryBudgetBusyException(string message) : DigitApiException(ProblemKinds.Overloaded, message, RetryAfter)
{
    public const int RetryAfter = 1;
}
