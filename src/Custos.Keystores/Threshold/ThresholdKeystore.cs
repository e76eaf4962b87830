using System.Text;
using Custos.Core.Access;
using Custos.Core.Audit;
using Custos.Core.Errors;
using Custos.Core.Keys;
using Custos.Core.Ports;
using Custos.Core.Threshold;
using Custos.Crypto;
using Custos.Crypto.Threshold;
using Microsoft.Extensions.Logging;

namespace Custos.Keystores.Threshold;

/// <summary>
/// The threshold keystore: each key version is split k-of-n across custodians (<see cref="IThresholdCustodians"/>), and
/// its material handle is the public <see cref="ThresholdMaterial"/> (group, who holds which index). Nothing secret is
/// held here, ever: the group private key exists nowhere.
/// <list type="bullet">
/// <item>Encrypt wraps to the group public key (<see cref="ThresholdWrappedKey"/>, binding key id, version and the AAD):
/// no custodian is involved. It takes 16 to 64 bytes: a data key.</item>
/// <item>Decrypt asks the custodians for partials on the caller's behalf (request id, principal, justification, the signed
/// approvals of the grant it used), combines k
/// valid ones, and records on the request which custodians were combined and which failed, for its audit event. A blob
/// that does not open is null like every decryption failure; fewer than k valid partials throw
/// <see cref="CustodiansUnavailableException"/> with the count ("2 of 3 custodians needed, 1 answered").</item>
/// </list>
/// </summary>
public sealed partial class ThresholdKeystore(IThresholdCustodians custodians, ILogger<ThresholdKeystore> log) : IKeystore
{
    /// <summary>The keystore's name, recorded with each version.</summary>
    public const string KeystoreName = "threshold";

    /// <inheritdoc />
    public string Name => KeystoreName;

    /// <inheritdoc />
    public KeyCustody Custody => KeyCustody.Threshold;

    /// <inheritdoc />
    public ValueTask<byte[]> CreateKeyAsync(string keyId, int version, KeySpec spec, CancellationToken cancellationToken) =>
        throw new ArgumentException("a threshold key version needs its threshold, custodians and jurisdiction requirement (KeyCreation.Threshold)");

