using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Custos.Crypto.Transparency;

namespace Custos.Cli.Audit;

/// <summary>
/// An offline, WORM-ready export of the audit log: a folder of four files, each made read-only (0444) once written.
/// <code>
/// events.jsonl       one {"index","leafHash","data"} per line (bytes base64), in index order from "since"
/// checkpoints.jsonl  one {"treeSize","note"} per line, increasing size (every stored signed checkpoint)
/// log.vkey           the log's C2SP verifier key, one line
/// manifest.json      {"format","origin","since","events","checkpoints","exportedAt","sha256":{file: hex}}
/// </code>
/// The manifest hashes catch damage to the files; authenticity comes from the log-signed checkpoints, whose
/// roots are recomputed from the events when the bundle starts at event 0.
/// </summary>
public static class AuditBundle
{
    /// <summary>The manifest "format" value.</summary>
    public const string FormatName = "custos-audit-bundle/1";
    /// <summary>The events file.</summary>
    public const string EventsFile = "events.jsonl";
    /// <summary>The checkpoints file.</summary>
    public const string CheckpointsFile = "checkpoints.jsonl";
    /// <summary>The log verifier key file.</summary>
    public const string KeyFile = "log.vkey";
    /// <summary>The manifest file.</summary>
    public const string ManifestFile = "manifest.json";

    private static readonly string[] HashedFiles = [EventsFile, CheckpointsFile, KeyFile];

    /// <summary>
    /// Writes a bundle into <paramref name="dir"/> (created if absent; refused if not empty) and verifies the
    /// events while writing them; returns that verification (the bundle is written either way, as evidence).
    /// </summary>
    public static async Task<LogVerification> WriteAsync(string dir, string origin, string verifierKey, long since,
        IReadOnlyList<string> checkpointNotes, IAsyncEnumerable<AuditLeaf> leaves, TimeProvider time, CancellationToken ct,
        EventProgress? progress = null)
    {
        ArgumentNullException.ThrowIfNull(checkpointNotes);
        ArgumentNullException.ThrowIfNull(leaves);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfNegative(since);
        if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any())
            throw new CliException($"'{dir}' is not empty; export into a new or empty folder", 2);
        Directory.CreateDirectory(dir);

        var verifier = new LogVerifier(verifierKey, checkpointNotes, since);
        long events = 0;
        await using (var w = new StreamWriter(Path.Combine(dir, EventsFile), false, new UTF8Encoding(false)) { NewLine = "\n" })
        {
            await foreach (var leaf in leaves.WithCancellation(ct))
            {
                await w.WriteLineAsync(JsonSerializer.Serialize(new EventEntry(leaf.Index, leaf.LeafHash, leaf.Data), AuditWireJson.Default.EventEntry));
                verifier.Add(leaf);
                events++;
                progress?.Report(events); // not Report(++events): '?.' would skip the increment without a progress
            }
        }
        progress?.Done(events);
        await using (var w = new StreamWriter(Path.Combine(dir, CheckpointsFile), false, new UTF8Encoding(false)) { NewLine = "\n" })
        {
            foreach (var note in checkpointNotes)
            {
                long size = SignedNote.TryParse(note, out var sn) && Checkpoint.TryParse(sn!.Text, out var cp) ? cp!.Size : -1;
                await w.WriteLineAsync(JsonSerializer.Serialize(new CheckpointEntry(size, note), AuditWireJson.Default.CheckpointEntry));
            }
        }
        await File.WriteAllTextAsync(Path.Combine(dir, KeyFile), verifierKey + "\n", ct);

