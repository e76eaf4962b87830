using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Custos.Core.Audit;
using Custos.Core.Errors;

namespace Custos.Storage.Sqlite;

/// <summary>
/// The audit log in the SQLite data file, with group commit: events wait in a queue and a dedicated
/// writer thread makes many of them durable with one transaction (one fsync).
/// <see cref="AppendAsync"/> returns only after the transaction holding its event committed; if it
/// fails, every event of the batch fails and their requests are refused (fail closed).
/// </summary>
/// <remarks>
/// When to commit decides the cost: a commit with <c>synchronous=FULL</c> costs about 130 µs of CPU
/// on a virtual disk (most of it the fsync), an event about 5 µs. Committing whenever something is
/// queued makes batches of a few events under load, and the commits then cost more than the requests.
/// So the writer commits at once only when waiting cannot help — every request in flight (see
/// <see cref="RequestStarted"/>) already has its event queued, or the batch is full — and otherwise
/// gathers for at most <see cref="GatherWindow"/> (like PostgreSQL's <c>commit_delay</c> with
/// <c>commit_siblings</c>). A lone client therefore never waits; under load the batches grow to
/// what arrives in the window.
/// </remarks>
public sealed class SqliteAuditLog : IAuditLog, IAsyncDisposable
{
    /// <summary>Most events in one commit.</summary>
    public const int MaxBatch = 1024;

    private const int Idle = 0, Gathering = 1, Busy = 2;

    private static readonly Meter Meter = new("Custos.Audit");
    private static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>("custos.audit.batch_size", "{event}", "Events made durable by one commit");
    private static readonly Histogram<double> CommitTime = Meter.CreateHistogram<double>("custos.audit.commit_duration", "ms", "Time to write and fsync one batch");

    private readonly SqliteDatabase _database;
    private readonly ConcurrentQueue<Pending> _queue = new();
    private readonly List<AuditEvent> _events = new(MaxBatch); // the batch being committed (writer thread only)
    private readonly ManualResetEventSlim _signal = new(false, spinCount: 0);
    private readonly Thread _writer;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly long _gatherTicks;
    private int _queued;   // events in _queue
    private int _active;   // requests in flight that may still append
    private int _state;    // Idle, Gathering or Busy; written with full fences
    private volatile bool _closing;
    private volatile Exception? _failed;
    private long _commits;

    private readonly record struct Pending(AuditEvent Event, TaskCompletionSource Done);

    /// <summary>Starts the writer thread.</summary>
    /// <param name="database">The data file.</param>
    /// <param name="gatherWindow">Longest wait for more events before a commit (default 1 ms; zero commits whatever is queued).</param>
    public SqliteAuditLog(SqliteDatabase database, TimeSpan? gatherWindow = null)
    {
        _database = database;
        GatherWindow = gatherWindow ?? TimeSpan.FromMilliseconds(1);
        ArgumentOutOfRangeException.ThrowIfLessThan(GatherWindow, TimeSpan.Zero, nameof(gatherWindow));
        _gatherTicks = (long)(GatherWindow.TotalSeconds * Stopwatch.Frequency);
        _writer = new Thread(WriterThread) { IsBackground = true, Name = "custos-audit-writer" };
        _writer.Start();
    }

    /// <summary>Longest time the writer waits for more events before it commits.</summary>
    public TimeSpan GatherWindow { get; }

