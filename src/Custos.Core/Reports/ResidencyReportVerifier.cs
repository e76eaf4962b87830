using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Custos.Core.Audit;
using Custos.Crypto.Transparency;

namespace Custos.Core.Reports;

/// <summary>
/// Verifies a residency report offline, with nothing but the report (and, to trust it, the log's key obtained out of band):
/// <list type="number">
/// <item>the checkpoint is signed by the report's log key, which must equal the expected key or fingerprint when given;</item>
/// <item>every embedded event (the key's events, the register entries' events, the report's attestation) is included in the
/// checkpoint's tree: its leaf data hashes, with its proof, to the signed root, and its data names its index;</item>
/// <item>the statement is the one the attestation event recorded (SHA-256), the events are the ones it counts (digest), every
/// event names the key and comes before the searched tree size, every quoted register entry is the one its event recorded;</item>
/// <item>the findings — versions, periods, locations, groupings, counts, refusals, provenance — are recomputed from the events
/// with <see cref="FindingsBuilder"/> and must equal what the report states, member by member.</item>
/// </list>
/// Any edit of the report therefore fails, naming what differs. Pure: no I/O.
/// </summary>
public static class ResidencyReportVerifier
{
    /// <summary>Most problems listed.</summary>
    public const int MaxProblems = 20;

