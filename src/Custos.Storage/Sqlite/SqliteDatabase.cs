using System.Globalization;
using System.Text.Json;
using Custos.Core.Errors;
using Microsoft.Data.Sqlite;

namespace Custos.Storage.Sqlite;

/// <summary>
/// One SQLite data file: creates it (mode 0600) when missing, brings its schema up to date, and hands
/// out configured connections. Writers are serialized through one lock per database (SQLite has one
/// writer), each write is one <c>BEGIN IMMEDIATE</c> transaction; reads run in parallel on pooled
/// connections (WAL). Every connection runs with <c>synchronous=FULL</c> (a committed write survives a
/// crash or power loss), <c>foreign_keys=ON</c>, <c>secure_delete=ON</c> (deleted or overwritten key
/// handles are zeroed, not left in free space) and a 5 s busy timeout.
/// </summary>
public sealed class SqliteDatabase : IDisposable
{
    /// <summary>How long a connection waits for a lock held by another process.</summary>
    public const int BusyTimeoutMilliseconds = 5000;

    private const string ConnectionPragmas = """
        PRAGMA synchronous = FULL;
        PRAGMA foreign_keys = ON;
        PRAGMA secure_delete = ON;
        PRAGMA busy_timeout = 5000;
        """;

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writer = new(1, 1);
    // Audit leaves staged in the current write transaction; guarded by the writer lock.
    private long _auditNext = -1;
    private int _auditStaged;
    // Every committed leaf hash and the incremental Merkle root over them; loaded on first use.
    private List<byte[]>? _auditLeaves;
    private Custos.Crypto.Transparency.CompactRange? _auditRange;
    private readonly List<byte[]> _auditStagedHashes = [];
    private AuditStatements? _auditStatements; // prepared once on the writer connection, reused for every staged event
    private SqliteConnection? _writerConnection; // one connection for all writes (they are serialized anyway)
    private int _disposed;

    /// <summary>
    /// Opens the database at <paramref name="path"/>, creating the file (mode 0600) when it does not exist,
    /// and applies pending migrations. The folder must exist. Throws <see cref="CustosUnavailableException"/>
    /// when the file cannot be opened or its schema is newer than this build knows.
    /// </summary>
    public SqliteDatabase(string path, TimeProvider? timeProvider = null)
        : this(path, MigrationRunner.Embedded(), timeProvider ?? TimeProvider.System)
    {
    }

    internal SqliteDatabase(string path, IReadOnlyList<SqliteMigration> migrations, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        var folder = System.IO.Path.GetDirectoryName(Path)!;
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"data folder '{folder}' does not exist; create it (readable only by the Custos user) first");

        CreateFileOwnerOnly(Path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWrite,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
        }.ToString();

