using System.Security.Cryptography;
using Custos.Cli.Audit;
using Custos.Crypto.Transparency;
using Custos.Storage.Sqlite;

namespace Custos.Bench.Audit;

/// <summary>
/// A data file holding the benchmark's audit log, written through the server's own storage path
/// (<see cref="SqliteAuditLog"/>: group commit, hash chain, leaf hashes, <c>synchronous=FULL</c>), with a C2SP
/// checkpoint signed by an ECDSA P-256 log key every <see cref="CheckpointEvery"/> events (the server signs one
/// every 10 s while events arrive). Kept in a folder so later runs can reuse it.
/// <code>
/// DIR/custos.db     the SQLite data file (audit_events, audit_checkpoints)
/// DIR/log-key.pem   the log's signing key (PKCS#8), to sign more checkpoints on reuse
/// </code>
/// </summary>
internal sealed class BenchLog
{
    /// <summary>Events between two signed checkpoints.</summary>
    public const int CheckpointEvery = 10_000;

    private const string Origin = "custos/bench-audit";

    private BenchLog(string database, string verifierKey, List<string> notes, long events)
    {
        (Database, VerifierKey, Notes, Events) = (database, verifierKey, notes, events);
    }

    /// <summary>The data file.</summary>
    public string Database { get; }
    /// <summary>The log's C2SP verifier key.</summary>
    public string VerifierKey { get; }
    /// <summary>Every signed checkpoint note, increasing size.</summary>
    public List<string> Notes { get; }
    /// <summary>Events in the log.</summary>
    public long Events { get; }

    /// <summary>Opens the log in <paramref name="dir"/>, appending events until it holds <paramref name="events"/>.</summary>
    public static async Task<BenchLog> EnsureAsync(string dir, long events, CancellationToken ct)
    {
        Directory.CreateDirectory(dir);
        using var key = LoadOrCreateKey(Path.Combine(dir, "log-key.pem"));
        var signer = new EcdsaP256NoteSigner(Origin, key);
        string path = Path.Combine(dir, "custos.db");
        using var db = new SqliteDatabase(path);
        var store = new SqliteAuditStore(db);
        long have = (await store.GetTreeHeadAsync(ct)).Size;
        if (have < events) await AppendAsync(db, events - have, signer, ct);
        var notes = new List<string>();
        for (long after = -1; ;)
        {
            var page = await store.ListCheckpointsAsync(after, SqliteAuditStore.MaxPage, ct);
            if (page.Count == 0) break;
            notes.AddRange(page.Select(c => c.Note));
            after = page[^1].TreeSize;
        }
        return new BenchLog(path, signer.VerifierKey, notes, (await store.GetTreeHeadAsync(ct)).Size);
    }

    /// <summary>
    /// Appends <paramref name="count"/> realistic events through <see cref="SqliteAuditLog"/> (waves of
    /// <see cref="CheckpointEvery"/> concurrent appends, so its group commit writes full batches), signing a checkpoint
    /// after each wave when <paramref name="signer"/> is given.
    /// </summary>
    public static async Task AppendAsync(SqliteDatabase db, long count, NoteSigner? signer, CancellationToken ct)
    {
        var store = new SqliteAuditStore(db);
        long have = (await store.GetTreeHeadAsync(ct)).Size, events = have + count;
        Console.Error.WriteLine($"bench: writing {count:N0} audit events through SqliteAuditLog into {db.Path} ...");
        var progress = EventProgress.ToStderr("bench: append", events);
        var factory = new RealisticEvents();
        await using var log = new SqliteAuditLog(db);
        for (long done = have; done < events;)
        {
            int wave = (int)Math.Min(CheckpointEvery - done % CheckpointEvery, events - done);
            var appends = new Task[wave];
            for (int i = 0; i < wave; i++) appends[i] = log.AppendAsync(factory.Next(done + i), ct).AsTask();
            await Task.WhenAll(appends);
            done += wave;
            if (signer is not null)
            {
                var head = await store.GetTreeHeadAsync(ct);
                var note = SignedNote.Sign(new Checkpoint(Origin, head.Size, head.RootHash).Format(), signer).Format();
                await store.SaveCheckpointAsync(new Core.Audit.StoredCheckpoint(head.Size, note, DateTimeOffset.UtcNow), ct);
            }
            progress.Report(done - done % 1024);
        }
        progress.Done(events);
    }

    /// <summary>Every leaf from the data file, as the audit API serves them: pages of <see cref="SqliteAuditStore.MaxPage"/>.</summary>
    public async IAsyncEnumerable<AuditLeaf> ReadLeavesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        using var db = new SqliteDatabase(Database);
        var store = new SqliteAuditStore(db);
        for (long after = -1; ;)
        {
            var page = await store.ReadAsync(new Core.Audit.AuditQuery(after, SqliteAuditStore.MaxPage), ct);
            foreach (var l in page.Leaves) yield return new AuditLeaf(l.Index, l.Data, l.LeafHash);
            if (page.Next is not { } next) yield break;
            after = next;
        }
    }

    private static ECDsa LoadOrCreateKey(string path)
    {
        var key = ECDsa.Create();
        if (File.Exists(path))
        {
            key.ImportFromPem(File.ReadAllText(path));
            return key;
        }
        key.GenerateKey(ECCurve.NamedCurves.nistP256);
        File.WriteAllText(path, key.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return key;
    }
}
