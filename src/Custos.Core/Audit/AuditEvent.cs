using System.Text.Json;
using System.Text.Json.Serialization;

namespace Custos.Core.Audit;

/// <summary>How a request ended, for the audit log (written as its lower-case name).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AuditOutcome>))]
public enum AuditOutcome
{
    /// <summary>Performed.</summary>
    [JsonStringEnumMemberName("allowed")]
    Allowed,
    /// <summary>Refused: no or bad credential, not allowed by scope or policy.</summary>
    [JsonStringEnumMemberName("denied")]
    Denied,
    /// <summary>Allowed but failed (invalid input, invalid ciphertext, key state, unavailable).</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,
}

/// <summary>
/// One audit event: a leaf of the audit Merkle log. Never holds key material, plaintext, tokens or
/// secrets; encryption-context values appear only as keyed hashes (<see cref="ContextHashes"/>).
/// Its leaf data is <see cref="ToLeafData"/>: canonical JSON (fixed member order, no whitespace, UTF-8).
/// </summary>
public sealed record AuditEvent
{
    /// <summary>Its leaf index in the log; set by the log when the event is appended.</summary>
    public long? Index { get; init; }
    /// <summary>Base64 leaf hash of the event before it (absent for the first): a hash chain beside the Merkle tree,
    /// so that a verifier can name the first event that was changed, removed, inserted or moved.</summary>
    public string? Previous { get; init; }
    /// <summary>When it happened (UTC).</summary>
    public required DateTimeOffset Time { get; init; }
    /// <summary>The node that served it.</summary>
    public required string Node { get; init; }
    /// <summary>Who asked ("token:tok_..." or "anonymous" or "system").</summary>
    public required string Principal { get; init; }
    /// <summary>What was asked, e.g. "key.rotate", "data.decrypt", "http.post".</summary>
    public required string Operation { get; init; }
    /// <summary>The key, when the request named or touched one.</summary>
    public string? KeyId { get; init; }
    /// <summary>The key version used, when one was.</summary>
    public int? KeyVersion { get; init; }
    /// <summary>How it ended.</summary>
    public required AuditOutcome Outcome { get; init; }
    /// <summary>The stable error code when it did not succeed.</summary>
    public string? ErrorCode { get; init; }
    /// <summary>The caller's justification code (one of <see cref="Access.Justification.Codes"/>), when given.</summary>
    public string? Justification { get; init; }
    /// <summary>The request id (also in the response's traceparent / logs).</summary>
    public string? RequestId { get; init; }
    /// <summary>The client's network address.</summary>
    public string? ClientAddress { get; init; }
    /// <summary>Encryption context keys with HMAC-SHA-256 of their values (base64), never the values.</summary>
    public IReadOnlyDictionary<string, string>? ContextHashes { get; init; }
    /// <summary>The free text of the caller's justification, when given. Last, so that events written before it
    /// existed keep their canonical bytes (absent members are not written).</summary>
    public string? JustificationText { get; init; }
    /// <summary>The access-policy version and rule that decided the request ("3/key-users-use"; "0/..." is the built-in default).</summary>
    public string? Policy { get; init; }
    /// <summary>The key ceremony the event belongs to (init ceremonies). Last member, so that events written
    /// before it existed keep their exact bytes.</summary>
    public AuditCeremony? Ceremony { get; init; }
    /// <summary>The approval request (<c>apr_...</c>) or grant (<c>grt_...</c>) the event is about, when it is about one.</summary>
    public string? Approval { get; init; }
    /// <summary>ISO 3166-1 country of the node that served the request (its configured location), so that every access
    /// can later be shown to have been served where the key allows. Absent when the node declares no location.</summary>
    public string? NodeCountry { get; init; }
    /// <summary>Where the material of a new key version was made (<c>key.create</c>, <c>key.rotate</c>): keystore, country,
    /// operator and the jurisdictions that can compel it.</summary>
    public AuditLocation? Location { get; init; }
    /// <summary>The legal-register entry the event is about (<c>register.*</c>).</summary>
    public string? Provider { get; init; }
    /// <summary>
    /// Lower-case hex SHA-256 of the document the event vouches for, so that the document can later be shown to be the one
    /// recorded: the canonical JSON of the entry put (<c>register.put</c>), the canonical JSON of a report's statement
    /// (<c>report.residency</c>). Last members, so that events written before them keep their exact bytes.
    /// </summary>
    public string? DocumentSha256 { get; init; }
    /// <summary>What the keystore attested about new material when it was made (<c>key.create</c>, <c>key.rotate</c>), for an HSM
    /// <c>pkcs11.cka_local</c>, <c>pkcs11.cka_never_extractable</c>, the token's serial; never key material.</summary>
    public IReadOnlyDictionary<string, string>? Evidence { get; init; }
    /// <summary>The custodians of a threshold key version the event involved (<c>data.decrypt</c> and other unwraps: combined and
    /// faulty custodians; <c>key.create</c>, <c>key.rotate</c>: who holds shares; <c>key.reshare</c>: old and new groups). Last
    /// member, so that events written before it keep their exact bytes.</summary>
    public AuditThreshold? Threshold { get; init; }

