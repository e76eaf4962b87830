using System.Collections.Concurrent;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Custos.Keystores.Pkcs11;

/// <summary>
/// One generation of a token's connection: the module handle and slot it was made from, its logged-in
/// sessions, and the object handles found through them. Recovery never repairs a generation: it closes it
/// and makes the next one, so a handle cached under a lost login can never be used again.
/// </summary>
internal sealed class Pkcs11Connection
{
    private readonly ConcurrentStack<ISession> _idle = new();
    private volatile bool _closed;

    public Pkcs11Connection(IPkcs11Library library, ISlot slot, int generation, ISession loggedIn)
    {
        Library = library;
        Slot = slot;
        Generation = generation;
        _idle.Push(loggedIn);
    }

    /// <summary>A placeholder for a token that could not be reached; every use tries to connect again first.</summary>
    private Pkcs11Connection(IPkcs11Library library, int generation)
    {
        Library = library;
        Slot = null!;
        Generation = generation;
        _closed = true;
        Broken = true;
    }

    /// <summary>A connection that failed to be made: the next operation connects again before anything else.</summary>
    public static Pkcs11Connection BrokenAfter(Pkcs11Connection failed) => new(failed.Library, failed.Generation);

    public IPkcs11Library Library { get; }

    public ISlot Slot { get; }

    public int Generation { get; }

    public bool Broken { get; }

    /// <summary>AES keys of key versions by <c>CKA_ID</c>.</summary>
    public ConcurrentDictionary<Pkcs11ObjectId, IObjectHandle> KeyHandles { get; } = new();

    /// <summary>Labelled objects (root key, signing key) by class and label.</summary>
    public ConcurrentDictionary<(CKO Class, string Label), IObjectHandle> LabelHandles { get; } = new();

    /// <summary>
    /// <c>C_GetTokenInfo</c>, read again a few times when it fails with <c>CKR_GENERAL_ERROR</c> or returns an
    /// initialised token without a label: SoftHSM's file store answers so while another process (pkcs11-tool,
    /// softhsm2-util) holds the token's files. Encrypt, decrypt and object lookups are not affected.
    /// </summary>
    public static ITokenInfo ReadTokenInfo(ISlot slot)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                var info = slot.GetTokenInfo();
                if (!(info.TokenFlags.TokenInitialized && info.Label.Length == 0) || attempt == TokenInfoAttempts) return info;
            }
            catch (Pkcs11Exception e) when (e.RV == CKR.CKR_GENERAL_ERROR && attempt < TokenInfoAttempts)
            {
            }
            Thread.Sleep(attempt * 5);
        }
    }

    private const int TokenInfoAttempts = 5;

    /// <summary>An idle session, or a new one (it shares the application's login on the token).</summary>
    public ISession Rent() => _idle.TryPop(out var session) ? session : Slot.OpenSession(SessionType.ReadWrite);

    /// <summary>Gives a healthy session back; after <see cref="Close"/> it is closed instead.</summary>
    public void Return(ISession session)
    {
        _idle.Push(session);
        if (_closed) CloseIdle();
    }

    /// <summary>Closes a session that failed (its handle may already be gone).</summary>
    public static void Discard(ISession session)
    {
        try { session.CloseSession(); }
        catch (Pkcs11Exception) { } // already closed or the module is gone: nothing to release
    }

    /// <summary>Ends this generation: idle sessions are closed now, rented ones when they come back.</summary>
    public void Close()
    {
        _closed = true;
        KeyHandles.Clear();
        LabelHandles.Clear();
        CloseIdle();
    }

    private void CloseIdle()
    {
        while (_idle.TryPop(out var session)) Discard(session);
    }
}