    /// <summary>The fingerprint of a log verifier key: lower-case hex SHA-256 of its text (UTF-8, without surrounding white space).</summary>
    public static string Fingerprint(string verifierKey)
    {
        ArgumentNullException.ThrowIfNull(verifierKey);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(verifierKey.Trim())));
    }

    /// <summary>
    /// Verifies <paramref name="report"/>; with <paramref name="expectedVerifierKey"/> or <paramref name="expectedFingerprint"/>
    /// ("sha256:" prefix and case ignored) the report's log key must be that one. Reports each event checked to <paramref name="progress"/>.
    /// </summary>
    public static ReportVerification Verify(ResidencyReport report, string? expectedVerifierKey = null, string? expectedFingerprint = null,
        IProgress<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        var problems = new List<string>();
        var evidence = report.Evidence;
        var statement = report.Statement;
        string vkey = evidence.VerifierKey.Trim();
        if (!NoteVerifier.TryParse(vkey, out var logKey)) return Failed("the log verifier key in the report does not parse");
        string fingerprint = Fingerprint(vkey);
        var result = new ReportVerification { Ok = false, Problems = problems, VerifierKey = vkey, Fingerprint = fingerprint, KeyId = statement.Key.Id };
        if (expectedVerifierKey is not null && !string.Equals(expectedVerifierKey.Trim(), vkey, StringComparison.Ordinal))
            return Stop($"the report's log key (fingerprint {fingerprint}) is not the log key given to check it against");
        if (expectedFingerprint is not null && NormalizeFingerprint(expectedFingerprint) != fingerprint)
            return Stop($"the report's log key has fingerprint {fingerprint}, not the expected {NormalizeFingerprint(expectedFingerprint)}");

        if (!SignedNote.TryParse(evidence.Checkpoint, out var note) || !Checkpoint.TryParse(note!.Text, out var checkpoint))
            return Stop("the checkpoint is not a signed checkpoint note");
        if (!note.Verify(logKey!)) return Stop($"checkpoint {checkpoint!.Size} is not signed by the report's log key (the checkpoint or the key was changed)");
        long size = checkpoint!.Size;
        byte[] root = checkpoint.RootHash;
        result = result with { Origin = checkpoint.Origin, TreeSize = size, RootHash = root };
        if (evidence.TreeSize != size) Add($"evidence.treeSize: the report states {evidence.TreeSize}, the signed checkpoint {size}");
        if (!evidence.RootHash.AsSpan().SequenceEqual(root)) Add("evidence.rootHash: differs from the signed checkpoint's root");

        // The attestation: the report's own event, recording the SHA-256 of the statement.
        var attestation = Proven(evidence.Attestation, "the attestation event");
        string statementSha = statement.Sha256();
        if (attestation is not null)
        {
            long a = evidence.Attestation.Index;
            if (attestation.Operation != ResidencyReport.Operation || attestation.Outcome != AuditOutcome.Allowed || attestation.KeyId != statement.Key.Id)
                Add($"event {a}: is not an allowed {ResidencyReport.Operation} event for key {statement.Key.Id}, so it does not attest this report");
            else if (attestation.DocumentSha256 != statementSha)
                Add($"statement: changed after the report was made (its SHA-256 is {statementSha}, event {a} recorded {attestation.DocumentSha256 ?? "none"})");
            if (a < statement.Events.TreeSize) Add($"event {a}: the attestation comes before the events it attests (tree size {statement.Events.TreeSize})");
        }

        // Register entries: each quoted entry is the one its register.put event recorded.
        var puts = new Dictionary<long, AuditEvent>();
        foreach (var pe in evidence.RegisterEvents)
        {
            if (Proven(pe, "a register event") is not { } e) continue;
            if (e.Operation != "register.put" || e.Outcome != AuditOutcome.Allowed) Add($"event {pe.Index}: is not an allowed register.put event");
            else if (!puts.TryAdd(pe.Index, e)) Add($"event {pe.Index}: embedded twice among the register events");
        }
        foreach (var p in statement.Providers)
        {
            if (p.PutEvent is not { } put) continue;
            if (!puts.Remove(put, out var e)) Add($"statement.providers '{p.Id}': names register event {put}, which the report does not embed (or embeds for another provider)");
            else if (e.Provider != p.Id) Add($"statement.providers '{p.Id}': register event {put} is about provider '{e.Provider}'");
            else if (p.Entry is null || p.Entry.CanonicalSha256() != e.DocumentSha256)
                Add($"statement.providers '{p.Id}': the entry is not the one register event {put} recorded (SHA-256 {p.Entry?.CanonicalSha256() ?? "none"}, recorded {e.DocumentSha256 ?? "none"})");
        }
        foreach (var index in puts.Keys) Add($"event {index}: a register event no provider of the statement names");

        // The key's events: proven, in order, about the key, before the searched size, the ones the statement counts.
        var builder = new FindingsBuilder(statement.Key.Id);
        using var digest = new EventDigest();
        bool eventsOk = true;
        long last = -1, n = 0;
        foreach (var pe in evidence.Events)
        {
            n++;
            var e = Proven(pe, "an event");
            if (e is null) { eventsOk = false; continue; }
            if (pe.Index <= last) { Add($"event {pe.Index}: listed after event {last} (events must be in increasing index order, each once)"); eventsOk = false; continue; }
            if (e.KeyId != statement.Key.Id) { Add($"event {pe.Index}: is about key '{e.KeyId}', not {statement.Key.Id}"); eventsOk = false; continue; }
            if (pe.Index >= statement.Events.TreeSize) { Add($"event {pe.Index}: is not below the searched tree size {statement.Events.TreeSize}"); eventsOk = false; continue; }
            last = pe.Index;
            digest.Add(pe.Index, MerkleHash.LeafHash(pe.Data));
            builder.Add(pe.Index, e);
            progress?.Report(n);
        }
        if (eventsOk && digest.Count != statement.Events.Count)
            Add($"evidence.events: the report embeds {digest.Count} event(s), its statement counts {statement.Events.Count} (events were removed or added)");
        else if (eventsOk && digest.Hex() != statement.Events.Sha256)
            Add("evidence.events: not the events the statement counts (their digest differs: events were replaced, removed or added)");
        result = result with { Events = digest.Count };

        // The findings, recomputed from the events and compared member by member.
        if (eventsOk && attestation is not null)
        {
            var recomputed = builder.Complete(statement, evidence.Attestation.Index, attestation.Time);
            var stated = JsonSerializer.SerializeToElement(report.Findings, ReportJson.Default.ReportFindings);
            var fresh = JsonSerializer.SerializeToElement(recomputed, ReportJson.Default.ReportFindings);
            foreach (var d in JsonDifferences.Between(stated, fresh, "findings", MaxProblems)) Add(d);
        }
        else
        {
            Add("findings: not recomputed, since the events they come from did not verify");
        }
        return result with { Ok = problems.Count == 0 };

        void Add(string problem)
        {
            if (problems.Count < MaxProblems) problems.Add(problem);
        }

        ReportVerification Stop(string problem)
        {
            problems.Add(problem);
            return result;
        }

        AuditEvent? Proven(ProvenEvent pe, string what)
        {
            if (pe.Index < 0 || pe.Index >= size) { Add($"event {pe.Index}: {what} outside the checkpoint's tree of size {size}"); return null; }
            if (!MerkleTree.VerifyInclusion(MerkleHash.LeafHash(pe.Data), pe.Index, size, pe.Proof, root))
            {
                Add($"event {pe.Index}: its inclusion proof does not verify against checkpoint {size} (its data or its proof was changed)");
                return null;
            }
            if (AuditEvent.FromLeafData(pe.Data) is not { } e) { Add($"event {pe.Index}: its data is not an audit event"); return null; }
            if (e.Index != pe.Index) { Add($"event {pe.Index}: its data says index {e.Index?.ToString(CultureInfo.InvariantCulture) ?? "none"}"); return null; }
            return e;
        }
    }

    private static ReportVerification Failed(string problem) => new() { Ok = false, Problems = [problem] };

    private static string NormalizeFingerprint(string fingerprint)
    {
        var f = fingerprint.Trim();
        if (f.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase)) f = f["sha256:".Length..];
        return f.Replace(":", "", StringComparison.Ordinal).ToLowerInvariant();
    }
}