    /// <summary>Transactions attempted so far (for tests and benchmarks of the batching).</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <inheritdoc />
    public ValueTask AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        if (_failed is { } failed) throw Error.Unavailable("the audit log writer stopped", failed);
        if (_closing) throw Error.Unavailable("the audit log is shut down");
        // Continuations run where the batch is completed (see Release), not each as its own work item.
        var done = new TaskCompletionSource();
        _queue.Enqueue(new Pending(auditEvent, done));
        var queued = Interlocked.Increment(ref _queued);
        var state = Volatile.Read(ref _state);
        if (state == Idle || (state == Gathering && ReadyToCommit(queued))) _signal.Set();
        // The event is durable (or not) whatever the caller's token says; waiting is what is cancellable.
        return cancellationToken.CanBeCanceled ? new ValueTask(done.Task.WaitAsync(cancellationToken)) : new ValueTask(done.Task);
    }

    /// <inheritdoc />
    public void RequestStarted() => Interlocked.Increment(ref _active);

    /// <inheritdoc />
    public void RequestEnded()
    {
        Interlocked.Decrement(ref _active);
        if (Volatile.Read(ref _state) == Gathering && ReadyToCommit(Volatile.Read(ref _queued))) _signal.Set();
    }

    private bool ReadyToCommit(int queued) => queued >= MaxBatch || queued >= Volatile.Read(ref _active) || _closing;

    private void WriterThread()
    {
        var batch = new List<Pending>(MaxBatch);
        try
        {
            while (true)
            {
                Interlocked.Exchange(ref _state, Idle);
                while (Volatile.Read(ref _queued) == 0)
                {
                    if (_closing) return;
                    _signal.Wait();
                    _signal.Reset();
                }
                Gather();
                Interlocked.Exchange(ref _state, Busy);
                batch.Clear();
                while (batch.Count < MaxBatch && _queue.TryDequeue(out var p)) batch.Add(p);
                Interlocked.Add(ref _queued, -batch.Count);
                Commit(batch);
            }
        }
        catch (Exception e)
        {
            // Never leave appends waiting forever: refuse everything from now on (fail closed).
            _failed = e;
            var stopped = Error.Unavailable("the audit log writer stopped", e);
            while (_queue.TryDequeue(out var p)) batch.Add(p);
            Release(batch, stopped);
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    private void Gather()
    {
        if (_gatherTicks == 0 || ReadyToCommit(Volatile.Read(ref _queued))) return;
        Interlocked.Exchange(ref _state, Gathering);
        var deadline = Stopwatch.GetTimestamp() + _gatherTicks;
        while (!ReadyToCommit(Volatile.Read(ref _queued)))
        {
            var left = deadline - Stopwatch.GetTimestamp();
            if (left <= 0) return;
            // Whole milliseconds (what the OS wait takes), rounded up so that a short remainder sleeps
            // instead of spinning on the clock.
            _signal.Wait((int)Math.Max(1, (left * 1000 + Stopwatch.Frequency - 1) / Stopwatch.Frequency));
            _signal.Reset();
        }
    }

    private void Commit(List<Pending> batch)
    {
        Interlocked.Increment(ref _commits);
        var started = Stopwatch.GetTimestamp();
        try
        {
            _events.Clear();
            foreach (var p in batch) _events.Add(p.Event);
            _database.AppendAudit(_events);
            BatchSize.Record(batch.Count);
            CommitTime.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            Release(batch, null);
        }
        catch (Exception e) when (e is not ObjectDisposedException)
        {
            var failure = e as CustosUnavailableException ?? Error.Unavailable("the audit log could not be written", e);
            Release(batch, failure);
        }
    }

    /// <summary>
    /// Lets the waiting requests go on: their continuations run inline on one work item per processor,
    /// each taking a share of the batch, instead of one thread-pool dispatch (and often a thread wake-up)
    /// per event. The writer thread itself only queues the work items and goes back to committing.
    /// </summary>
    private static void Release(List<Pending> batch, Exception? failure)
    {

        var slices = Math.Clamp(batch.Count / 8, 1, Environment.ProcessorCount);
        var per = (batch.Count + slices - 1) / slices;
        for (int i = 0; i < batch.Count; i += per)
        {
            var slice = batch.GetRange(i, Math.Min(per, batch.Count - i));
            ThreadPool.UnsafeQueueUserWorkItem(static s =>
            {
                foreach (var p in s.Slice)
                {
                    if (s.Failure is null) p.Done.TrySetResult();
                    else p.Done.TrySetException(s.Failure);
                }
            }, (Slice: slice, Failure: failure), preferLocal: false);
        }
    }

    /// <summary>Writes what is queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _closing = true;
        _signal.Set();
        await _stopped.Task;
        _signal.Dispose();
    }
}
