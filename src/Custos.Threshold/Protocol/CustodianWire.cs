using System.Text.Json;
using System.Text.Json.Serialization;
using Custos.Core.Residency;

namespace Custos.Threshold.Protocol;

// The custodian protocol's JSON bodies (docs/threshold.md, "Custodian protocol"). Binary fields are base64
// (System.Text.Json's byte[] form). Nothing here carries a share in clear: dealt shares travel as
// EncryptedShare text, encrypted to the recipient custodian's DKG key.

/// <summary>Paths and limits of the custodian protocol.</summary>
public static class CustodianProtocol
{
    /// <summary>Prefix of every route.</summary>
    public const string Prefix = "/v1/custodian";
    /// <summary>Prefix of every problem type.</summary>
    public const string ProblemTypePrefix = "https://custos.dev/problems/custodian/";
    /// <summary>Largest request body a custodian reads.</summary>
    public const int MaxRequestBody = 256 * 1024;
    /// <summary>Most participants in a round (and in a group).</summary>
    public const int MaxParticipants = 64;
    /// <summary>Longest key id.</summary>
    public const int MaxKeyId = 255;
    /// <summary>Most approvals forwarded with a partial request.</summary>
    public const int MaxApprovals = 16;
    /// <summary>Largest approval statement or signature, in bytes.</summary>
    public const int MaxApprovalBytes = 4096;
    /// <summary>Longest principal, request id or justification.</summary>
    public const int MaxText = 512;
}

/// <summary><c>GET /v1/custodian/info</c>.</summary>
public sealed record CustodianInfoResponse(string Name, Location Location, byte[] DkgPublicKey);

/// <summary>A participant of a round: its index in the group being made, name and DKG encryption key (SPKI).</summary>
public sealed record RoundParticipant(int Index, string Name, byte[] DkgPublicKey);

/// <summary>An old holder in a resharing round: its index in the old group and its name.</summary>
public sealed record RoundDealer(int Index, string Name);

/// <summary><c>POST /v1/custodian/rounds</c>: opens a key generation or resharing round at this custodian.</summary>
/// <param name="RoundId">32 lower-case hex characters, chosen by the server.</param>
/// <param name="Kind">"generate" or "reshare".</param>
/// <param name="Index">This custodian's index in the group being made; null when it only deals (a leaving old holder).</param>
/// <param name="OldGroup">Resharing: the current group (ThresholdGroup encoding).</param>
/// <param name="Dealers">Resharing: the old holders by old index and name.</param>
public sealed record OpenRoundRequest(string RoundId, string Kind, string KeyId, int KeyVersion, int Threshold,
    IReadOnlyList<RoundParticipant> Participants, int? Index, byte[]? OldGroup = null, IReadOnlyList<RoundDealer>? Dealers = null);

/// <summary>A dealt share encrypted to its recipient (EncryptedShare text form; ceremony id "ROUND.DEALER", operator the recipient's name).</summary>
public sealed record EncryptedDealtShare(int Dealer, int Recipient, string Ciphertext);

/// <summary>The answer to <see cref="OpenRoundRequest"/>: this custodian's dealing and its shares for every recipient (none when it does not deal).</summary>
public sealed record OpenRoundResponse(byte[]? Dealing, IReadOnlyList<EncryptedDealtShare> Shares);

/// <summary><c>POST /v1/custodian/rounds/{id}/receive</c>: every dealing and the shares addressed to this custodian.</summary>
public sealed record ReceiveRequest(IReadOnlyList<byte[]> Dealings, IReadOnlyList<EncryptedDealtShare> Shares);

/// <summary>Complaints (Complaint encodings) this custodian broadcasts.</summary>
public sealed record ReceiveResponse(IReadOnlyList<byte[]> Complaints);

/// <summary><c>POST /v1/custodian/rounds/{id}/answer</c>: complaints against this custodian's dealing.</summary>
public sealed record AnswerRequest(IReadOnlyList<byte[]> Complaints);

/// <summary>Answers (ComplaintAnswer encodings).</summary>
public sealed record AnswerResponse(IReadOnlyList<byte[]> Answers);

/// <summary><c>POST /v1/custodian/rounds/{id}/finish</c>: the round's transcript.</summary>
public sealed record FinishRequest(IReadOnlyList<byte[]> Dealings, IReadOnlyList<byte[]> Complaints, IReadOnlyList<byte[]> Answers);

/// <summary>The group this custodian's pending share belongs to (null members when it only dealt).</summary>
public sealed record FinishResponse(string Fingerprint, byte[] Group, int? Index, byte[]? PublicShare);

/// <summary><c>POST /v1/custodian/keys/{keyId}/versions/{v}/commit</c> and <c>…/abort</c>: which group.</summary>
public sealed record GroupRequest(string Fingerprint);

/// <summary>What a commit changed.</summary>
public sealed record CommitResponse(int Activated, int Deleted);

/// <summary>One approver's signature, as forwarded by the server.</summary>
public sealed record WireApproval(string Approver, string Algorithm, byte[] Statement, byte[] Signature);

/// <summary><c>POST /v1/custodian/partial</c>.</summary>
/// <param name="Ephemeral">E as received in the wrapped key (SEC 1 bytes; validated by the custodian).</param>
public sealed record PartialRequest(string KeyId, int KeyVersion, string Fingerprint, byte[] Ephemeral, string? RequestId, string Principal,
    string? Justification, IReadOnlyList<WireApproval>? Approvals);

/// <summary>The 99-byte PartialDecryption.</summary>
public sealed record PartialResponse(byte[] Partial);

/// <summary><c>DELETE /v1/custodian/keys/{keyId}/versions/{v}</c>: how many shares were destroyed.</summary>
public sealed record DestroyResponse(int Deleted);

/// <summary>One audit leaf: its index and the event's canonical JSON (as hashed).</summary>
public sealed record AuditLeafResponse(long Index, string Event);

/// <summary><c>GET /v1/custodian/audit/events</c>.</summary>
public sealed record AuditEventsResponse(IReadOnlyList<AuditLeafResponse> Events, long? Next);

/// <summary><c>GET /v1/custodian/audit/checkpoint</c>: a signed note and the verifier key.</summary>
public sealed record CheckpointResponse(long TreeSize, string Checkpoint, string VerifierKey);

/// <summary>A problem+json body as the custodian writes it (RFC 9457), with <c>reason</c> for point refusals.</summary>
public sealed record CustodianProblem(string Type, string Title, int Status, string Detail, string? Reason = null);

/// <summary>The protocol's JSON (web defaults, nulls omitted).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CustodianInfoResponse))]
[JsonSerializable(typeof(OpenRoundRequest))]
[JsonSerializable(typeof(OpenRoundResponse))]
[JsonSerializable(typeof(ReceiveRequest))]
[JsonSerializable(typeof(ReceiveResponse))]
[JsonSerializable(typeof(AnswerRequest))]
[JsonSerializable(typeof(AnswerResponse))]
[JsonSerializable(typeof(FinishRequest))]
[JsonSerializable(typeof(FinishResponse))]
[JsonSerializable(typeof(GroupRequest))]
[JsonSerializable(typeof(CommitResponse))]
[JsonSerializable(typeof(PartialRequest))]
[JsonSerializable(typeof(PartialResponse))]
[JsonSerializable(typeof(DestroyResponse))]
[JsonSerializable(typeof(AuditEventsResponse))]
[JsonSerializable(typeof(CheckpointResponse))]
[JsonSerializable(typeof(CustodianProblem))]
public sealed partial class CustodianJson : JsonSerializerContext;
