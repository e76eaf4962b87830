using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Custos.Cli.Audit;
using Custos.Core.Audit;
using Microsoft.Data.Sqlite;

namespace Custos.Cli.Tests.Infrastructure;

/// <summary>
/// The audit log as someone with write access to its storage sees it, bypassing Custos: the rows of
/// <c>audit_events</c> / <c>audit_checkpoints</c> in the SQLite file, or the lines of an export bundle's
/// <c>events.jsonl</c> / <c>checkpoints.jsonl</c>. One edit of <see cref="Events"/> and <see cref="Checkpoints"/>
/// is written back to either, so the live verifier and the bundle verifier face the same tampering. Writing a
/// bundle back also rewrites its manifest (hashes and counts), as an attacker who knows the format would:
/// the manifest is not signed, so the verifier must catch the edit from the log itself.
/// </summary>
internal sealed class RawAuditLog
{
    /// <summary>Events in storage order: (index, leaf hash, leaf data) as stored.</summary>
    public List<RawEvent> Events { get; } = [];

    /// <summary>Checkpoints in storage order: (tree size, signed note) as stored.</summary>
    public List<RawCheckpoint> Checkpoints { get; } = [];

    /// <summary>Reads every event and checkpoint from the data file.</summary>
    public static RawAuditLog FromDatabase(string db)
    {
        var log = new RawAuditLog();
        using var c = Open(db);
        using (var cmd = new SqliteCommand("SELECT idx, leaf_hash, event FROM audit_events ORDER BY idx", c))
        using (var r = cmd.ExecuteReader())
            while (r.Read()) log.Events.Add(new RawEvent(r.GetInt64(0), (byte[])r[1], (byte[])r[2]));
        using (var cmd = new SqliteCommand("SELECT tree_size, note FROM audit_checkpoints ORDER BY tree_size", c))
        using (var r = cmd.ExecuteReader())
            while (r.Read()) log.Checkpoints.Add(new RawCheckpoint(r.GetInt64(0), r.GetString(1)));
        return log;
    }

    /// <summary>
    /// Replaces the events and checkpoints in the data file with these, in one transaction (a running server waits
    /// for it like for any other writer). The filter columns are filled from the event data where it parses.
    /// </summary>
    public void SaveToDatabase(string db)
    {
        using var c = Open(db);
        using var tx = c.BeginTransaction();
        Exec(c, tx, "DELETE FROM audit_events");
        Exec(c, tx, "DELETE FROM audit_checkpoints");
        foreach (var e in Events)
        {
            var parsed = AuditEvent.FromLeafData(e.Data);
            using var cmd = new SqliteCommand(
                "INSERT INTO audit_events (idx, leaf_hash, event, time, principal, operation, key_id, outcome) VALUES ($i, $h, $e, $t, $p, $o, $k, $r)", c, tx);
            cmd.Parameters.AddWithValue("$i", e.Index);
            cmd.Parameters.AddWithValue("$h", e.LeafHash);
            cmd.Parameters.AddWithValue("$e", e.Data);
            cmd.Parameters.AddWithValue("$t", (parsed?.Time ?? DateTimeOffset.UnixEpoch).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
            cmd.Parameters.AddWithValue("$p", parsed?.Principal ?? "?");
            cmd.Parameters.AddWithValue("$o", parsed?.Operation ?? "?");
            cmd.Parameters.AddWithValue("$k", (object?)parsed?.KeyId ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$r", parsed is null ? "?" : AuditEvent.Name(parsed.Outcome));
            cmd.ExecuteNonQuery();
        }
        foreach (var cp in Checkpoints)
        {
            using var cmd = new SqliteCommand("INSERT INTO audit_checkpoints (tree_size, note, created_at) VALUES ($s, $n, $t)", c, tx);
            cmd.Parameters.AddWithValue("$s", cp.TreeSize);
            cmd.Parameters.AddWithValue("$n", cp.Note);
            cmd.Parameters.AddWithValue("$t", "2026-01-01T00:00:00.000000Z");
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }

    /// <summary>Reads an export bundle's events and checkpoints.</summary>
    public static RawAuditLog FromBundle(string dir)
    {
        var log = new RawAuditLog();
        foreach (var line in File.ReadLines(Path.Combine(dir, AuditBundle.EventsFile)))
        {
            var e = JsonSerializer.Deserialize(line, AuditWireJson.Default.EventEntry)!;
            log.Events.Add(new RawEvent(e.Index, e.LeafHash, e.Data));
        }
        foreach (var line in File.ReadLines(Path.Combine(dir, AuditBundle.CheckpointsFile)))
        {
            var c = JsonSerializer.Deserialize(line, AuditWireJson.Default.CheckpointEntry)!;
            log.Checkpoints.Add(new RawCheckpoint(c.TreeSize, c.Note));
        }
        return log;
    }

    /// <summary>Rewrites the bundle's events and checkpoints files, then its manifest's counts and SHA-256 hashes; files stay read-only.</summary>
    public void SaveToBundle(string dir)
    {
        Rewrite(Path.Combine(dir, AuditBundle.EventsFile),
            Events.Select(e => JsonSerializer.Serialize(new EventEntry(e.Index, e.LeafHash, e.Data), AuditWireJson.Default.EventEntry)));
        Rewrite(Path.Combine(dir, AuditBundle.CheckpointsFile),
            Checkpoints.Select(c => JsonSerializer.Serialize(new CheckpointEntry(c.TreeSize, c.Note), AuditWireJson.Default.CheckpointEntry)));
        string manifestPath = Path.Combine(dir, AuditBundle.ManifestFile);
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!.AsObject();
        manifest["events"] = Events.Count;
        manifest["checkpoints"] = Checkpoints.Count;
        foreach (var f in new[] { AuditBundle.EventsFile, AuditBundle.CheckpointsFile, AuditBundle.KeyFile })
            manifest["sha256"]![f] = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(dir, f))));
        Rewrite(manifestPath, [manifest.ToJsonString()]);
    }

    private static void Rewrite(string path, IEnumerable<string> lines)
    {
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(path, string.Concat(lines.Select(l => l + "\n")));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }

    private static SqliteConnection Open(string db)
    {
        var c = new SqliteConnection($"Data Source={db};Pooling=False");
        c.Open();
        Exec(c, null, "PRAGMA busy_timeout = 5000");
        return c;
    }

    private static void Exec(SqliteConnection c, SqliteTransaction? tx, string sql)
    {
        using var cmd = new SqliteCommand(sql, c, tx);
        cmd.ExecuteNonQuery();
    }
}

/// <summary>An event as stored.</summary>
internal sealed record RawEvent(long Index, byte[] LeafHash, byte[] Data);

/// <summary>A checkpoint as stored.</summary>
internal sealed record RawCheckpoint(long TreeSize, string Note);
