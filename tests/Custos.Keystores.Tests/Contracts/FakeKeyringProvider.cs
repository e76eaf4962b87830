using Custos.Core.Ports;
using Custos.Crypto;

namespace Custos.Keystores.Tests.Contracts;

/// <summary>
/// A hand-written keyring provider: starts unsealed with a random 32-byte keyring; <see cref="Seal"/>
/// raises <see cref="Sealed"/> and then zeroes the keyring, as <c>SealManager</c> does.
/// </summary>
public sealed class FakeKeyringProvider : IKeyringProvider, IDisposable
{
    private SecretBytes? _keyring;

    /// <summary>A provider that is unsealed, or sealed from the start when <paramref name="unsealed"/> is false.</summary>
    public FakeKeyringProvider(bool unsealed = true)
    {
        if (unsealed) _keyring = SecretBytes.Random(32);
    }

    /// <inheritdoc />
    public SecretBytes? Keyring => Volatile.Read(ref _keyring);

    /// <inheritdoc />
    public event EventHandler? Sealed;

    /// <summary>Drops the keyring, tells listeners, then zeroes it.</summary>
    public void Seal()
    {
        var old = Interlocked.Exchange(ref _keyring, null);
        if (old is null) return;
        Sealed?.Invoke(this, EventArgs.Empty);
        old.Dispose();
    }

    /// <summary>Makes the keyring unavailable without raising <see cref="Sealed"/> (to tell a cache from a re-open).</summary>
    public SecretBytes? HideKeyringSilently() => Interlocked.Exchange(ref _keyring, null);

    /// <summary>Puts a keyring back (after <see cref="HideKeyringSilently"/>).</summary>
    public void Restore(SecretBytes keyring) => Volatile.Write(ref _keyring, keyring);

    /// <inheritdoc />
    public void Dispose() => Interlocked.Exchange(ref _keyring, null)?.Dispose();
}
