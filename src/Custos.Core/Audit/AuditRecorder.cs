using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Custos.Core.Access;
using Custos.Core.Errors;
using Custos.Core.Ports;
using Custos.Crypto;

namespace Custos.Core.Audit;

/// <summary>The name this node gives itself in audit events, and the country of its configured location (null: none declared).</summary>
public sealed record NodeIdentity(string Name, string? Country = null);

/// <summary>
/// Builds audit events for core operations and appends them. Encryption-context values are recorded
/// as HMAC-SHA-256 under a key derived from the keyring, so equal values can be correlated by whoever
/// holds the keyring but cannot be guessed from the log.
/// </summary>
public sealed class AuditRecorder(IAuditLog log, IKeyringProvider keyring, TimeProvider time, NodeIdentity node)
{
    private static readonly byte[] HmacInfo = "custos/audit/context-hmac/v1"u8.ToArray();
    private readonly Lock _hmacLock = new();
    private SecretBytes? _hmacKeyFor;   // the keyring the cached key was derived from
    private SecretBytes? _hmacKey;
    // HMAC contexts keyed with _hmacKey, reused: a one-shot HMAC costs about twice as much (OpenSSL looks the
    // algorithm up and keys a fresh context each time). Disposed (freeing OpenSSL's copy of the key) when the key changes.
    private readonly ConcurrentQueue<(SecretBytes For, IncrementalHash Mac)> _macs = new();
    // Context values already hashed under _hmacKey (see Remember); replaced with the key.
    private ConcurrentDictionary<string, string> _known = new(StringComparer.Ordinal);
    private int _knownCount;
    private const int MaxKnownValues = 4096, MaxKnownValueLength = 256;

    /// <summary>An event for <paramref name="principal"/> doing <paramref name="operation"/>.</summary>
    public AuditEvent Event(Principal principal, string operation, string? keyId, int? keyVersion, CustosError? error, EncryptionContext? context = null) =>
        AuditEvent.For(time.GetUtcNow(), node, principal.Id, principal.Request, operation, OutcomeOf(error), error?.Code.WireName(),
            keyId, keyVersion, context is { Count: > 0 } ? HashContext(context) : null);

    /// <summary>The event to write together with a change, or null when the audit log is off.</summary>
    public AuditEvent? ForChange(Principal principal, string operation, string? keyId, int? keyVersion) =>
        log.IsEnabled ? Event(principal, operation, keyId, keyVersion, null) : null;

    /// <summary>Appends an event durably (fail closed: throws when it cannot) and marks the request as recorded.</summary>
    public async ValueTask RecordAsync(Principal principal, AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        await log.AppendAsync(auditEvent, principal.Request, cancellationToken);
        principal.Request?.MarkRecorded();
    }

    /// <summary>
    /// Records the outcome of an operation that changed nothing (or failed). Returns the result, or an
    /// Unavailable error when the event could not be made durable — then <paramref name="release"/> is
    /// called on a successful value so that its secrets are zeroed before it is dropped.
    /// </summary>
    public async Task<Result<T>> RecordAsync<T>(Principal principal, string operation, Result<T> result,
        Func<T, (string? KeyId, int? Version)> describe, string? keyId, EncryptionContext? context,
        CancellationToken cancellationToken, Action<T>? release = null)
    {
        if (!log.IsEnabled) return result; // no event is built (context HMACs included) when none would be kept
        var (id, version) = result.IsSuccess ? describe(result.Value) : (keyId, null);
        var auditEvent = Event(principal, operation, id ?? keyId, version, result.Error, context);
        try
        {
            await RecordAsync(principal, auditEvent, cancellationToken);
            return result;
        }
        catch (CustosUnavailableException)
        {
            if (result.IsSuccess) release?.Invoke(result.Value);
            principal.Request?.MarkRefusedUnrecorded();
            return AuditUnavailable;
        }
    }

    /// <summary>
    /// As <see cref="RecordAsync{T}(Principal, string, Result{T}, Func{T, ValueTuple{string, int?}}, string?, EncryptionContext?, CancellationToken, Action{T}?)"/>
    /// for an operation about an approval request or grant (<paramref name="approval"/>, recorded in the event).
    /// </summary>
    public async Task<Result<T>> RecordApprovalAsync<T>(Principal principal, string operation, Result<T> result, string? keyId, string? approval,
        CancellationToken cancellationToken)
    {
        if (!log.IsEnabled) return result;
        var auditEvent = Event(principal, operation, keyId, null, result.Error) with { Approval = approval };
        try
        {
            await RecordAsync(principal, auditEvent, cancellationToken);
            return result;
        }
        catch (CustosUnavailableException)
        {
            principal.Request?.MarkRefusedUnrecorded();
            return AuditUnavailable;
        }
    }

