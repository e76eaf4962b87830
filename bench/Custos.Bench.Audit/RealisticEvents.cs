using Custos.Core.Audit;

namespace Custos.Bench.Audit;

/// <summary>
/// Audit events shaped like a busy data plane's (deterministic, seed 42): mostly decrypt / encrypt /
/// generate-data-key with a key id, version, request id, client address and one or two hashed encryption
/// context pairs; some denied or failed; a few key and audit operations. About 450 bytes of leaf data each,
/// like the events the server writes.
/// </summary>
internal sealed class RealisticEvents
{
    private static readonly string[] DataOperations = ["data.decrypt", "data.decrypt", "data.decrypt", "data.encrypt", "data.generate-data-key", "data.rewrap"];
    private static readonly string[] OtherOperations = ["key.get", "key.list", "key.rotate", "audit.events", "audit.checkpoint", "token.create"];
    private static readonly string[] ContextKeys = ["tenant", "purpose", "table", "bucket"];
    private readonly Random _random = new(42);
    private readonly string[] _keys;
    private readonly string[] _principals;
    private readonly DateTimeOffset _start = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    public RealisticEvents()
    {
        _keys = [.. Enumerable.Range(0, 200).Select(_ => new Guid(Bytes(16)).ToString())];
        _principals = [.. Enumerable.Range(0, 40).Select(_ => "token:tok_" + Convert.ToHexStringLower(Bytes(8)))];
    }

    /// <summary>The event for request <paramref name="n"/> (events are ~1 ms apart).</summary>
    public AuditEvent Next(long n)
    {
        bool data = _random.Next(100) < 92;
        string operation = data ? DataOperations[_random.Next(DataOperations.Length)] : OtherOperations[_random.Next(OtherOperations.Length)];
        int roll = _random.Next(1000);
        var (outcome, error) = roll < 970 ? (AuditOutcome.Allowed, (string?)null) : roll < 990 ? (AuditOutcome.Denied, "permission-denied") : (AuditOutcome.Failed, "invalid-ciphertext");
        var request = new RequestInfo($"0HNA{_random.Next(0x1000000):X6}R{_random.Next(0x100000):X5}:{n & 0xFFFFFFFF:X8}", $"10.{_random.Next(256)}.{_random.Next(256)}.{_random.Next(256)}",
            _random.Next(20) == 0 ? new Custos.Core.Access.Justification("incident-response", "INC-" + _random.Next(100000)) : null);
        var e = AuditEvent.For(_start.AddTicks(n * TimeSpan.TicksPerMillisecond + _random.Next(10000)), "custos-node-" + (n % 3 + 1),
            _principals[_random.Next(_principals.Length)], request, operation, outcome, error);
        if (!data) return operation.StartsWith("key.", StringComparison.Ordinal) ? e with { KeyId = _keys[_random.Next(_keys.Length)] } : e;
        var context = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0, pairs = 1 + _random.Next(2); i < pairs; i++) context[ContextKeys[_random.Next(ContextKeys.Length)]] = Convert.ToBase64String(Bytes(32));
        return e with { KeyId = _keys[_random.Next(_keys.Length)], KeyVersion = 1 + _random.Next(6), ContextHashes = context };
    }

    private byte[] Bytes(int n)
    {
        var b = new byte[n];
        _random.NextBytes(b);
        return b;
    }
}