        var sha = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var f in HashedFiles) sha[f] = await HashFileAsync(Path.Combine(dir, f), ct);
        var manifest = new BundleManifest(FormatName, origin, since, events, checkpointNotes.Count, time.GetUtcNow(), sha);
        await File.WriteAllTextAsync(Path.Combine(dir, ManifestFile), JsonSerializer.Serialize(manifest, new JsonSerializerOptions(AuditWireJson.Default.Options) { WriteIndented = true }.GetTypeInfo(typeof(BundleManifest))) + "\n", ct);

        foreach (var f in HashedFiles.Append(ManifestFile)) MakeReadOnly(Path.Combine(dir, f));
        return verifier.Complete();
    }

    /// <summary>
    /// Verifies a bundle offline: the manifest hashes, then the log (see <see cref="LogVerifier"/>); reports the
    /// events read to <paramref name="progress"/>, whose total is set from the manifest.
    /// </summary>
    public static async Task<LogVerification> VerifyAsync(string dir, CancellationToken ct, EventProgress? progress = null)
    {
        string manifestPath = Path.Combine(dir, ManifestFile);
        if (!File.Exists(manifestPath)) return Invalid($"bundle: {ManifestFile} not found in '{dir}'");
        BundleManifest? manifest;
        try { manifest = JsonSerializer.Deserialize(await File.ReadAllBytesAsync(manifestPath, ct), AuditWireJson.Default.BundleManifest); }
        catch (JsonException) { manifest = null; }
        if (manifest is null || manifest.Format != FormatName || manifest.Sha256 is null || manifest.Since < 0)
            return Invalid($"bundle: {ManifestFile} is not a {FormatName} manifest");
        long bytes = HashedFiles.Select(f => new FileInfo(Path.Combine(dir, f))).Where(f => f.Exists).Sum(f => f.Length);
        if (bytes >= 100_000_000) progress?.Phase($"checking the SHA-256 of {bytes / 1_000_000:N0} MB of bundle files");
        foreach (var f in HashedFiles)
        {
            string path = Path.Combine(dir, f);
            if (!File.Exists(path)) return Invalid($"bundle: {f} not found");
            if (!manifest.Sha256.TryGetValue(f, out var expected) || !string.Equals(expected, await HashFileAsync(path, ct), StringComparison.OrdinalIgnoreCase))
                return Invalid($"bundle: {f} does not match its SHA-256 in {ManifestFile} (the file was changed)");
        }

        string vkey = (await File.ReadAllTextAsync(Path.Combine(dir, KeyFile), ct)).Trim();
        var notes = new List<string>();
        int line = 0;
        foreach (var text in await File.ReadAllLinesAsync(Path.Combine(dir, CheckpointsFile), ct))
        {
            line++;
            var entry = ParseLine(text, AuditWireJson.Default.CheckpointEntry);
            if (entry?.Note is null) return Invalid($"bundle: {CheckpointsFile} line {line} is not a checkpoint entry");
            notes.Add(entry.Note);
        }
        if (notes.Count != manifest.Checkpoints) return Invalid($"bundle: {CheckpointsFile} has {notes.Count} checkpoints, the manifest says {manifest.Checkpoints}");

        var verifier = new LogVerifier(vkey, notes, manifest.Since);
        long events = 0;
        line = 0;
        progress?.SetTotal(manifest.Events);
        using (var reader = new StreamReader(Path.Combine(dir, EventsFile), Encoding.UTF8))
        {
            while (await reader.ReadLineAsync(ct) is { } text)
            {
                line++;
                var entry = ParseLine(text, AuditWireJson.Default.EventEntry);
                if (entry?.Data is null || entry.LeafHash is null) return Invalid($"bundle: {EventsFile} line {line} is not an event entry");
                events++;
                if (!verifier.Add(new AuditLeaf(entry.Index, entry.Data, entry.LeafHash))) break;
                progress?.Report(events);
            }
        }
        progress?.Done(events);
        var result = verifier.Complete();
        if (result.Ok && events != manifest.Events) return Invalid($"bundle: {EventsFile} has {events} events, the manifest says {manifest.Events}");
        return result;
    }

    private static T? ParseLine<T>(string text, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) where T : class
    {
        try { return JsonSerializer.Deserialize(text, type); }
        catch (JsonException) { return null; }
    }

    private static LogVerification Invalid(string problem) => new() { Ok = false, Events = 0, Checkpoints = 0, Problem = problem };

    private static async Task<string> HashFileAsync(string path, CancellationToken ct)
    {
        await using var s = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(s, ct));
    }

    private static void MakeReadOnly(string path)
    {
        if (OperatingSystem.IsWindows()) File.SetAttributes(path, File.GetAttributes(path) | FileAttributes.ReadOnly);
        else File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }
}
