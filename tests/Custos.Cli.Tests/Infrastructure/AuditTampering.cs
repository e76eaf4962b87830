using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Custos.Crypto.Transparency;

namespace Custos.Cli.Tests.Infrastructure;

/// <summary>
/// The tamperings the audit ledger must detect (the list), each one edit of a <see cref="RawAuditLog"/>
/// so it can be made to the database and to an export bundle alike. Event edits target event 3 (the first
/// key rotation of the tests' setup: something an insider would want to hide or change).
/// </summary>
internal static class AuditTampering
{
    /// <summary>The event the tamperings target.</summary>
    public const long Target = 3;

    /// <summary>Names accepted by <see cref="Apply"/>.</summary>
    public static readonly string[] Names = ["changed", "deleted", "swapped", "inserted", "truncated", "re-signed", "forked"];

    /// <summary>
    /// Applies the tampering called <paramref name="what"/> and returns what a verifier must name for it:
    /// <c>[first bad event: 3]</c>, or for a re-signed checkpoint <c>checkpoint N: not signed by the log key [checkpoint: N]</c>.
    /// </summary>
    public static string Apply(string what, RawAuditLog log)
    {
        var events = log.Events;
        int at = events.FindIndex(e => e.Index == Target);
        Assert.True(at >= 0 && at + 1 < events.Count, $"the log has no events {Target} and {Target + 1} to tamper with");
        switch (what)
        {
            case "changed": // the data edited in place; its stored leaf hash is left as it was
                events[at] = events[at] with { Data = WithOperation(events[at].Data, "key.export") };
                break;
            case "deleted":
                events.RemoveAt(at);
                break;
            case "swapped": // two events exchange places: each keeps its data and leaf hash, the rows' indexes stay
                (events[at], events[at + 1]) = (events[at + 1] with { Index = Target }, events[at] with { Index = Target + 1 });
                break;
            case "inserted": // a forged event that fits the chain (index 3, previous = event 2), the rest moved up one
                var forged = WithOperation(events[at].Data, "key.export");
                for (int i = at; i < events.Count; i++) events[i] = events[i] with { Index = events[i].Index + 1 };
                events.Insert(at, new RawEvent(Target, MerkleHash.LeafHash(forged), forged));
                break;
            case "truncated":
                events.RemoveRange(at, events.Count - at);
                break;
            case "forked": // event 3 rewritten with a correct leaf hash: a server restarted on this signs a different history
                var rewritten = WithOperation(events[at].Data, "key.export");
                events[at] = new RawEvent(Target, MerkleHash.LeafHash(rewritten), rewritten);
                break;
            case "re-signed":
                return ResignLatest(log);
            default:
                throw new ArgumentException($"unknown tampering '{what}'", nameof(what));
        }
        return $"[first bad event: {Target}]";
    }

    /// <summary>
    /// Re-signs the newest checkpoint's body with a freshly generated P-256 key under the same key name
    /// (what someone with the database but not the sealed log key can do).
    /// </summary>
    private static string ResignLatest(RawAuditLog log)
    {
        Assert.NotEmpty(log.Checkpoints);
        var latest = log.Checkpoints[^1];
        Assert.True(SignedNote.TryParse(latest.Note, out var note));
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forger = new EcdsaP256NoteSigner(note!.Signatures[0].Name, otherKey);
        log.Checkpoints[^1] = latest with { Note = SignedNote.Sign(note.Text, forger).Format() };
        return $"checkpoint {latest.TreeSize}: not signed by the log key [checkpoint: {latest.TreeSize}]";
    }

    private static byte[] WithOperation(byte[] data, string operation)
    {
        var node = JsonNode.Parse(data)!.AsObject();
        Assert.NotEqual(operation, (string?)node["operation"]);
        node["operation"] = operation;
        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }
}
