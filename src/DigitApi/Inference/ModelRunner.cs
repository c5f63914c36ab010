using System.Threading.Channels;

namespace DigitApi.Inference;

/// <summary>
/// One model behind a bounded queue with a dynamic batcher (in the manner of Triton's): each worker
/// takes whatever is waiting, up to <see cref="InferenceOptions.MaxBatchSize"/> rows, and runs one
/// inference for all of it.
/// </summary>
/// <remarks>
/// ONNX Runtime sessions are thread-safe, so the pool is not for safety: each worker owns a session
/// and pinned input/output buffers wrapped once per batch size (<see cref="InferenceWorker"/>), so that a
/// busy service allocates no tensors per request, and the worker count bounds how many inferences run at once.
/// </remarks>
public sealed class ModelRunner : IAsyncDisposable
{
    public const int PixelsPerRow = 28 * 28;
    public const int ClassesPerRow = 10;

    private readonly Channel<InferenceJob> _queue;
    private readonly List<InferenceWorker> _workers = [];
    private readonly Task[] _loops;
    private readonly CancellationTokenSource _stopping = new();
    private readonly InferenceOptions _options;
    private int _disposed;
    private readonly InferenceMetrics _metrics;
    private int _queuedRows;

    public ModelRunner(ModelCard card, string path, SessionFactory sessions, InferenceOptions options, InferenceMetrics metrics)
    {
        Card = card;
        _options = options;
        _metrics = metrics;
        _queue = Channel.CreateBounded<InferenceJob>(new BoundedChannelOptions(options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = false,
            SingleWriter = false,
        });
        try
        {
            // The first session tells which provider this model really runs on (Auto may fall back), and the
            // provider decides the defaults: workers, queue delay, IoBinding.
            var (session, provider) = sessions.Create(path);
            Provider = provider;
            QueueDelay = options.QueueDelayFor(provider);
            _workers.Add(InferenceWorker.Create(session, provider, card, options.MaxBatchSize, options.BindsIo(provider)));
            for (var i = 1; i < options.WorkersFor(provider); i++)
            {
                _workers.Add(InferenceWorker.Create(sessions.Create(path).Session, provider, card, options.MaxBatchSize, options.BindsIo(provider)));
            }
        }
        catch
        {
            _workers.ForEach(w => w.Dispose());
            throw;
        }

        _loops = _workers.Select(w => Task.Run(() => RunWorkerAsync(w))).ToArray();
    }

    public ModelCard Card { get; }

    /// <summary>The execution provider the sessions actually run on.</summary>
    public ExecutionProvider Provider { get; private set; }

    public int Workers => _workers.Count;

    /// <summary>The most rows one inference takes.</summary>
    public int MaxBatchSize => _options.MaxBatchSize;

    /// <summary>How long a worker waits for more rows before it runs a partial batch.</summary>
    public TimeSpan QueueDelay { get; }

    /// <summary>Rows waiting in the queue right now.</summary>
    public int QueuedRows => Volatile.Read(ref _queuedRows);

    /// <summary>
    /// Queues <paramref name="rows"/> normalised 28x28 inputs, as many jobs of at most <see cref="MaxBatchSize"/>
    /// rows as they need, and returns their logits (rows x 10) in order.
    /// </summary>
    /// <exception cref="QueueFullException">The queue is full.</exception>
    public Task<float[]> RunAllAsync(float[] input, int rows, CancellationToken cancellationToken) =>
        rows <= MaxBatchSize ? RunAsync(input, rows, cancellationToken) : RunInChunksAsync(input, rows, cancellationToken);

