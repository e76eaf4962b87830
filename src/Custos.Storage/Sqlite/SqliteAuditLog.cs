using System.Threading.Channels;
using Custos.Core.Audit;
using Custos.Core.Errors;

namespace Custos.Storage.Sqlite;

/// <summary>
/// The audit log in the SQLite data file, with group commit: events that arrive while a commit is in
/// flight wait and are written together in the next transaction, so one fsync makes many events
/// durable. <see cref="AppendAsync"/> returns only after the transaction holding its event committed;
/// if it fails, every event of the batch fails and their requests are refused (fail closed).
/// </summary>
public sealed class SqliteAuditLog : IAuditLog, IAsyncDisposable
{
    /// <summary>Most events in one commit.</summary>
    public const int MaxBatch = 1024;

    private readonly SqliteDatabase _database;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    private readonly record struct Pending(AuditEvent Event, TaskCompletionSource Done);

    /// <summary>Starts the background writer.</summary>
    public SqliteAuditLog(SqliteDatabase database)
    {
        _database = database;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <inheritdoc />
    public ValueTask AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new Pending(auditEvent, done)))
            throw Error.Unavailable("the audit log is shut down");
        // The event is durable (or not) whatever the caller's token says; waiting is what is cancellable.
        return new ValueTask(done.Task.WaitAsync(cancellationToken));
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            await WriteBatchesAsync();
        }
        catch (Exception e)
        {
            // Never leave appends waiting forever: refuse everything from now on (fail closed).
            _queue.Writer.TryComplete(e);
            while (_queue.Reader.TryRead(out var p)) p.Done.TrySetException(Error.Unavailable("the audit log writer stopped", e));
        }
    }

    private async Task WriteBatchesAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && reader.TryRead(out var p)) batch.Add(p);

            try
            {
                await _database.WriteAsync("append to the audit log", async (connection, transaction, ct) =>
                {
                    foreach (var p in batch) await _database.StageAuditAsync(connection, transaction, p.Event, ct);
                    return (true, true);
                }, CancellationToken.None);
                foreach (var p in batch) p.Done.TrySetResult();
            }
            catch (Exception e)
            {
                var failure = e as CustosUnavailableException ?? Error.Unavailable("the audit log could not be written", e);
                foreach (var p in batch) p.Done.TrySetException(failure);
            }
        }
    }

    /// <summary>Writes what is queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }
}