    /// <summary>The error a request gets when its audit event cannot be made durable.</summary>
    public static CustosError AuditUnavailable { get; } =
        new(ErrorCode.AuditUnavailable, "the audit log cannot record this request, so it was refused (nothing was changed)");

    /// <summary>Denied or failed from the outcome of an error.</summary>
    public static AuditOutcome OutcomeOf(CustosError? error) => OutcomeOf(error?.Code);

    /// <summary>Denied or failed from an error code (allowed when null).</summary>
    public static AuditOutcome OutcomeOf(ErrorCode? code) => code switch
    {
        null => AuditOutcome.Allowed,
        ErrorCode.Unauthenticated or ErrorCode.Forbidden or ErrorCode.ApprovalRequired or ErrorCode.ResidencyViolation => AuditOutcome.Denied,
        _ => AuditOutcome.Failed,
    };

    private Dictionary<string, string>? HashContext(EncryptionContext context)
    {
        var ring = keyring.Keyring;
        if (ring is null) return context.ToDictionary(kv => kv.Key, _ => "sealed");
        try
        {
            var (key, known) = HmacKey(ring);
            var result = new Dictionary<string, string>(context.Count, StringComparer.Ordinal);
            IncrementalHash? mac = null;
            try
            {
                Span<byte> digest = stackalloc byte[32];
                foreach (var (k, v) in context)
                {
                    if (!known.TryGetValue(v, out var hash))
                    {
                        mac ??= RentMac(key);
                        mac.AppendData(Encoding.UTF8.GetBytes(v));
                        mac.GetHashAndReset(digest);
                        hash = Convert.ToBase64String(digest);
                        Remember(known, v, hash);
                    }
                    result[k] = hash;
                }
                return result;
            }
            finally
            {
                if (mac is not null) ReturnMac(key, mac);
            }
        }
        catch (ObjectDisposedException)
        {
            return context.ToDictionary(kv => kv.Key, _ => "sealed");
        }
    }

    private IncrementalHash RentMac(SecretBytes key)
    {
        while (_macs.TryDequeue(out var pooled))
        {
            if (ReferenceEquals(pooled.For, key)) return pooled.Mac;
            pooled.Mac.Dispose();
        }
        return IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key.Reveal());
    }

    private void ReturnMac(SecretBytes key, IncrementalHash mac)
    {
        // Checked under the lock that replaces the key, so that a context for an old key is never pooled after the drain.
        lock (_hmacLock)
        {
            if (ReferenceEquals(_hmacKey, key) && _macs.Count < 64) { _macs.Enqueue((key, mac)); return; }
        }
        mac.Dispose();
    }

    /// <summary>
    /// The context HMAC key for the current keyring, derived once per unseal and zeroed when it changes, with the hashes
    /// already computed under it (a new, empty map for a new key).
    /// </summary>
    private (SecretBytes Key, ConcurrentDictionary<string, string> Known) HmacKey(SecretBytes ring)
    {
        lock (_hmacLock)
        {
            if (ReferenceEquals(_hmacKeyFor, ring) && _hmacKey is not null) return (_hmacKey, _known);
            _hmacKey?.Dispose();
            while (_macs.TryDequeue(out var stale)) stale.Mac.Dispose();
            var key = SecretBytes.Allocate(32);
            HKDF.DeriveKey(HashAlgorithmName.SHA256, ring.Reveal(), key.RevealForWrite(), salt: [], info: HmacInfo);
            (_hmacKeyFor, _hmacKey, _known, _knownCount) = (ring, key, new(StringComparer.Ordinal), 0);
            return (key, _known);
        }
    }

    /// <summary>
    /// Keeps the hash of a short context value for the next request that sends it: applications send the same few
    /// values (tenant, purpose, table) over and over, and a lookup costs a fraction of an HMAC. Bounded: when
    /// <see cref="MaxKnownValues"/> are held the map starts again empty. Holds what requests carried in clear anyway,
    /// never more than that, and only in memory.
    /// </summary>
    private void Remember(ConcurrentDictionary<string, string> known, string value, string hash)
    {
        if (value.Length > MaxKnownValueLength) return;
        if (Interlocked.Increment(ref _knownCount) > MaxKnownValues)
        {
            known.Clear();
            Interlocked.Exchange(ref _knownCount, 1);
        }
        known.TryAdd(value, hash);
    }
}
