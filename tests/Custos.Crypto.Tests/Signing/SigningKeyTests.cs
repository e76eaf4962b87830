using System.Security.Cryptography;
using System.Text;
using Custos.Crypto.Signing;

namespace Custos.Crypto.Tests.Signing;

public class SigningKeyTests
{
    private static readonly byte[] Statement = Encoding.UTF8.GetBytes("custos-approval/v1\nrequest apr_1\ndecision approve\n");

    public static TheoryData<string> Algorithms => new() { "p256", "ed25519" };

    private static SigningKey Make(string algorithm) =>
        algorithm == "p256" ? SigningKey.GenerateEcdsaP256() : SigningKey.Ed25519FromSeed(RandomNumberGenerator.GetBytes(32));

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void A_signature_verifies_with_the_public_key_and_nothing_else(string algorithm)
    {
        using var key = Make(algorithm);
        using var other = Make(algorithm);
        var signature = key.Sign(Statement);

        var pub = VerificationKey.FromPem(key.PublicKey.ToPem(), out var problem);
        Assert.NotNull(pub);
        Assert.Equal("", problem);
        Assert.True(pub!.Verify(Statement, signature));
        Assert.False(pub.Verify(Encoding.UTF8.GetBytes("custos-approval/v1\nrequest apr_1\ndecision deny\n"), signature));
        Assert.False(other.PublicKey.Verify(Statement, signature));
        var flipped = (byte[])signature.Clone();
        flipped[^1] ^= 1;
        Assert.False(pub.Verify(Statement, flipped));
        Assert.False(pub.Verify(Statement, []));
        Assert.False(pub.Verify(Statement, new byte[200]));
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void A_private_key_round_trips_through_pem(string algorithm)
    {
        using var key = Make(algorithm);
        using var loaded = SigningKey.FromPem(key.ExportPrivateKeyPem(), out var problem);
        Assert.NotNull(loaded);
        Assert.Equal(key.PublicKey.Fingerprint, loaded!.PublicKey.Fingerprint);
        Assert.True(key.PublicKey.Verify(Statement, loaded.Sign(Statement)));
    }

    [Fact]
    public void The_algorithm_and_fingerprint_come_from_the_spki()
    {
        using var p256 = SigningKey.GenerateEcdsaP256();
        using var ed = SigningKey.Ed25519FromSeed(new byte[32]);
        Assert.Equal(SignatureAlgorithm.EcdsaP256Sha256, p256.PublicKey.Algorithm);
        Assert.Equal(SignatureAlgorithm.Ed25519, ed.PublicKey.Algorithm);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(p256.PublicKey.ToSpki())), p256.PublicKey.Fingerprint);
        // RFC 8410 §10.1 shape: 44-byte SPKI for Ed25519.
        Assert.Equal(44, ed.PublicKey.ToSpki().Length);
    }

    [Fact]
    public void A_private_key_is_refused_where_a_public_key_is_expected_and_the_reverse()
    {
        using var key = SigningKey.GenerateEcdsaP256();
        Assert.Null(VerificationKey.FromPem(key.ExportPrivateKeyPem(), out var problem));
        Assert.Contains("PRIVATE key", problem, StringComparison.Ordinal);
        Assert.Null(SigningKey.FromPem(key.PublicKey.ToPem(), out problem));
        Assert.Contains("public key", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_curves_and_garbage_are_refused()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        Assert.Null(VerificationKey.FromSpki(p384.ExportSubjectPublicKeyInfo()));
        Assert.Null(VerificationKey.FromPem(p384.ExportSubjectPublicKeyInfoPem(), out var problem));
        Assert.Contains("neither", problem, StringComparison.Ordinal);
        Assert.Null(SigningKey.FromPem(p384.ExportPkcs8PrivateKeyPem(), out _));
        using var rsa = RSA.Create(2048);
        Assert.Null(VerificationKey.FromSpki(rsa.ExportSubjectPublicKeyInfo()));
        Assert.Null(VerificationKey.FromPem("hello", out _));
        Assert.Null(VerificationKey.FromSpki([]));
        Assert.Null(VerificationKey.FromSpki([0x30, 0x03, 0x02, 0x01, 0x00]));
        using var p256 = SigningKey.GenerateEcdsaP256();
        Assert.Null(VerificationKey.FromSpki([.. p256.PublicKey.ToSpki(), 0x00])); // trailing bytes
    }
}
