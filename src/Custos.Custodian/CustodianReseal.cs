using System.Net;
using System.Net.Sockets;
using Custos.Core.Audit;
using Custos.Storage.Sqlite;

namespace Custos.Custodian;

/// <summary>
/// Moves a stopped custodian to another root key (<c>custos custodian reseal</c>), typically from a key file to an HSM:
/// every share and the audit signing key are opened under the old seal and sealed under the one the configuration names,
/// in one transaction with a <c>custodian.reseal</c> audit event (which records the two seals' descriptions and the count,
/// never a secret). If any of them does not open, nothing changes. The custodian must be stopped: a running one would go on
/// sealing new shares under the old key.
/// </summary>
public static class CustodianReseal
{
    /// <summary>The audit operation.</summary>
    public const string Operation = "custodian.reseal";

    /// <summary>What a reseal did.</summary>
    /// <param name="Shares">Shares sealed again.</param>
    /// <param name="AlreadyDone">True when the configured seal already opens the audit signing key: nothing was changed.</param>
    public readonly record struct Outcome(int Shares, bool AlreadyDone);

    /// <summary>
    /// Seals the custodian's secrets again under <paramref name="to"/>. Throws <see cref="InvalidOperationException"/> saying
    /// why when the custodian is running or a secret does not open under <paramref name="from"/> (nothing is changed then).
    /// </summary>
    public static async Task<Outcome> RunAsync(CustodianOptions options, CustodianSeal from, CustodianSeal to, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        if (IsListening(options.ListenEndPoint()))
            throw new InvalidOperationException($"something listens on {options.Listen}: stop custodian '{options.Name}' first (a running custodian would go on sealing under the old root key)");
        using var database = new SqliteDatabase(options.DatabasePath, TimeProvider.System);
        var audit = new SqliteAuditStore(database);
        if (await audit.GetSigningKeyAsync(cancellationToken) is { } signing)
        {
            using var already = to.Open(signing.SealedPrivateKey, CustodianCheckpointer.KeyAad);
            if (already is not null) return new Outcome(0, AlreadyDone: true);
        }
        var evidence = new Dictionary<string, string>(StringComparer.Ordinal) { ["from"] = from.Description, ["to"] = to.Description };
        var auditEvent = AuditEvent.For(DateTimeOffset.UtcNow, new NodeIdentity(options.Name, options.Location.Country), "local:custodian-operator", null,
            Operation, AuditOutcome.Allowed, null) with { Evidence = evidence };
        int shares = await new SqliteShareStore(database).ResealAsync((row, sealedBytes) =>
        {
            var aad = row is null ? CustodianCheckpointer.KeyAad : ShareSeal.Aad(row.KeyId, row.KeyVersion, row.Fingerprint, row.Participant);
            using var secret = from.Open(sealedBytes, aad) ?? throw new InvalidOperationException(row is null
                ? $"the audit signing key does not open under {from.Description}: is it this custodian's old root key?"
                : $"the share of {row.KeyId} v{row.KeyVersion} (group {row.Fingerprint[..16]}…) does not open under {from.Description}; nothing was changed");
            return to.Seal(secret.Reveal(), aad);
        }, auditEvent, cancellationToken);
        return new Outcome(shares, AlreadyDone: false);
    }

    private static bool IsListening(IPEndPoint endPoint)
    {
        try
        {
            using var probe = new TcpListener(endPoint);
            probe.Start();
            probe.Stop();
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return true;
        }
    }
}
