using Custos.Core.Residency;
using Custos.Crypto;

namespace Custos.Core.Threshold;

/// <summary>
/// The custodians of threshold keys as the Custos server reaches them: runs distributed key generation and
/// resharing among them, and unwraps by collecting partial decryptions in parallel and combining the first k
/// valid ones. The group private key exists nowhere: not here, not at any custodian.
/// </summary>
/// <remarks>
/// The seam between the threshold keystore (<c>Custos.Keystores.Threshold.ThresholdKeystore</c>, which decides
/// residency, policy and audit) and the network layer (<c>Custos.Threshold.HttpThresholdCustodians</c>, which
/// speaks the custodian protocol over mutual TLS). Tests of the keystore use an in-process implementation.
/// </remarks>
public interface IThresholdCustodians
{
    /// <summary>The custodians configured on this server, by name, with their declared locations.</summary>
    IReadOnlyList<CustodianInfo> Custodians { get; }

    /// <summary>
    /// Runs a key generation round among <see cref="ThresholdSpec.Custodians"/> for one key version. On success every
    /// custodian holds its share of the new group, sealed at rest, and the returned material records the group
    /// (public key, commitments, public shares) and which custodian holds which index. Throws
    /// <see cref="ThresholdException"/> naming the custodians that failed or misbehaved; no custodian keeps a share then.
    /// </summary>
    Task<ThresholdMaterial> GenerateAsync(string keyId, int version, ThresholdSpec spec, CancellationToken cancellationToken);

