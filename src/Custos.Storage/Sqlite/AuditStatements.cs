using System.Globalization;
using Custos.Core.Audit;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Custos.Storage.Sqlite;

/// <summary>
/// The statements every audit event goes through, prepared once on the writer connection and run through SQLite's
/// own API: <c>INSERT INTO audit_events</c>, and for the audit log's own batches <c>BEGIN IMMEDIATE</c> and
/// <c>COMMIT</c>. Values are bound by position straight from the event (text as UTF-16, which SQLite converts
/// natively), with no per-row command, data reader, parameter-name lookup or UTF-8 copy, and no statement is parsed
/// again. Under load these are the most frequent statements Custos runs, so their overhead is a share of every request.
/// The insert runs in whatever transaction the connection has open.
/// </summary>
internal sealed class AuditStatements : IDisposable
{
    private const string InsertSql = "INSERT INTO audit_events (idx, leaf_hash, event, time, principal, operation, key_id, outcome) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly sqlite3_stmt _begin;
    private readonly sqlite3_stmt _commit;
    private readonly sqlite3_stmt _rollback;

    public AuditStatements(SqliteConnection connection)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("the connection is not open");
        _statement = Prepare(InsertSql);
        _begin = Prepare("BEGIN IMMEDIATE");
        _commit = Prepare("COMMIT");
        _rollback = Prepare("ROLLBACK");
    }

    private sqlite3_stmt Prepare(string sql)
    {
        var rc = raw.sqlite3_prepare_v2(_db, sql, out var statement);
        if (rc != raw.SQLITE_OK)
        {
            statement.Dispose();
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
        return statement;
    }

    /// <summary>Starts a write transaction (as <c>BeginTransaction(deferred: false)</c> would).</summary>
    public void Begin() => Run(_begin);

    /// <summary>Commits the transaction (with the connection's <c>synchronous</c> setting: durable when it returns).</summary>
    public void Commit() => Run(_commit);

    /// <summary>Rolls back the transaction, if one is open (after a failure; never throws).</summary>
    public void RollbackIfOpen()
    {
        if (raw.sqlite3_get_autocommit(_db) != 0) return;
        raw.sqlite3_step(_rollback);
        raw.sqlite3_reset(_rollback);
    }

    private void Run(sqlite3_stmt statement)
    {
        var rc = raw.sqlite3_step(statement);
        if (rc != raw.SQLITE_DONE) Fail(statement, rc);
        raw.sqlite3_reset(statement);
    }

    private void Fail(sqlite3_stmt statement, int rc)
    {
        // Read the message before reset, which would replace it.
        var failure = new SqliteException(raw.sqlite3_errmsg(_db).utf8_to_string() ?? "audit statement failed", rc, raw.sqlite3_extended_errcode(_db));
        raw.sqlite3_reset(statement);
        throw failure;
    }

    /// <summary>Inserts one leaf. Throws <see cref="SqliteException"/> when SQLite refuses it (the row is then not written).</summary>
    public void Insert(long index, ReadOnlySpan<byte> leafHash, ReadOnlySpan<byte> data, AuditEvent auditEvent)
    {
        Span<char> time = stackalloc char[32];
        if (!auditEvent.Time.UtcDateTime.TryFormat(time, out var timeLength, SqliteValues.TimeFormat, CultureInfo.InvariantCulture))
            throw new FormatException("audit event time does not format");
        var s = _statement;
        Check(raw.sqlite3_bind_int64(s, 1, index));
        Check(raw.sqlite3_bind_blob(s, 2, leafHash));
        Check(raw.sqlite3_bind_blob(s, 3, data));
        Check(raw.sqlite3_bind_text16(s, 4, time[..timeLength]));
        Check(raw.sqlite3_bind_text16(s, 5, auditEvent.Principal));
        Check(raw.sqlite3_bind_text16(s, 6, auditEvent.Operation));
        Check(auditEvent.KeyId is { } keyId ? raw.sqlite3_bind_text16(s, 7, keyId) : raw.sqlite3_bind_null(s, 7));
        Check(raw.sqlite3_bind_text16(s, 8, AuditEvent.Name(auditEvent.Outcome)));
        Run(s);
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, _db);
    }

    public void Dispose()
    {
        _statement.Dispose();
        _begin.Dispose();
        _commit.Dispose();
        _rollback.Dispose();
    }
}
