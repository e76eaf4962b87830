using System.Security.Cryptography;
using System.Text;
using Custos.Core.Access;
using Custos.Core.Audit;
using Custos.Core.Errors;
using Custos.Core.Ports;
using Custos.Crypto;
using Custos.Crypto.Primitives;
using Custos.Crypto.Sharing;
using Microsoft.Extensions.Logging;

namespace Custos.Core.Seal;

/// <summary>
/// The root of trust. Initialisation makes a root key and a keyring key, stores the keyring only
/// sealed under the root key, splits the root key into K-of-N authenticated Shamir shares for the
/// operators, and forgets both. Unseal collects K shares, recombines the root key, opens the keyring
/// and keeps only the keyring in memory; seal drops it.
/// <para>
/// Held as a ceremony (operators named with their keys), initialisation hands out each share encrypted
/// to its operator with a transcript to sign, and Custos cannot be unsealed, nor its root token used,
/// until K operators have confirmed (<see cref="InitCeremony"/>).
/// </para>
/// </summary>
public sealed partial class SealManager(ISealRepository store, TokenService tokens, IAuditLog audit, NodeIdentity node, TimeProvider time, ILogger<SealManager> log,
    IRootKeyProtector? protector = null, ICeremonyRepository? ceremonies = null) : IKeyringProvider
{
    /// <summary>Shamir operator shares.</summary>
    public const string ShamirType = "shamir";
    /// <summary>Dev mode: 1-of-1 share kept in the dev folder. Insecure.</summary>
    public const string DevType = "dev";
    /// <summary>Root key wrapped by an HSM key: Custos unseals itself at start; the shares only recover the root key.</summary>
    public const string HsmType = "hsm";

    private readonly Lock _lock = new();
    private readonly List<Share> _pending = [];
    private SealConfiguration? _config;
    private SecretBytes? _keyring;
    private bool _ceremonyDone;

    /// <inheritdoc />
    public event EventHandler? Sealed;

    /// <inheritdoc />
    public SecretBytes? Keyring => Volatile.Read(ref _keyring);

    /// <summary>The root key id once initialised (names the audit log's origin), or null.</summary>
    public async Task<string?> GetRootKeyIdAsync(CancellationToken cancellationToken) => (await LoadAsync(cancellationToken))?.RootKeyId;

    /// <summary>True while no keyring is in memory.</summary>
    public bool IsSealed => Keyring is null;

    /// <summary>Current seal state.</summary>
    public async Task<SealStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        var config = await LoadAsync(cancellationToken);
        var pendingCeremony = config is not null && await CeremonyPendingAsync(config, cancellationToken) is not null ? config.CeremonyId : null;
        lock (_lock)
        {
            return config is null
                ? new SealStatus(false, true, null, 0, 0, 0)
                : StatusLocked(config) with { PendingCeremony = pendingCeremony };
        }
    }

    /// <summary>Initialises Custos: the shares and root token are returned once and never stored.</summary>
    public async Task<Result<InitResult>> InitializeAsync(int shares, int threshold, string type, CancellationToken cancellationToken) =>
        await InitializeAsync(shares, threshold, type, null, cancellationToken);

    /// <summary>Initialises Custos on behalf of <paramref name="request"/> (recorded in the audit log).</summary>
    public Task<Result<InitResult>> InitializeAsync(int shares, int threshold, string type, RequestInfo? request, CancellationToken cancellationToken) =>
        InitializeAsync(shares, threshold, type, null, request, cancellationToken);

    /// <summary>
    /// Initialises Custos on behalf of <paramref name="request"/>; with <paramref name="operators"/> (one per share),
    /// as an init ceremony: each share is encrypted to its operator, and Custos stays unusable until
    /// <paramref name="threshold"/> of them confirm. Without, one caller sees every share: logged as a warning.
    /// </summary>
    public async Task<Result<InitResult>> InitializeAsync(int shares, int threshold, string type, IReadOnlyList<OperatorKey>? operators, RequestInfo? request,
        CancellationToken cancellationToken)
    {
        var (result, recorded) = await InitializeCoreAsync(shares, threshold, type, operators, request, cancellationToken);
        if (recorded) return result;
        return await RecordAsync("sys.init", request, result, cancellationToken);
    }

    private async Task<(Result<InitResult> Result, bool Recorded)> InitializeCoreAsync(int shares, int threshold, string type, IReadOnlyList<OperatorKey>? operators,
        RequestInfo? request, CancellationToken cancellationToken)
    {
        if (type is not (ShamirType or DevType or HsmType)) return (CustosError.Invalid($"unknown seal type '{type}'"), false);
        if (type == HsmType && protector is null)
            return (CustosError.Invalid("seal type 'hsm' needs an HSM: configure the 'hsm' section of the server configuration"), false);
        if (threshold < 1 || shares < threshold || shares > 255)
            return (CustosError.Invalid("need 1 <= threshold <= shares <= 255"), false);
        if (type is ShamirType or HsmType && threshold < 2 && shares > 1)
            return (CustosError.Invalid("a threshold of 1 with several shares gives every holder the whole root key; use a threshold of 2 or more"), false);
        if (operators is not null)
        {
            if (type == DevType) return (CustosError.Invalid("dev mode holds no init ceremony"), false);
            if (ceremonies is null) return (new CustosError(ErrorCode.Unavailable, "this server has no ceremony store"), false);
            if (OperatorKey.Check(operators, shares) is { } badOperators) return (badOperators, false);
        }
        if (await LoadAsync(cancellationToken) is not null)
            return (new CustosError(ErrorCode.AlreadyInitialized, "Custos is already initialised"), false);

        var rootKeyId = "root-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        using var root = SecretBytes.Random(Aead.KeySize);
        using var keyring = SecretBytes.Random(Aead.KeySize);
        var sealedKeyring = Aead.Seal(root.Reveal(), keyring.Reveal(), KeyringAad(rootKeyId));
        var split = Shamir.Split(root.Reveal(), shares, threshold, rootKeyId);
        try
        {
            var (rootToken, secret) = tokens.NewToken("root", new HashSet<string> { Roles.Root }, null);
            var wrappedRoot = type == HsmType ? protector!.Protect(root.Reveal(), RootKeyAad(rootKeyId)) : null;
            var now = time.GetUtcNow();
            var (ceremony, handedOut) = operators is null
                ? (null, null)
                : ShareDealer.Deal(split, operators, Ceremony.NewId(), node.Name, now, type, threshold, rootKeyId, rootToken);
            var config = new SealConfiguration(type, shares, threshold, rootKeyId, sealedKeyring, now, wrappedRoot, wrappedRoot is null ? null : protector!.Name, ceremony?.Id);
            var initEvent = !audit.IsEnabled ? null : Event("sys.init", request, null) with
            {
                Ceremony = ceremony is null ? null : new AuditCeremony(ceremony.Id, Convert.ToHexStringLower(ceremony.TranscriptSha256)),
            };
            bool stored;
            try
            {
                stored = ceremony is null
                    ? await store.InitializeAsync(config, rootToken, initEvent, cancellationToken)
                    : await store.InitializeWithCeremonyAsync(config, ceremony, initEvent, cancellationToken);
            }
            catch (CustosUnavailableException) { request?.MarkRefusedUnrecorded(); return (AuditRecorder.AuditUnavailable, true); }
            if (!stored) return (new CustosError(ErrorCode.AlreadyInitialized, "Custos is already initialised"), false);
            request?.MarkRecorded();
            lock (_lock)
            {
                _config = config;
                // The HSM holds the root: no shares needed to start (after the ceremony, if there is one).
                if (type == HsmType && ceremony is null) _keyring = keyring.Clone();
            }
            LogInitialized(log, rootKeyId, threshold, shares, type);
            if (ceremony is not null)
            {
                LogCeremonyStarted(log, ceremony.Id, threshold, shares);
                return (new InitResult([], secret, rootKeyId, handedOut), true);
            }
            if (type != DevType) LogNoCeremony(log, shares);
            return (new InitResult(split.Select(s => s.Encode()).ToList(), secret, rootKeyId), true);
        }
        finally
        {
            foreach (var s in split) s.Dispose();
        }
    }

    /// <summary>Adds one operator share; unseals when the threshold is reached.</summary>
    public Task<Result<SealStatus>> SubmitShareAsync(string encodedShare, CancellationToken cancellationToken) =>
        SubmitShareAsync(encodedShare, null, cancellationToken);

    /// <summary>Adds one operator share on behalf of <paramref name="request"/> (recorded in the audit log; if the
    /// event cannot be recorded, a completed unseal is undone).</summary>
    public async Task<Result<SealStatus>> SubmitShareAsync(string encodedShare, RequestInfo? request, CancellationToken cancellationToken)
    {
        var wasSealed = IsSealed;
        var result = await SubmitShareCoreAsync(encodedShare, cancellationToken);
        var recorded = await RecordAsync("sys.unseal", request, result, cancellationToken);
        if (!recorded.IsSuccess && wasSealed && !IsSealed) Seal();
        return recorded;
    }

    private async Task<Result<SealStatus>> SubmitShareCoreAsync(string encodedShare, CancellationToken cancellationToken)
    {
        var config = await LoadAsync(cancellationToken);
        if (config is null) return new CustosError(ErrorCode.NotInitialized, "Custos is not initialised: run 'custos init'");
        if (await CeremonyPendingAsync(config, cancellationToken) is { } pending) return pending;
        Share share;
        try { share = Share.Parse(encodedShare); }
        catch (ShareException e) { return new CustosError(ErrorCode.InvalidShare, e.Message); }

        lock (_lock)
        {
            if (_keyring is not null) { share.Dispose(); return StatusLocked(config); }
            if (share.KeyId != config.RootKeyId)
            {
                share.Dispose();
                return new CustosError(ErrorCode.InvalidShare, $"share is for root key {share.KeyId}, this server's is {config.RootKeyId}");
            }
            if (_pending.Any(p => p.Index == share.Index))
            {
                share.Dispose();
                return new CustosError(ErrorCode.InvalidShare, $"share {share.Index} was given already");
            }
            _pending.Add(share);
            if (_pending.Count < config.Threshold) return StatusLocked(config);

            try
            {
                using var root = Shamir.Combine(_pending, config.RootKeyId);
                var keyring = Aead.Open(root.Reveal(), config.EncryptedKeyring, KeyringAad(config.RootKeyId));
                if (keyring is null) return new CustosError(ErrorCode.InvalidShare, "the shares do not open this server's keyring");
                _keyring = keyring;
                LogUnsealed(log, config.RootKeyId);
                return StatusLocked(config);
            }
            catch (ShareException e)
            {
                return new CustosError(ErrorCode.InvalidShare, e.Message + "; unseal progress was reset, submit the shares again");
            }
            finally
            {
                foreach (var p in _pending) p.Dispose();
                _pending.Clear();
            }
        }
    }

    /// <summary>
    /// Seal type <c>hsm</c>: has the HSM unwrap the root key and opens the keyring, without shares (at
    /// start, or after a seal). Other seal types: nothing to do, returns the status. Recorded as
    /// <c>sys.auto-unseal</c>.
    /// </summary>
    public async Task<Result<SealStatus>> AutoUnsealAsync(CancellationToken cancellationToken)
    {
        var config = await LoadAsync(cancellationToken);
        if (config is null || config.Type != HsmType || !IsSealed) return await GetStatusAsync(cancellationToken);
        if (await CeremonyPendingAsync(config, cancellationToken) is not null) return await GetStatusAsync(cancellationToken); // not before the ceremony completes
        Result<SealStatus> result;
        if (protector is null || config.WrappedRootKey is null)
        {
            result = new CustosError(ErrorCode.Unavailable,
                $"Custos is sealed by an HSM key ({config.RootKeyProtector}) but no HSM is configured; configure it, or unseal with the recovery shares");
        }
        else
        {
            using var root = protector.Unprotect(config.WrappedRootKey, RootKeyAad(config.RootKeyId));
            var keyring = root is null ? null : Aead.Open(root.Reveal(), config.EncryptedKeyring, KeyringAad(config.RootKeyId));
            if (keyring is null)
            {
                result = new CustosError(ErrorCode.Unavailable,
                    $"the HSM key {protector.Name} does not open this server's root key (was {config.RootKeyProtector}); unseal with the recovery shares");
            }
            else
            {
                lock (_lock)
                {
                    if (_keyring is null) { _keyring = keyring; keyring = null; }
                    result = StatusLocked(config);
                }
                keyring?.Dispose();
                LogUnsealed(log, config.RootKeyId);
            }
        }
        var recorded = await RecordAsync("sys.auto-unseal", null, result, cancellationToken);
        if (!recorded.IsSuccess && result.IsSuccess) Seal(); // not recorded, not unsealed
        return recorded;
    }

    /// <summary>Drops the keyring and any pending shares. Idempotent.</summary>
    public void Seal()
    {
        SecretBytes? old;
        lock (_lock)
        {
            old = _keyring;
            _keyring = null;
            foreach (var p in _pending) p.Dispose();
            _pending.Clear();
        }
        if (old is null) return;
        Sealed?.Invoke(this, EventArgs.Empty);
        old.Dispose();
        LogSealed(log);
    }

    private AuditEvent Event(string operation, RequestInfo? request, CustosError? error) =>
        AuditEvent.For(time.GetUtcNow(), node, "anonymous", request, operation, AuditRecorder.OutcomeOf(error), error?.Code.WireName());

    private async Task<Result<T>> RecordAsync<T>(string operation, RequestInfo? request, Result<T> result, CancellationToken cancellationToken)
    {
        try
        {
            await audit.AppendAsync(Event(operation, request, result.Error), request, cancellationToken);
            request?.MarkRecorded();
            return result;
        }
        catch (CustosUnavailableException)
        {
            request?.MarkRefusedUnrecorded();
            return AuditRecorder.AuditUnavailable;
        }
    }

    /// <summary>
    /// The refusal while the init ceremony of <paramref name="config"/> lacks confirmations; null when there is
    /// none or it is complete (remembered: a complete ceremony never becomes pending again).
    /// </summary>
    private async Task<CustosError?> CeremonyPendingAsync(SealConfiguration config, CancellationToken cancellationToken)
    {
        if (config.CeremonyId is not { } id || Volatile.Read(ref _ceremonyDone)) return null;
        var ceremony = ceremonies is null ? null : await ceremonies.GetAsync(id, cancellationToken);
        if (ceremony is null) return new CustosError(ErrorCode.Unavailable, $"the init ceremony {id} is missing from the database: Custos cannot be unsealed");
        if (ceremony.Status == CeremonyStatus.Complete)
        {
            Volatile.Write(ref _ceremonyDone, true);
            return null;
        }
        return new CustosError(ErrorCode.CeremonyPending,
            $"the init ceremony {id} needs {ceremony.Threshold} of {ceremony.Operators.Count} operator confirmations; {ceremony.Confirmations} so far. " +
            $"Custos cannot be unsealed before ('custos ceremony confirm' by each operator; 'custos ceremony show {id}')");
    }

    private SealStatus StatusLocked(SealConfiguration config) =>
        new(true, _keyring is null, config.Type, config.Threshold, config.Shares, _pending.Count);

    private async Task<SealConfiguration?> LoadAsync(CancellationToken cancellationToken)
    {
        lock (_lock) { if (_config is not null) return _config; }
        var config = await store.GetAsync(cancellationToken);
        lock (_lock) { _config ??= config; return _config; }
    }

    private static byte[] KeyringAad(string rootKeyId) => Encoding.ASCII.GetBytes("custos/keyring/v1:" + rootKeyId);

    private static byte[] RootKeyAad(string rootKeyId) => Encoding.ASCII.GetBytes("custos/root-key/v1:" + rootKeyId);

    [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "Custos initialised: root key {RootKeyId}, {Threshold} of {Shares} shares, seal type {Type}")]
    private static partial void LogInitialized(ILogger logger, string rootKeyId, int threshold, int shares, string type);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "NO INIT CEREMONY: one caller received all {Shares} unseal shares in clear; initialise with named operators (custos init --operator) so that no one person sees every share")]
    private static partial void LogNoCeremony(ILogger logger, int shares);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "Init ceremony {CeremonyId} started: Custos stays sealed until {Threshold} of {Shares} operators confirm")]
    private static partial void LogCeremonyStarted(ILogger logger, string ceremonyId, int threshold, int shares);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Custos unsealed (root key {RootKeyId})")]
    private static partial void LogUnsealed(ILogger logger, string rootKeyId);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Custos sealed: keys are unusable until unsealed")]
    private static partial void LogSealed(ILogger logger);
}