        try
        {
            using var connection = Open();
            using (var wal = connection.CreateCommand())
            {
                wal.CommandText = "PRAGMA journal_mode = WAL";
                var mode = Convert.ToString(wal.ExecuteScalar(), CultureInfo.InvariantCulture);
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                    throw Error.Unavailable("database cannot use write-ahead logging (WAL) on this file system");
            }
            SchemaVersion = new MigrationRunner(migrations, timeProvider).Apply(connection) switch
            {
                { Count: > 0 } applied => applied[^1],
                _ => ReadSchemaVersion(connection),
            };
        }
        catch (SqliteException ex)
        {
            SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
            throw Error.Unavailable("database could not be opened", ex);
        }
        catch
        {
            SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
            throw;
        }
    }

    /// <summary>Full path of the data file.</summary>
    public string Path { get; }

    /// <summary>The schema version after opening (the newest applied migration).</summary>
    public int SchemaVersion { get; }

    /// <summary>An open connection with the pragmas set. The caller disposes it (back to the pool).</summary>
    internal async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            using var command = connection.CreateCommand();
            command.CommandText = ConnectionPragmas;
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs <paramref name="work"/> in a read (deferred) transaction, so it sees one snapshot.</summary>
    internal async Task<T> ReadAsync<T>(string operation,
        Func<SqliteConnection, SqliteTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenConnectionAsync(cancellationToken);
            await using var transaction = connection.BeginTransaction(deferred: true);
            return await work(connection, transaction, cancellationToken);
        }
        catch (Exception ex) when (IsDatabaseFailure(ex))
        {
            throw Error.Unavailable($"database {operation} failed", ex);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one <c>BEGIN IMMEDIATE</c> transaction while holding the writer lock.
    /// The transaction is committed when <paramref name="work"/> returns <c>Commit: true</c>, rolled back
    /// otherwise (and on any exception).
    /// </summary>
    internal async Task<T> WriteAsync<T>(string operation,
        Func<SqliteConnection, SqliteTransaction, CancellationToken, Task<(T Value, bool Commit)>> work,
        CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _writer.WaitAsync(cancellationToken);
        try
        {
            var connection = _writerConnection ??= await OpenConnectionAsync(cancellationToken);
            await using var transaction = connection.BeginTransaction(deferred: false);
            ClearStagedAudit();
            var (value, commit) = await work(connection, transaction, cancellationToken);
            if (commit)
            {
                await transaction.CommitAsync(cancellationToken);
                PublishStagedAudit();
            }
            else
            {
                await transaction.RollbackAsync(cancellationToken);
            }
            return value;
        }
        catch (Exception ex)
        {
            // Whatever failed, the writer connection may be mid-transaction: drop it. Database failures refuse the request (fail closed).
            DropWriterConnection();
            if (IsDatabaseFailure(ex)) throw Error.Unavailable($"database {operation} failed", ex);
            throw;
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>
    /// Appends audit events as the next leaves of the audit log in one transaction of their own, synchronously: the
    /// audit log's writer thread (<see cref="SqliteAuditLog"/>) calls it for each batch, so that the path every
    /// request's event takes has no asynchronous steps. Throws <see cref="CustosUnavailableException"/> when the
    /// transaction does not commit; then none of the events was written.
    /// </summary>
    internal void AppendAudit(IReadOnlyList<Core.Audit.AuditEvent> events)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        _writer.Wait();
        try
        {
            var connection = _writerConnection ??= Open();
            var statements = AuditStatementsFor(connection);
            statements.Begin();
            try
            {
                if (_auditLeaves is null) EnsureAuditLoadedAsync(connection, null, CancellationToken.None).GetAwaiter().GetResult();
                ClearStagedAudit();
                foreach (var auditEvent in events) StageAudit(connection, auditEvent);
                statements.Commit();
            }
            catch
            {
                statements.RollbackIfOpen();
                throw;
            }
            PublishStagedAudit();
        }
        catch (Exception ex)
        {
            // Whatever failed, the writer connection may be mid-transaction: drop it. Database failures refuse the request (fail closed).
            DropWriterConnection();
            if (IsDatabaseFailure(ex)) throw Error.Unavailable("database append to the audit log failed", ex);
            throw;
        }
        finally
        {
            _writer.Release();
        }
    }

    private AuditStatements AuditStatementsFor(SqliteConnection connection) => _auditStatements ??= new AuditStatements(connection);

    private void ClearStagedAudit()
    {
        _auditStaged = 0;
        _auditStagedHashes.Clear();
    }

    /// <summary>After a commit: the staged leaves are part of the log.</summary>
    private void PublishStagedAudit()
    {
        _auditNext += _auditStaged;
        foreach (var h in _auditStagedHashes)
        {
            _auditLeaves!.Add(h);
            _auditRange!.Append(h);
        }
    }

    /// <summary>
    /// Adds an audit event as the next leaf of the audit log, inside the current write transaction (call
    /// only from a <see cref="WriteAsync"/> callback): it becomes durable exactly when the transaction
    /// commits, together with whatever else the transaction changes.
    /// </summary>
    internal async Task StageAuditAsync(SqliteConnection connection, SqliteTransaction transaction, Core.Audit.AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        await EnsureAuditLoadedAsync(connection, transaction, cancellationToken);
        StageAudit(connection, auditEvent);
    }

    private void StageAudit(SqliteConnection connection, Core.Audit.AuditEvent auditEvent)
    {
        long index = _auditNext + _auditStaged;
        var previous = _auditStagedHashes.Count > 0 ? _auditStagedHashes[^1] : _auditLeaves!.Count > 0 ? _auditLeaves[^1] : null;
        auditEvent = auditEvent with { Index = index, Previous = previous is null ? null : Convert.ToBase64String(previous) };
        var data = auditEvent.ToLeafData();
        var leafHash = AuditLeafHash(data);
        AuditStatementsFor(connection).Insert(index, leafHash, data, auditEvent);
        _auditStaged++;
        _auditStagedHashes.Add(leafHash);
    }

    private async Task EnsureAuditLoadedAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        if (_auditLeaves is not null) return;
        var leaves = new List<byte[]>();
        var range = new Custos.Crypto.Transparency.CompactRange();
        using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "SELECT idx, leaf_hash FROM audit_events ORDER BY idx";
            using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (reader.GetInt64(0) != leaves.Count) throw Error.Unavailable($"the audit log has a gap at event {leaves.Count}; run 'custos audit verify'");
                var h = (byte[])reader[1];
                leaves.Add(h);
                range.Append(h);
            }
        }
        (_auditLeaves, _auditRange, _auditNext) = (leaves, range, leaves.Count);
    }

    /// <summary>The tree head and, when <paramref name="leafCount"/> is given, the first leaf hashes (a snapshot).</summary>
    internal async Task<(long Size, byte[] Root, byte[][]? Leaves)> AuditTreeAsync(long? leafCount, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _writer.WaitAsync(cancellationToken);
        try
        {
            if (_auditLeaves is null)
            {
                _writerConnection ??= await OpenConnectionAsync(cancellationToken);
                await EnsureAuditLoadedAsync(_writerConnection, null, cancellationToken);
            }
            var size = _auditLeaves!.Count;
            if (leafCount is > 0 && leafCount > size) throw new ArgumentOutOfRangeException(nameof(leafCount), $"the log has {size} events");
            var snapshot = leafCount is { } n ? _auditLeaves.GetRange(0, (int)n).ToArray() : null;
            return (size, _auditRange!.RootHash(), snapshot);
        }
        catch (SqliteException ex)
        {
            DropWriterConnection();
            throw Error.Unavailable("database read of the audit log failed", ex);
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>RFC 6962 leaf hash: SHA-256(0x00 || data).</summary>
    internal static byte[] AuditLeafHash(ReadOnlySpan<byte> data) => Custos.Crypto.Transparency.MerkleHash.LeafHash(data);

    private void DropWriterConnection()
    {
        _auditStatements?.Dispose();
        _auditStatements = null;
        _writerConnection?.Dispose();
        _writerConnection = null;
    }

    /// <summary>Closes the pooled connections to the file.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        // Let a write in progress finish before the pool is cleared; later ones fail as disposed.
        _writer.Wait();
        DropWriterConnection();
        _writer.Release();
        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
    }

    private static bool IsDatabaseFailure(Exception ex) => ex is SqliteException or JsonException or FormatException;

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = ConnectionPragmas;
        command.ExecuteNonQuery();
        return connection;
    }

    private static int ReadSchemaVersion(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>Creates an empty file readable and writable by the owner only, before SQLite writes to it.</summary>
    private static void CreateFileOwnerOnly(string path)
    {
        if (File.Exists(path)) return;
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using (new FileStream(path, options)) { }
        }
        catch (IOException) when (File.Exists(path))
        {
            return; // created by another process in the meantime
        }
        // The umask can only remove bits, but set it explicitly so the mode never depends on it.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
