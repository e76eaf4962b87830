using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Custos.Core.Errors;
using Custos.Crypto;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Custos.Keystores.Pkcs11;

/// <summary>
/// One PKCS#11 token, logged in once as <c>CKU_USER</c>, with a pool of sessions, a limiter in front of every
/// HSM call, and recovery: when a call fails because the session, the login or the module is gone
/// (<c>CKR_SESSION_HANDLE_INVALID</c>, <c>CKR_SESSION_CLOSED</c>, <c>CKR_USER_NOT_LOGGED_IN</c>,
/// <c>CKR_DEVICE_REMOVED</c>, <c>CKR_TOKEN_NOT_PRESENT</c>, <c>CKR_CRYPTOKI_NOT_INITIALIZED</c>, ...) the token
/// re-initialises the module if it must, finds the slot by label again, opens a session, logs in, and runs the
/// operation once more. Calls are synchronous inside the operation's turn: at most <see cref="MaxInFlight"/>
/// threads are ever inside the HSM. Share one instance per token in a process (the keystore, the root key
/// protector and the audit signer); dispose it last.
/// </summary>
public sealed partial class Pkcs11Token : IDisposable
{
    private readonly Pkcs11Module _module;
    private readonly SecretBytes _pin;
    private readonly string? _wantedLabel;
    private readonly ulong? _wantedSlot;
    private readonly Pkcs11Limiter _limiter;
    private readonly Pkcs11Metrics _metrics;
    private readonly ILogger _log;
    private readonly Lock _connectLock = new();
    private volatile Pkcs11Connection _connection;
    private int _disposed;

    private Pkcs11Token(Pkcs11Options options, Pkcs11Module module, SecretBytes pin, ILogger log)
    {
        _module = module;
        _pin = pin;
        _wantedLabel = options.TokenLabel;
        _wantedSlot = options.SlotId;
        _log = log;
        ModulePath = options.ModulePath;
        _connection = Connect(module.Library, generation: 1);
        try
        {
            var info = Pkcs11Connection.ReadTokenInfo(_connection.Slot);
            Label = info.Label;
            Name = options.Name ?? "hsm:" + Label;
            SessionPoolSize = options.SessionPoolSize ?? DefaultPoolSize(info.MaxSessionCount, info.MaxRwSessionCount);
            ArgumentOutOfRangeException.ThrowIfLessThan(SessionPoolSize, 1, nameof(options.SessionPoolSize));
            MaxInFlight = Math.Min(options.MaxInFlight ?? SessionPoolSize, SessionPoolSize);
            ArgumentOutOfRangeException.ThrowIfLessThan(MaxInFlight, 1, nameof(options.MaxInFlight));
            _metrics = new Pkcs11Metrics(Label);
            _limiter = new Pkcs11Limiter(MaxInFlight, options.MaxOperationsPerSecond, options.QueueTimeout, options.QueueLimit, _metrics, Label);
        }
        catch
        {
            _connection.Close();
            throw;
        }
    }