    /// <inheritdoc />
    public async ValueTask<byte[]> CreateKeyAsync(string keyId, int version, KeySpec spec, KeyCreation creation, CancellationToken cancellationToken)
    {
        CheckSpec(spec);
        var threshold = creation.Threshold
            ?? throw new ArgumentException("a threshold key version needs its threshold, custodians and jurisdiction requirement (KeyCreation.Threshold)");
        try
        {
            var material = await custodians.GenerateAsync(keyId, version, threshold, cancellationToken);
            return material.Encode();
        }
        catch (ThresholdException e)
        {
            throw new CustodiansUnavailableException($"threshold key generation failed: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public CustosError? CheckPlaintextLength(int length) =>
        length is >= ThresholdWrappedKey.MinKeyLength and <= ThresholdWrappedKey.MaxKeyLength ? null
            : CustosError.Invalid($"a threshold key wraps data keys of {ThresholdWrappedKey.MinKeyLength} to {ThresholdWrappedKey.MaxKeyLength} bytes, not {length}: "
                + "use generate-data-key (numberOfBytes 16 to 64) and envelope encryption");

    /// <inheritdoc />
    public ValueTask<byte[]> EncryptAsync(KeyVersionRef version, ReadOnlyMemory<byte> plaintext, ReadOnlyMemory<byte> aad, CancellationToken cancellationToken)
    {
        var material = Material(version);
        if (CheckPlaintextLength(plaintext.Length) is { } invalid) throw new ArgumentException(invalid.Message, nameof(plaintext));
        var wrapped = ThresholdWrappedKey.Wrap(material.Group.PublicKey, plaintext.Span, KeyIdBytes(version), version.Version, aad.Span);
        return ValueTask.FromResult(wrapped.Encode());
    }

    /// <inheritdoc />
    public ValueTask<SecretBytes?> DecryptAsync(KeyVersionRef version, ReadOnlyMemory<byte> ciphertext, ReadOnlyMemory<byte> aad, CancellationToken cancellationToken) =>
        DecryptAsync(version, ciphertext, aad, Principal.System, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<SecretBytes?> DecryptAsync(KeyVersionRef version, ReadOnlyMemory<byte> ciphertext, ReadOnlyMemory<byte> aad, Principal caller,
        CancellationToken cancellationToken)
    {
        var material = Material(version);
        if (ThresholdWrappedKey.TryParse(ciphertext.Span) is null) return null; // malformed: no custodian is asked
        var info = caller.Request;
        var request = new ThresholdRequest(info?.RequestId, caller.Id, info?.Justification?.ToHeaderValue(), info?.GrantApprovals);
        using var outcome = await custodians.UnwrapAsync(material, version.KeyId, version.Version, ciphertext, aad, request, cancellationToken);
        info?.RecordThreshold(Describe(material, outcome));
        foreach (var fault in outcome.Faults) LogFault(log, version.KeyId, version.Version, fault.Custodian, fault.Kind, fault.Detail, info?.RequestId);
        return outcome.Failure switch
        {
            ThresholdUnwrapFailure.None => outcome.DataKey!.Clone(),
            ThresholdUnwrapFailure.QuorumNotMet => throw new CustodiansUnavailableException(outcome.Message),
            _ => null,
        };
    }

    /// <inheritdoc />
    public async ValueTask DestroyKeyAsync(KeyVersionRef version, CancellationToken cancellationToken)
    {
        var unreachable = await custodians.DestroyAsync(Material(version), version.KeyId, version.Version, cancellationToken);
        if (unreachable.Count > 0) LogDestroyUnreachable(log, version.KeyId, version.Version, string.Join(", ", unreachable));
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, string>?> GetEvidenceAsync(KeyVersionRef version, CancellationToken cancellationToken)
    {
        var material = Material(version);
        var group = material.Group;
        var facts = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["threshold.k"] = group.Threshold.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["threshold.n"] = group.Participants.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["threshold.min_jurisdictions"] = material.MinJurisdictions.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["threshold.group_fingerprint"] = group.Fingerprint,
            ["threshold.public_key"] = Convert.ToHexStringLower(group.PublicKey.Encode()),
        };
        foreach (var (index, name) in material.Custodians)
        {
            facts[$"threshold.custodian.{index}.name"] = name;
            if (custodians.Custodians.FirstOrDefault(c => c.Name == name)?.Location is { } location)
            {
                facts[$"threshold.custodian.{index}.country"] = location.Country;
                facts[$"threshold.custodian.{index}.operator"] = location.Operator;
            }
        }
        return ValueTask.FromResult<IReadOnlyDictionary<string, string>?>(facts);
    }

    /// <summary>What the unwrap did with each custodian, for the request's audit event.</summary>
    private static AuditThreshold Describe(ThresholdMaterial material, ThresholdUnwrapOutcome outcome) => new(
        material.Group.Fingerprint,
        [
            .. outcome.Combined.Select(name => new AuditCustodian(name, "combined")),
            .. outcome.Faults.Select(f => new AuditCustodian(f.Custodian, FaultName(f.Kind), f.Detail)),
        ]);

    private static string FaultName(CustodianFaultKind kind) => kind switch
    {
        CustodianFaultKind.Unreachable => "unreachable",
        CustodianFaultKind.Refused => "refused",
        CustodianFaultKind.InvalidPartial => "invalid-partial",
        _ => "fault",
    };

    private static ThresholdMaterial Material(KeyVersionRef version)
    {
        CheckSpec(version.Spec);
        return ThresholdMaterial.TryDecode(version.Material)
            ?? throw Error.Invariant($"the threshold material of {version.KeyId} v{version.Version} does not decode");
    }

    private static byte[] KeyIdBytes(KeyVersionRef version) => Encoding.UTF8.GetBytes(version.KeyId);

    private static void CheckSpec(KeySpec spec)
    {
        if (spec != KeySpec.Aes256Gcm) throw new ArgumentException($"the threshold keystore does not support {spec}");
    }

    [LoggerMessage(EventId = 700, Level = LogLevel.Warning,
        Message = "threshold unwrap of {KeyId} v{Version}: custodian {Custodian} did not contribute ({Kind}: {Detail}); request {RequestId}")]
    private static partial void LogFault(ILogger logger, string keyId, int version, string custodian, CustodianFaultKind kind, string detail, string? requestId);

    [LoggerMessage(EventId = 701, Level = LogLevel.Warning,
        Message = "destroying {KeyId} v{Version}: custodians {Custodians} could not be reached and still hold their shares; destroy them there")]
    private static partial void LogDestroyUnreachable(ILogger logger, string keyId, int version, string custodians);
}