    /// <summary>An event for one request (or background action); key, version and context are added with <c>with</c>.</summary>
    public static AuditEvent For(DateTimeOffset time, string node, string principal, RequestInfo? request, string operation, AuditOutcome outcome, string? errorCode) =>
        Build(time, node, null, principal, request, operation, outcome, errorCode, null, null, null);

    /// <summary>As <see cref="For(DateTimeOffset, string, string, RequestInfo?, string, AuditOutcome, string?)"/>, naming the node and its country,
    /// and with the key, version and context hashes set at once (one object: this is built for every request).</summary>
    public static AuditEvent For(DateTimeOffset time, NodeIdentity node, string principal, RequestInfo? request, string operation, AuditOutcome outcome, string? errorCode,
        string? keyId = null, int? keyVersion = null, IReadOnlyDictionary<string, string>? contextHashes = null) =>
        Build(time, node.Name, node.Country, principal, request, operation, outcome, errorCode, keyId, keyVersion, contextHashes);

    private static AuditEvent Build(DateTimeOffset time, string node, string? nodeCountry, string principal, RequestInfo? request, string operation,
        AuditOutcome outcome, string? errorCode, string? keyId, int? keyVersion, IReadOnlyDictionary<string, string>? contextHashes) => new()
    {
        Time = time,
        Node = node,
        NodeCountry = nodeCountry,
        Principal = principal,
        Operation = operation,
        Outcome = outcome,
        ErrorCode = errorCode,
        Justification = request?.Justification?.Code,
        JustificationText = request?.Justification?.Text,
        RequestId = request?.RequestId,
        ClientAddress = request?.ClientAddress,
        Policy = request?.Decision,
        Threshold = request?.Threshold,
        KeyId = keyId,
        KeyVersion = keyVersion,
        ContextHashes = contextHashes,
    };

    /// <summary>The bytes hashed into the Merkle log.</summary>
    public byte[] ToLeafData() => JsonSerializer.SerializeToUtf8Bytes(this, AuditJson.Default.AuditEvent);

    /// <summary>Parses leaf data written by <see cref="ToLeafData"/>; null when malformed.</summary>
    public static AuditEvent? FromLeafData(ReadOnlySpan<byte> data)
    {
        try { return JsonSerializer.Deserialize(data, AuditJson.Default.AuditEvent); }
        catch (JsonException) { return null; }
    }

    /// <summary>Wire name of an outcome.</summary>
    public static string Name(AuditOutcome outcome) => outcome switch
    {
        AuditOutcome.Allowed => "allowed",
        AuditOutcome.Denied => "denied",
        AuditOutcome.Failed => "failed",
        _ => outcome.ToString().ToLowerInvariant(),
    };
}

/// <summary>Canonical JSON of audit events.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    WriteIndented = false)]
[JsonSerializable(typeof(AuditEvent))]
public sealed partial class AuditJson : JsonSerializerContext;