    /// <summary>
    /// Unwraps a blob made by <see cref="Crypto.Threshold.ThresholdWrappedKey.Wrap"/> for this key version: sends its
    /// ephemeral point to the material's custodians in parallel, verifies each partial's proof, combines the first k
    /// valid ones and opens the blob with <paramref name="context"/>. A custodian that does not answer within the
    /// deadline is not waited for once k valid partials are in. Never throws for a custodian's fault: the result
    /// lists refused partials and unreachable custodians, and fails closed below k.
    /// </summary>
    Task<ThresholdUnwrapOutcome> UnwrapAsync(ThresholdMaterial material, string keyId, int version, ReadOnlyMemory<byte> blob,
        ReadOnlyMemory<byte> context, ThresholdRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Proactive resharing of one key version to <paramref name="next"/> (the same custodians for a refresh, or a new
    /// set and threshold): any k of the current holders deal their shares; the public key does not change. The new
    /// shares stay pending at the custodians until <see cref="CommitReshareAsync"/> (call it once the returned material
    /// is saved); <see cref="AbortReshareAsync"/> drops them. Throws <see cref="ThresholdException"/> on failure.
    /// </summary>
    Task<ThresholdMaterial> ReshareAsync(ThresholdMaterial current, string keyId, int version, ThresholdSpec next, CancellationToken cancellationToken);

    /// <summary>Makes the pending shares of <paramref name="next"/> active and has every custodian delete its share of <paramref name="previous"/>.
    /// Returns the custodians that could not be reached (they must be told again; their old shares no longer combine with the new group).</summary>
    Task<IReadOnlyList<string>> CommitReshareAsync(ThresholdMaterial previous, ThresholdMaterial next, string keyId, int version, CancellationToken cancellationToken);

    /// <summary>Drops the pending shares of an unsaved resharing.</summary>
    Task AbortReshareAsync(ThresholdMaterial next, string keyId, int version, CancellationToken cancellationToken);

    /// <summary>Has every custodian of the material delete its share (idempotent). Returns the custodians that could not be reached.</summary>
    Task<IReadOnlyList<string>> DestroyAsync(ThresholdMaterial material, string keyId, int version, CancellationToken cancellationToken);
}

/// <summary>A custodian as this server knows it (server configuration <c>threshold.custodians</c>).</summary>
/// <param name="Name">Its name, unique on this server (1-64 characters of a-z, 0-9 and '-').</param>
/// <param name="Location">Where it runs, who operates it, and who can compel that operator.</param>
public sealed record CustodianInfo(string Name, Location Location);

/// <summary>What a new threshold key version is made of.</summary>
/// <param name="Threshold">k: partials needed to unwrap (2 ≤ k ≤ n).</param>
/// <param name="Custodians">The n custodians, by name; indexes are assigned 1…n in this order.</param>
/// <param name="MinJurisdictions">Fewest distinct jurisdictions among any k of them (1 = no requirement).</param>
public sealed record ThresholdSpec(int Threshold, IReadOnlyList<string> Custodians, int MinJurisdictions);

/// <summary>About the request an unwrap serves, forwarded to each custodian so that its own policy and audit can judge it.</summary>
/// <param name="RequestId">The Custos request id (for correlating the custodians' audit logs with the server's).</param>
/// <param name="Principal">Who asked, as the server names it.</param>
/// <param name="Justification">The caller's justification header value ("CODE" or "CODE; text"), when given.</param>
/// <param name="Approvals">Signed approval statements of a quorum grant covering this request, when one was used
/// (each as the server stores it: approver, algorithm, statement bytes, signature), so that a custodian can check them
/// against the approvers it knows.</param>
public sealed record ThresholdRequest(string? RequestId, string Principal, string? Justification, IReadOnlyList<ThresholdApproval>? Approvals = null);

/// <summary>One approver's signature over an approval statement, forwarded to custodians.</summary>
public sealed record ThresholdApproval(string Approver, string Algorithm, byte[] Statement, byte[] Signature);

/// <summary>The result of <see cref="IThresholdCustodians.UnwrapAsync"/>. Dispose it to zero the data key.</summary>
public sealed class ThresholdUnwrapOutcome : IDisposable
{
    /// <summary>A result.</summary>
    public ThresholdUnwrapOutcome(SecretBytes? dataKey, ThresholdUnwrapFailure failure, string message, IReadOnlyList<string> combined,
        IReadOnlyList<CustodianFault> faults)
    {
        DataKey = dataKey;
        Failure = failure;
        Message = message;
        Combined = combined;
        Faults = faults;
    }

    /// <summary>The data key; null unless <see cref="Failure"/> is <see cref="ThresholdUnwrapFailure.None"/>.</summary>
    public SecretBytes? DataKey { get; }
    /// <summary>Why it failed.</summary>
    public ThresholdUnwrapFailure Failure { get; }
    /// <summary>One line for the caller, e.g. "2 of 3 custodians needed, 1 answered"; "invalid ciphertext" for a blob that does not open.</summary>
    public string Message { get; }
    /// <summary>The custodians whose partials were combined.</summary>
    public IReadOnlyList<string> Combined { get; }
    /// <summary>Every custodian that was asked and did not contribute a valid partial, and why (to audit).</summary>
    public IReadOnlyList<CustodianFault> Faults { get; }

    /// <inheritdoc />
    public void Dispose() => DataKey?.Dispose();
}

/// <summary>Why a threshold unwrap failed.</summary>
public enum ThresholdUnwrapFailure
{
    /// <summary>It did not.</summary>
    None,
    /// <summary>Fewer than k valid partials arrived in time.</summary>
    QuorumNotMet,
    /// <summary>The blob is not a threshold-wrapped key of this version, or does not open with this context.</summary>
    InvalidCiphertext,
}

/// <summary>A custodian that did not contribute, and why. Safe to log and audit: names and reasons only.</summary>
/// <param name="Custodian">Its name.</param>
/// <param name="Kind">What went wrong.</param>
/// <param name="Detail">One phrase: the refused partial's fault, the custodian's own refusal reason, or the transport error.</param>
public sealed record CustodianFault(string Custodian, CustodianFaultKind Kind, string Detail);

/// <summary>What went wrong with one custodian during an unwrap.</summary>
public enum CustodianFaultKind
{
    /// <summary>Not reachable, TLS failure, or no answer before the deadline.</summary>
    Unreachable,
    /// <summary>It answered with a refusal of its own (its policy, an unknown key, a point it rejects).</summary>
    Refused,
    /// <summary>It answered with a partial that was refused (see <see cref="Crypto.Threshold.PartialFault"/>): a wrong share, a forged proof.</summary>
    InvalidPartial,
}

/// <summary>A key generation, resharing or custodian operation that failed; the message names the custodians and why.</summary>
public sealed class ThresholdException(string message, Exception? inner = null) : Exception(message, inner);