    /// <summary>Queues <paramref name="rows"/> normalised 28x28 inputs and returns their logits (rows x 10).</summary>
    /// <exception cref="QueueFullException">The queue is full; nothing was queued.</exception>
    public Task<float[]> RunAsync(float[] input, int rows, CancellationToken cancellationToken)
    {
        if (rows > _options.MaxBatchSize)
        {
            throw new BatchTooLargeException(rows, _options.MaxBatchSize);
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(input.Length, rows * PixelsPerRow);
        var job = new InferenceJob(input, rows, cancellationToken);
        if (_stopping.IsCancellationRequested || !_queue.Writer.TryWrite(job))
        {
            _metrics.Rejected(Card.Name, "queue_full");
            throw new QueueFullException(Card.Name, _options.RetryAfterSeconds);
        }

        Interlocked.Add(ref _queuedRows, rows);
        return job.Task;
    }

    private async Task<float[]> RunInChunksAsync(float[] input, int rows, CancellationToken cancellationToken)
    {
        var chunks = new List<Task<float[]>>();
        for (var first = 0; first < rows; first += MaxBatchSize)
        {
            var count = Math.Min(MaxBatchSize, rows - first);
            chunks.Add(RunAsync(input[(first * PixelsPerRow)..((first + count) * PixelsPerRow)], count, cancellationToken));
        }

        return [.. (await Task.WhenAll(chunks).ConfigureAwait(false)).SelectMany(logits => logits)];
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return; // Sessions and pinned buffers are native memory: free them once.
        }

        _queue.Writer.TryComplete();
        await Task.WhenAll(_loops).ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        _workers.ForEach(w => w.Dispose());
        _stopping.Dispose();
    }

    private async Task RunWorkerAsync(InferenceWorker worker)
    {
        var reader = _queue.Reader;
        var batch = new List<InferenceJob>(_options.MaxBatchSize);
        InferenceJob? carried = null;
        var delay = QueueDelay;
        while (carried is not null || await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            var rows = 0;
            if (carried is not null)
            {
                batch.Add(carried);
                rows = carried.Rows;
                carried = null;
            }

            rows = Fill(reader, batch, rows, ref carried);
            if (delay > TimeSpan.Zero && rows < _options.MaxBatchSize && carried is null)
            {
                using var wait = new CancellationTokenSource(delay);
                try
                {
                    while (rows < _options.MaxBatchSize && carried is null && await reader.WaitToReadAsync(wait.Token).ConfigureAwait(false))
                    {
                        rows = Fill(reader, batch, rows, ref carried);
                    }
                }
                catch (OperationCanceledException)
                {
                    // The delay is over: run what we have.
                }
            }

            if (batch.Count > 0)
            {
                Execute(worker, batch, rows);
            }
        }
    }

    // Takes queued jobs while they fit; a job that does not fit is carried to the next batch.
    private int Fill(ChannelReader<InferenceJob> reader, List<InferenceJob> batch, int rows, ref InferenceJob? carried)
    {
        while (rows < _options.MaxBatchSize && reader.TryRead(out var job))
        {
            Interlocked.Add(ref _queuedRows, -job.Rows);
            if (job.CancellationToken.IsCancellationRequested)
            {
                // The client has gone: drop its work.
                _metrics.Rejected(Card.Name, "client_gone");
                job.Cancel();
                continue;
            }

            if (rows + job.Rows > _options.MaxBatchSize)
            {
                carried = job;
                break;
            }

            batch.Add(job);
            rows += job.Rows;
        }

        return rows;
    }

    private void Execute(InferenceWorker worker, List<InferenceJob> batch, int rows)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        ReadOnlySpan<float> logits = default;
        Exception? failure = null;
        try
        {
            var offset = 0;
            foreach (var job in batch)
            {
                job.Input.AsSpan(0, job.Rows * PixelsPerRow).CopyTo(worker.Input.AsSpan(offset * PixelsPerRow));
                offset += job.Rows;
            }

            logits = worker.Run(rows);
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        // Recorded before any caller resumes, so that an answered request has always been counted.
        _metrics.Inference(Card.Name, rows, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        if (failure is not null)
        {
            batch.ForEach(j => j.Fail(failure));
            return;
        }

        var first = 0;
        foreach (var job in batch)
        {
            job.Complete(logits.Slice(first * ClassesPerRow, job.Rows * ClassesPerRow).ToArray());
            first += job.Rows;
        }
    }
}