    /// <summary>
    /// Loads the module, finds the token, logs in and opens the first session. Each way this can fail is one
    /// sentence in a <see cref="CustosUnavailableException"/>: the module path that does not exist, the label
    /// that no token has (with the labels that are there), the PIN the HSM rejected or locked.
    /// </summary>
    public static Pkcs11Token Open(Pkcs11Options options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.ModulePath);
        ArgumentNullException.ThrowIfNull(options.Pin);
        if ((options.TokenLabel is null) == (options.SlotId is null))
            throw new ArgumentException("set exactly one of TokenLabel and SlotId", nameof(options));
        var pin = options.Pin.Clone();
        Pkcs11Module? module = null;
        try
        {
            module = Pkcs11Module.Acquire(options.ModulePath);
            try
            {
                return new Pkcs11Token(options, module, pin, logger ?? NullLogger.Instance);
            }
            catch (Pkcs11Exception e)
            {
                var token = options.TokenLabel ?? $"in slot {options.SlotId}";
                throw Pkcs11Errors.Unavailable(e.RV, token, "be opened", e);
            }
        }
        catch
        {
            module?.Release();
            pin.Dispose();
            throw;
        }
    }

    /// <summary>The token's label.</summary>
    public string Label { get; }

    /// <summary>The keystore name for versions held on this token.</summary>
    public string Name { get; }

    /// <summary>The module library path.</summary>
    public string ModulePath { get; }

    /// <summary>Sessions the token keeps open at most.</summary>
    public int SessionPoolSize { get; }

    /// <summary>HSM operations that may run at once.</summary>
    public int MaxInFlight { get; }

    /// <summary>
    /// Held (inside an operation's turn) while objects are created or destroyed on the token. SoftHSM 2.6's file
    /// store races when one process creates or deletes objects from several threads at once (C_GenerateKey then
    /// fails with CKR_GENERAL_ERROR or CKR_FUNCTION_FAILED, SoftHSMv2 issue #573); key management is rare, so
    /// serialising it costs the data plane nothing. Finding and then creating a labelled object under it also
    /// keeps one process from creating the object twice.
    /// </summary>
    private readonly Lock _objectWrites = new();

    /// <summary>The meter of this token's instruments (named <c>Custos.Hsm</c>).</summary>
    internal Meter Meter => _metrics.Meter;

    /// <summary>Which connection generation is current (it grows by one at each recovery).</summary>
    internal int Generation => _connection.Generation;

    /// <summary>The shared module, for tests that need to act behind the token's back.</summary>
    internal Pkcs11Module Module => _module;

    /// <summary>
    /// Runs <paramref name="work"/> on a logged-in session once the limiter gives it a turn (waiting up to the
    /// queue timeout, then <see cref="CustosThrottledException"/>). PKCS#11 failures come out as
    /// <see cref="CustosUnavailableException"/> after one recovery attempt.
    /// </summary>
    internal ValueTask<T> RunAsync<TState, T>(Pkcs11Operation operation, TState state, Func<Pkcs11Session, TState, T> work, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (_limiter.TryEnter(out var turn))
        {
            using (turn) return ValueTask.FromResult(Execute(operation, state, work));
        }
        return Slow(operation, state, work, cancellationToken);

        async ValueTask<T> Slow(Pkcs11Operation operation, TState state, Func<Pkcs11Session, TState, T> work, CancellationToken cancellationToken)
        {
            using var turn = await _limiter.EnterAsync(operation.Tag, cancellationToken);
            return Execute(operation, state, work);
        }
    }

    /// <summary>The blocking form of <see cref="RunAsync"/>, for synchronous APIs (ECDsa, the root key protector).</summary>
    internal T Run<TState, T>(Pkcs11Operation operation, TState state, Func<Pkcs11Session, TState, T> work)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        using var turn = _limiter.Enter(operation.Tag);
        return Execute(operation, state, work);
    }

    private T Execute<TState, T>(Pkcs11Operation operation, TState state, Func<Pkcs11Session, TState, T> work)
    {
        long start = Stopwatch.GetTimestamp();
        _metrics.InFlight(1);
        try
        {
            for (int attempt = 0; ; attempt++)
            {
                var connection = Current();
                ISession? session = null;
                try
                {
                    session = connection.Rent();
                    var result = work(new Pkcs11Session(connection, session, Label, _objectWrites), state);
                    connection.Return(session);
                    session = null;
                    return result;
                }
                catch (Pkcs11Exception e) when (attempt == 0 && Pkcs11Errors.IsRecoverable(e.RV))
                {
                    Release(connection, ref session, e.RV);
                    Recover(connection, e.RV, operation);
                }
                catch (Pkcs11Exception e)
                {
                    Release(connection, ref session, e.RV);
                    throw Pkcs11Errors.Unavailable(e.RV, Label, operation.Verb, e);
                }
                finally
                {
                    // Any other exception (a Custos error raised by the work) leaves the session healthy.
                    if (session is not null) connection.Return(session);
                }
            }
        }
        finally
        {
            _metrics.InFlight(-1);
            _metrics.Completed(operation.Tag, start);
        }
    }

    // A session whose handle or login is gone is closed; one that only met a stale object handle or an error of
    // the operation is still good (closing it could even end the login: the last session closed logs out).
    private static void Release(Pkcs11Connection connection, ref ISession? session, CKR rv)
    {
        if (session is null) return;
        if (Pkcs11Errors.EndsSession(rv)) Pkcs11Connection.Discard(session);
        else connection.Return(session);
        session = null;
    }

    private Pkcs11Connection Current()
    {
        var connection = _connection;
        return connection.Broken ? Reconnect(connection, CKR.CKR_GENERAL_ERROR) : connection;
    }

    private void Recover(Pkcs11Connection failed, CKR rv, Pkcs11Operation operation)
    {
        if (rv is CKR.CKR_OBJECT_HANDLE_INVALID or CKR.CKR_KEY_HANDLE_INVALID)
        {
            // The object went away, or (SoftHSM) the login did and took the handles of private objects with it.
            failed.KeyHandles.Clear();
            failed.LabelHandles.Clear();
            if (IsLoggedIn(failed)) return;
        }
        LogRecovering(_log, Label, Pkcs11Errors.Name(rv), operation.Tag);
        var fresh = Reconnect(failed, rv);
        LogRecovered(_log, Label, fresh.Generation);
    }

    private static bool IsLoggedIn(Pkcs11Connection connection)
    {
        ISession? session = null;
        try
        {
            session = connection.Rent();
            var state = session.GetSessionInfo().State;
            connection.Return(session);
            session = null;
            return state is CKS.CKS_RW_USER_FUNCTIONS or CKS.CKS_RO_USER_FUNCTIONS;
        }
        catch (Pkcs11Exception)
        {
            return false;
        }
        finally
        {
            if (session is not null) Pkcs11Connection.Discard(session);
        }
    }

    /// <summary>Replaces <paramref name="failed"/> with a new generation (unless another thread already did).</summary>
    private Pkcs11Connection Reconnect(Pkcs11Connection failed, CKR rv)
    {
        lock (_connectLock)
        {
            var current = _connection;
            if (!ReferenceEquals(current, failed)) return current;
            failed.Close();
            var library = failed.Library;
            if (rv == CKR.CKR_CRYPTOKI_NOT_INITIALIZED) library = _module.Reinitialize(library);
            try
            {
                _connection = Connect(library, failed.Generation + 1);
                return _connection;
            }
            catch (Exception e) when (e is CustosUnavailableException or Pkcs11Exception)
            {
                _connection = Pkcs11Connection.BrokenAfter(failed);
                LogReconnectFailed(_log, Label, e.Message);
                throw e as CustosUnavailableException ?? Pkcs11Errors.Unavailable(((Pkcs11Exception)e).RV, Label, "reconnect", e);
            }
        }
    }

    /// <summary>Finds the slot, opens a session and logs in; re-initialises the module once if it was finalised.</summary>
    private Pkcs11Connection Connect(IPkcs11Library library, int generation)
    {
        try
        {
            return ConnectOnce(library, generation);
        }
        catch (Pkcs11Exception e) when (e.RV == CKR.CKR_CRYPTOKI_NOT_INITIALIZED)
        {
            return ConnectOnce(_module.Reinitialize(library), generation);
        }
    }

    private Pkcs11Connection ConnectOnce(IPkcs11Library library, int generation)
    {
        var slot = FindSlot(library);
        var session = slot.OpenSession(SessionType.ReadWrite);
        try
        {
            Login(session, _wantedLabel ?? Pkcs11Connection.ReadTokenInfo(slot).Label);
            return new Pkcs11Connection(library, slot, generation, session);
        }
        catch
        {
            Pkcs11Connection.Discard(session);
            throw;
        }
    }

    private ISlot FindSlot(IPkcs11Library library)
    {
        var slots = library.GetSlotList(SlotsType.WithTokenPresent);
        if (_wantedSlot is { } id)
        {
            return slots.FirstOrDefault(s => s.SlotId == id) ?? throw Error.Unavailable(
                $"no token is present in slot {id} of PKCS#11 module '{ModulePath}' (slots with a token: {Join(slots.Select(s => s.SlotId.ToString(System.Globalization.CultureInfo.InvariantCulture)))})");
        }
        var tokens = new List<(ISlot Slot, ITokenInfo Info)>();
        var unreadable = new List<string>();
        foreach (var slot in slots)
        {
            try
            {
                var info = Pkcs11Connection.ReadTokenInfo(slot);
                if (info.TokenFlags.TokenInitialized) tokens.Add((slot, info));
            }
            catch (Pkcs11Exception e) when (e.RV is not CKR.CKR_CRYPTOKI_NOT_INITIALIZED)
            {
                unreadable.Add($"slot {slot.SlotId}: {Pkcs11Errors.Name(e.RV)}");
            }
        }
        var matches = tokens.Where(t => t.Info.Label == _wantedLabel).ToList();
        var notRead = unreadable.Count == 0 ? "" : $"; unreadable: {string.Join(", ", unreadable)}";
        return matches.Count switch
        {
            1 => matches[0].Slot,
            0 => throw Error.Unavailable(
                $"no token labelled '{_wantedLabel}' in PKCS#11 module '{ModulePath}' (labels present: {Join(tokens.Select(t => "'" + t.Info.Label + "'"))}{notRead})"),
            _ => throw Error.Unavailable(
                $"{matches.Count} tokens are labelled '{_wantedLabel}' in PKCS#11 module '{ModulePath}'; configure the slot id instead"),
        };
    }

    private static string Join(IEnumerable<string> items)
    {
        var list = string.Join(", ", items);
        return list.Length == 0 ? "none" : list;
    }

    private void Login(ISession session, string label)
    {
        // Pkcs11Interop takes the PIN as a byte[]; this pinned copy is the only one outside SecretBytes.
        var pin = GC.AllocateArray<byte>(_pin.Length, pinned: true);
        try
        {
            _pin.Reveal().CopyTo(pin);
            session.Login(CKU.CKU_USER, pin);
        }
        catch (Pkcs11Exception e) when (e.RV == CKR.CKR_USER_ALREADY_LOGGED_IN)
        {
            // Login is per application and token: another Pkcs11Token of this process is logged in already.
        }
        catch (Pkcs11Exception e) when (e.RV is CKR.CKR_PIN_INCORRECT or CKR.CKR_PIN_LOCKED or CKR.CKR_PIN_EXPIRED
            or CKR.CKR_PIN_INVALID or CKR.CKR_PIN_LEN_RANGE or CKR.CKR_USER_PIN_NOT_INITIALIZED)
        {
            throw Pkcs11Errors.LoginFailed(e.RV, label, e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pin);
        }
    }

    private static int DefaultPoolSize(ulong maxSessions, ulong maxRwSessions)
    {
        // 0 is CK_EFFECTIVELY_INFINITE and ~0 is CK_UNAVAILABLE_INFORMATION: no limit to respect.
        static ulong Limit(ulong n) => n is 0 or ulong.MaxValue ? ulong.MaxValue : n;
        var limit = Math.Min(Limit(maxSessions), Limit(maxRwSessions));
        return (int)Math.Max(1, Math.Min((ulong)Pkcs11Options.DefaultSessionPoolSize, limit));
    }

    /// <summary>
    /// Closes the sessions, zeroes the PIN and lets go of the module (finalising it when no other token of the
    /// process uses it). Call it after the operations using the token have finished.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _connection.Close();
        _limiter.Dispose();
        _metrics.Dispose();
        _pin.Dispose();
        _module.Release();
    }

    [LoggerMessage(EventId = 600, Level = LogLevel.Warning, Message = "HSM token {Label}: {Code} during {Operation}; reconnecting (sessions, login, module if needed)")]
    private static partial void LogRecovering(ILogger log, string label, string code, string operation);

    [LoggerMessage(EventId = 601, Level = LogLevel.Information, Message = "HSM token {Label}: reconnected (generation {Generation})")]
    private static partial void LogRecovered(ILogger log, string label, int generation);

    [LoggerMessage(EventId = 602, Level = LogLevel.Error, Message = "HSM token {Label}: reconnecting failed: {Reason}")]
    private static partial void LogReconnectFailed(ILogger log, string label, string reason);
}
