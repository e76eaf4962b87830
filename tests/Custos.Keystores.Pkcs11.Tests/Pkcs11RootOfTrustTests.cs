using System.Security.Cryptography;
using System.Text;
using Custos.Crypto.Transparency;
using Net.Pkcs11Interop.Common;

namespace Custos.Keystores.Pkcs11.Tests;

/// <summary>The HSM as root of trust: the root key protector and the ECDSA P-256 signer for audit checkpoints.</summary>
public sealed class Pkcs11RootOfTrustTests(SoftHsm hsm) : IDisposable
{
    private readonly Pkcs11Token _token = hsm.Open(SoftHsm.RootOfTrust);

    [Fact]
    public void The_root_key_protector_round_trips_and_refuses_the_wrong_aad_or_a_changed_blob()
    {
        var protector = Pkcs11RootKeyProtector.FindOrCreate(_token, "custos-root-wrap-a");
        var secret = RandomNumberGenerator.GetBytes(32);
        var aad = Encoding.UTF8.GetBytes("custos/seal/v1");

        var blob = protector.Protect(secret, aad);
        using var back = protector.Unprotect(blob, aad);

        Assert.Equal(12 + 32 + 16, blob.Length);
        Assert.Equal(secret, back!.Reveal().ToArray());
        Assert.Null(protector.Unprotect(blob, Encoding.UTF8.GetBytes("custos/seal/v2")));
        Assert.Null(protector.Unprotect(blob, ReadOnlySpan<byte>.Empty));
        var tampered = (byte[])blob.Clone();
        tampered[20] ^= 1;
        Assert.Null(protector.Unprotect(tampered, aad));
        Assert.Null(protector.Unprotect(blob.AsSpan(0, 27), aad));
    }

    [Fact]
    public void Finding_the_root_key_again_finds_the_same_key_and_it_never_leaves_the_token()
    {
        var first = Pkcs11RootKeyProtector.FindOrCreate(_token, "custos-root-wrap-b");
        var blob = first.Protect([1, 2, 3], [9]);
        using var other = hsm.Open(SoftHsm.RootOfTrust);

        var again = Pkcs11RootKeyProtector.FindOrCreate(other, "custos-root-wrap-b");
        using var back = again.Unprotect(blob, [9]);

        Assert.Equal(new byte[] { 1, 2, 3 }, back!.Reveal().ToArray());
        var (flags, count) = Inspect(CKO.CKO_SECRET_KEY, "custos-root-wrap-b");
        Assert.Equal(1, count);
        Assert.False(flags[CKA.CKA_EXTRACTABLE]);
        Assert.True(flags[CKA.CKA_SENSITIVE]);
        Assert.False(flags[CKA.CKA_WRAP]);
        Assert.True(flags[CKA.CKA_NEVER_EXTRACTABLE]);
    }

    [Fact]
    public void The_hsm_ecdsa_key_signs_checkpoints_that_the_note_verifier_accepts()
    {
        using var ecdsa = Pkcs11EcdsaP256.FindOrCreate(_token, "custos-audit-a");
        var signer = new EcdsaP256NoteSigner("example.com/custos-audit", ecdsa);
        const string text = "example.com/custos-audit\n7\nZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm8=\n";

        var note = SignedNote.Sign(text, signer);

        using var verifier = new EcdsaP256NoteVerifier("example.com/custos-audit", ecdsa.ExportSubjectPublicKeyInfo());
        Assert.True(note.Verify(verifier));
        Assert.True(NoteVerifier.TryParse(signer.VerifierKey, out var parsed));
        Assert.True(SignedNote.TryParse(note.Format(), out var reparsed));
        Assert.True(reparsed!.Verify(parsed!));
        Assert.False(new SignedNote(text.Replace("\n7\n", "\n8\n", StringComparison.Ordinal), note.Signatures).Verify(verifier));
        // And against .NET directly, in both signature forms.
        var data = Encoding.UTF8.GetBytes(text);
        using var software = ECDsa.Create(ecdsa.ExportParameters(false));
        Assert.True(software.VerifyData(data, note.Signatures[0].Signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        Assert.True(software.VerifyData(data, ecdsa.SignData(data, HashAlgorithmName.SHA256), HashAlgorithmName.SHA256));
        Assert.True(ecdsa.VerifyData(data, ecdsa.SignData(data, HashAlgorithmName.SHA256), HashAlgorithmName.SHA256));
    }

    [Fact]
    public void The_ecdsa_private_key_is_non_extractable_and_cannot_be_exported()
    {
        using var ecdsa = Pkcs11EcdsaP256.FindOrCreate(_token, "custos-audit-b");
        using var again = Pkcs11EcdsaP256.FindOrCreate(_token, "custos-audit-b");

        Assert.Equal(ecdsa.ExportSubjectPublicKeyInfo(), again.ExportSubjectPublicKeyInfo());
        Assert.Equal(256, ecdsa.KeySize);
        Assert.Equal("1.2.840.10045.3.1.7", ecdsa.ExportParameters(false).Curve.Oid.Value);
        var (flags, count) = Inspect(CKO.CKO_PRIVATE_KEY, "custos-audit-b");
        Assert.Equal(1, count);
        Assert.False(flags[CKA.CKA_EXTRACTABLE]);
        Assert.True(flags[CKA.CKA_SENSITIVE]);
        Assert.True(flags[CKA.CKA_SIGN]);
        Assert.False(flags[CKA.CKA_DERIVE]);
        Assert.False(flags[CKA.CKA_DECRYPT]);
        Assert.True(flags[CKA.CKA_NEVER_EXTRACTABLE]);
        Assert.Throws<CryptographicException>(() => ecdsa.ExportParameters(true));
        Assert.Throws<CryptographicException>(() => ecdsa.ExportPkcs8PrivateKey());
        Assert.Throws<CryptographicException>(() => ecdsa.ExportECPrivateKey());
        Assert.Throws<NotSupportedException>(() => ecdsa.GenerateKey(ECCurve.NamedCurves.nistP256));
    }

    private (Dictionary<CKA, bool?> Flags, int Count) Inspect(CKO objectClass, string label) =>
        _token.RunAsync(Pkcs11Operation.Inspect, (objectClass, label), static (s, a) =>
        {
            var found = s.Raw.FindAllObjects([Pkcs11Session.Attribute(CKA.CKA_CLASS, a.objectClass), Pkcs11Session.Attribute(CKA.CKA_LABEL, a.label)]);
            return (s.ReadBooleans(found[0], CKA.CKA_EXTRACTABLE, CKA.CKA_SENSITIVE, CKA.CKA_NEVER_EXTRACTABLE, CKA.CKA_WRAP,
                CKA.CKA_SIGN, CKA.CKA_DERIVE, CKA.CKA_DECRYPT), found.Count);
        }, TestContext.Current.CancellationToken).AsTask().GetAwaiter().GetResult();

    public void Dispose() => _token.Dispose();
}
