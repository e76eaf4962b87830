using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Custos.Crypto.Sharing;
using Custos.Crypto.Signing;

namespace Custos.Crypto.Tests.Sharing;

public sealed class EncryptedShareTests
{
    private const string Ceremony = "cer_0123456789abcdef";
    private static readonly byte[] ShareText = Encoding.ASCII.GetBytes("custos-share-v1:AQRyb290AgEgc2hhcmUtYnl0ZXMtZm9yLXRlc3Rz");

    private static (ShareDecryptionKey Private, VerificationKey Public) NewOperator()
    {
        using var signing = SigningKey.GenerateEcdsaP256();
        var key = ShareDecryptionKey.FromPem(signing.ExportPrivateKeyPem(), out var problem) ?? throw new InvalidOperationException(problem);
        return (key, signing.PublicKey);
    }

    /// <summary>A P-256 key from a fixed private scalar (the public point is computed on import).</summary>
    private static ECDiffieHellman FixedKey(string seed) =>
        ECDiffieHellman.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = SHA256.HashData(Encoding.ASCII.GetBytes(seed)) });

    private static byte[] Binary(string text) => Base64Url.DecodeFromChars(text.AsSpan(EncryptedShare.TextPrefix.Length));

    private static string Text(byte[] binary) => EncryptedShare.TextPrefix + Base64Url.EncodeToString(binary);

    [Fact]
    public void The_operator_opens_their_share_and_sees_the_authenticated_names()
    {
        var (key, pub) = NewOperator();
        using (key)
        {
            var text = EncryptedShare.Encrypt(pub, ShareText, Ceremony, "alice").Encode();

            var parsed = EncryptedShare.TryParse(text + "\n");
            Assert.NotNull(parsed);
            Assert.Equal(Ceremony, parsed.CeremonyId);
            Assert.Equal("alice", parsed.Operator);
            Assert.Equal(pub.Fingerprint, parsed.RecipientFingerprint);
            using var opened = parsed.Decrypt(key);
            Assert.NotNull(opened);
            Assert.Equal(ShareText, opened.Reveal().ToArray());
            Assert.DoesNotContain("custos-share-v1", text[EncryptedShare.TextPrefix.Length..], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Each_encryption_uses_a_fresh_ephemeral_key()
    {
        var (key, pub) = NewOperator();
        using (key)
        {
            Assert.NotEqual(EncryptedShare.Encrypt(pub, ShareText, Ceremony, "alice").Encode(), EncryptedShare.Encrypt(pub, ShareText, Ceremony, "alice").Encode());
        }
    }

    [Fact]
    public void Another_operators_key_does_not_open_it()
    {
        var (alice, alicePub) = NewOperator();
        var (bob, _) = NewOperator();
        using (alice)
        using (bob)
        {
            var share = EncryptedShare.Encrypt(alicePub, ShareText, Ceremony, "alice");

            Assert.Null(share.Decrypt(bob));
        }
    }

    [Fact]
    public void The_wrong_key_fails_even_when_the_fingerprint_in_the_header_is_swapped_for_its_own()
    {
        var (alice, alicePub) = NewOperator();
        var (bob, bobPub) = NewOperator();
        using (alice)
        using (bob)
        {
            var binary = Binary(EncryptedShare.Encrypt(alicePub, ShareText, Ceremony, "alice").Encode());
            int fpAt = 1 + 1 + Ceremony.Length + 1 + "alice".Length;
            SHA256.HashData(bobPub.ToSpki()).CopyTo(binary, fpAt);

            var forged = EncryptedShare.TryParse(Text(binary));
            Assert.NotNull(forged);
            Assert.Null(forged.Decrypt(bob));
        }
    }

    [Fact]
    public void Every_changed_byte_is_refused_at_parse_or_at_decryption()
    {
        var (key, pub) = NewOperator();
        using (key)
        {
            var binary = Binary(EncryptedShare.Encrypt(pub, ShareText, Ceremony, "alice").Encode());
            for (int i = 0; i < binary.Length; i++)
            {
                foreach (byte flip in new byte[] { 0x01, 0x80 })
                {
                    var tampered = (byte[])binary.Clone();
                    tampered[i] ^= flip;
                    var parsed = EncryptedShare.TryParse(Text(tampered));
                    if (parsed is null) continue;
                    Assert.Null(parsed.Decrypt(key));
                }
            }
        }
    }

    [Fact]
    public void A_share_moved_to_another_ceremony_or_operator_name_does_not_open()
    {
        var (key, pub) = NewOperator();
        using (key)
        {
            var binary = Binary(EncryptedShare.Encrypt(pub, ShareText, "cer_aaaaaaaaaaaaaaaa", "alice").Encode());
            var otherCeremony = (byte[])binary.Clone();
            Encoding.ASCII.GetBytes("cer_bbbbbbbbbbbbbbbb").CopyTo(otherCeremony, 2);
            var otherName = (byte[])binary.Clone();
            Encoding.ASCII.GetBytes("carol").CopyTo(otherName, 2 + 20 + 1);

            var moved = EncryptedShare.TryParse(Text(otherCeremony))!;
            var renamed = EncryptedShare.TryParse(Text(otherName))!;
            Assert.Equal("cer_bbbbbbbbbbbbbbbb", moved.CeremonyId);
            Assert.Equal("carol", renamed.Operator);
            Assert.Null(moved.Decrypt(key));
            Assert.Null(renamed.Decrypt(key));
        }
    }

    [Fact]
    public void An_ephemeral_point_off_the_curve_fails_without_an_exception()
    {
        var (key, pub) = NewOperator();
        using (key)
        {
            var binary = Binary(EncryptedShare.Encrypt(pub, ShareText, Ceremony, "alice").Encode());
            int pointAt = 1 + 1 + Ceremony.Length + 1 + "alice".Length + 32;
            binary[pointAt + 64] ^= 0x01; // last byte of Y: (X, Y') is not on P-256

            Assert.Null(EncryptedShare.TryParse(Text(binary))!.Decrypt(key));
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("custos-encrypted-share-v1:")]
    [InlineData("custos-share-v1:AQRyb290")]
    [InlineData("custos-encrypted-share-v1:AQ")]
    [InlineData("custos-encrypted-share-v1:!!!!")]
    public void Garbage_is_not_an_encrypted_share(string text) => Assert.Null(EncryptedShare.TryParse(text));

    [Fact]
    public void Truncated_padded_or_extended_text_is_refused()
    {
        var (key, pub) = NewOperator();
        using (key)
        {
            var text = EncryptedShare.Encrypt(pub, ShareText, Ceremony, "alice").Encode();
            Assert.Null(EncryptedShare.TryParse(text + "="));
            Assert.Null(EncryptedShare.TryParse(text[..^1]) is { } cut ? cut.Decrypt(key) : null);
            var binary = Binary(text);
            Assert.Null(EncryptedShare.TryParse(Text([.. binary, 0]))?.Decrypt(key));
            Assert.Null(EncryptedShare.TryParse(Text(binary[..(binary.Length - ShareText.Length)]))); // a tag but no ciphertext
        }
    }

    [Fact]
    public void Misuse_throws()
    {
        using var ed = SigningKey.Ed25519FromSeed(new byte[32]);
        var (key, pub) = NewOperator();
        using (key)
        {
            Assert.Throws<ArgumentException>(() => EncryptedShare.Encrypt(ed.PublicKey, ShareText, Ceremony, "alice"));
            Assert.Throws<ArgumentException>(() => EncryptedShare.Encrypt(pub, ShareText, Ceremony, "al ice"));
            Assert.Throws<ArgumentException>(() => EncryptedShare.Encrypt(pub, ShareText, "", "alice"));
            Assert.Throws<ArgumentException>(() => EncryptedShare.Encrypt(pub, [], Ceremony, "alice"));
            Assert.Throws<ArgumentException>(() => EncryptedShare.Encrypt(pub, new byte[EncryptedShare.MaxShareLength + 1], Ceremony, "alice"));
        }
    }

    [Fact]
    public void An_Ed25519_private_key_cannot_open_shares_and_says_so()
    {
        using var ed = SigningKey.Ed25519FromSeed(new byte[32]);

        Assert.Null(ShareDecryptionKey.FromPem(ed.ExportPrivateKeyPem(), out var problem));
        Assert.Contains("Ed25519", problem, StringComparison.Ordinal);
        using var p256 = SigningKey.GenerateEcdsaP256();
        Assert.Null(ShareDecryptionKey.FromPem(p256.PublicKey.ToPem(), out problem));
        Assert.Contains("public key", problem, StringComparison.Ordinal);
        Assert.Null(ShareDecryptionKey.FromPem("nothing", out problem));
        Assert.Contains("PEM", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_decryption_key_has_the_signing_keys_fingerprint()
    {
        using var signing = SigningKey.GenerateEcdsaP256();
        using var key = ShareDecryptionKey.FromPem(signing.ExportPrivateKeyPem(), out _)!;
        Assert.Equal(signing.PublicKey.Fingerprint, key.PublicKey.Fingerprint);
    }

    /// <summary>
    /// The format as the spec card writes it, computed here with the .NET primitives directly (not through
    /// <see cref="EncryptedShare"/>), from fixed recipient and ephemeral scalars; and the output pinned, so
    /// that neither the code nor this derivation can drift without the other.
    /// </summary>
    [Fact]
    public void Known_answer_matches_the_spec_card()
    {
        using var recipient = FixedKey("custos test recipient");
        using var ephemeral = FixedKey("custos test ephemeral");
        var spki = recipient.ExportSubjectPublicKeyInfo();
        var pub = VerificationKey.FromSpki(spki)!;

        var actual = EncryptedShare.Encrypt(pub, ShareText, Ceremony, "alice", ephemeral).Encode();

        var q = ephemeral.ExportParameters(false).Q;
        byte[] point = [0x04, .. q.X!, .. q.Y!];
        var fp = SHA256.HashData(spki);
        var z = ephemeral.DeriveRawSecretAgreement(recipient.PublicKey);
        var okm = HKDF.DeriveKey(HashAlgorithmName.SHA256, z, 44, [], [.. Encoding.ASCII.GetBytes("custos/encrypted-share/v1"), .. point, .. fp]);
        byte[] header = [0x01, (byte)Ceremony.Length, .. Encoding.ASCII.GetBytes(Ceremony), 5, .. "alice"u8, .. fp, .. point];
        var ciphertext = new byte[ShareText.Length];
        var tag = new byte[16];
        using (var gcm = new AesGcm(okm[..32], 16)) gcm.Encrypt(okm[32..], ShareText, ciphertext, tag, header);
        Assert.Equal(Text([.. header, .. ciphertext, .. tag]), actual);
        Assert.Equal(KnownAnswer, actual);

        using var key = ShareDecryptionKey.FromPem(recipient.ExportPkcs8PrivateKeyPem(), out _)!;
        using var opened = EncryptedShare.TryParse(KnownAnswer)!.Decrypt(key)!;
        Assert.Equal(ShareText, opened.Reveal().ToArray());
    }

    private const string KnownAnswer =
        "custos-encrypted-share-v1:ARRjZXJfMDEyMzQ1Njc4OWFiY2RlZgVhbGljZX3SuqpSyczEOkVCLwdwmk6TmnXtNG2AsutSSK" +
        "1f4mGjBBYoXzrsOiiQcCQ1xd7nXL8IZt6VmM7xy0WY8SgYwl-3v0sCD8FQYj4fp0UWT5HOP97nQ9X_DthiykqWsPnRoV-EmrBMl3" +
        "CPEgMO4uMo0yZ1AHL5lOumofDzCINc_wYZJGE1OFzWqyRr0_mjxsBTi0fT5I7ZB8B4hrwPl6kE66TiCLrm_9u3y3o";
}
