using Custos.Core.Ports;
using Custos.Keystores.Tests.Contracts;

namespace Custos.Keystores.Pkcs11.Tests;

/// <summary>
/// The keystore contract over <see cref="Pkcs11Keystore"/> on SoftHSM2. The test's own keyring maps to the
/// shared token; any other keyring (the contract's "another keystore") to a second token, so a handle made
/// there names an object this token does not hold. The keyring doubles as the seal state.
/// </summary>
public sealed class Pkcs11KeystoreContractTests(SoftHsm hsm) : KeystoreContract
{
    /// <inheritdoc />
    protected override IKeystore CreateKeystore(IKeyringProvider keyring) =>
        new Pkcs11Keystore(ReferenceEquals(keyring, Keyring) ? hsm.SharedToken : hsm.OtherToken, keyring);
}
