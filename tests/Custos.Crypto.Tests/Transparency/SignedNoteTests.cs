using System.Security.Cryptography;
using System.Text;
using Custos.Crypto.Transparency;
using Microsoft.Extensions.Time.Testing;

namespace Custos.Crypto.Tests.Transparency;

public class SignedNoteTests
{
    // golang.org/x/mod/sumdb/note, note.go package doc example (BSD-3-Clause): key, text and the published note.
    private const string PeterVkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    private const string PeterSkeyBlob = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"; // base64(0x01 || seed) from PRIVATE+KEY+PeterNeumann+c74f20a3+…
    private const string PeterText = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    private const string PeterNote = PeterText + "\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

    // transparency-dev/formats note/note_verifier_test.go (Apache-2.0): Sigstore Rekor's ECDSA P-256 key and a checkpoint it signed.
    private const string RekorVkey = "rekor.sigstore.dev+c0d23d6a+AjBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABNhtmPtrWm3U1eQXBogSMdGvXwBcK5AW5i0hrZLOC96l+smGNM7nwZ4QvFK/4sueRoVj//QP22Ni4Qt9DPfkWLc=";
    private const string RekorNote = "Rekor\n798034\nf+7CoKgXKE/tNys9TTXcr/ad6U/K3xvznmzew9y6SP0=\n\n\u2014 rekor.sigstore.dev wNI9ajBEAiARInWIWyCdyG27CO6LPnPekyw20qO0YJfoaPaowGp/XgIgc+qEHS3+GKVClgqq20uDLet7MCoTURUCRdxwWBHHufk=\n";

    private static readonly Checkpoint Cp = new("example.com/custos-audit", 20852163, Convert.FromBase64String("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="));

    [Fact]
    public void Go_sumdb_note_example_verifies_and_is_reproduced_byte_for_byte()
    {
        Assert.True(NoteVerifier.TryParse(PeterVkey, out var v));
        Assert.IsType<Ed25519NoteVerifier>(v);
        Assert.Equal(PeterVkey, v!.VerifierKey);
        Assert.True(SignedNote.TryParse(PeterNote, out var note));
        Assert.Equal(PeterText, note!.Text);
        Assert.True(note.Verify(v));
        Assert.Equal(PeterNote, note.Format());

        var signer = new Ed25519NoteSigner("PeterNeumann", Convert.FromBase64String(PeterSkeyBlob).AsSpan(1));
        Assert.Equal(PeterVkey, signer.VerifierKey);
        Assert.Equal(PeterNote, SignedNote.Sign(PeterText, signer).Format()); // Ed25519 is deterministic

        Assert.True(SignedNote.TryParse(PeterNote.Replace("cryptography", "cryptographY", StringComparison.Ordinal), out var tampered));
        Assert.False(tampered!.Verify(v));
    }

    [Fact]
    public void Rekor_ecdsa_checkpoint_verifies()
    {
        Assert.True(NoteVerifier.TryParse(RekorVkey, out var v));
        Assert.IsType<EcdsaP256NoteVerifier>(v);
        Assert.Equal(0xc0d23d6au, v!.KeyId);
        Assert.True(SignedNote.TryParse(RekorNote, out var note));
        Assert.True(note!.Verify(v));
        Assert.True(Checkpoint.TryParse(note.Text, out var cp));
        Assert.Equal(798034, cp!.Size);
        Assert.True(SignedNote.TryParse(RekorNote.Replace("798034", "798035", StringComparison.Ordinal), out var tampered));
        Assert.False(tampered!.Verify(v));
    }

    [Fact]
    public void Ecdsa_checkpoint_signs_verifies_and_rejects_other_key_and_modified_body()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signer = new EcdsaP256NoteSigner(Cp.Origin, key);
        var otherSigner = new EcdsaP256NoteSigner(Cp.Origin, other);
        Assert.True(NoteVerifier.TryParse(signer.VerifierKey, out var v));
        Assert.Equal(signer.KeyId, v!.KeyId);
        Assert.Equal(BitConverter.ToUInt32(SHA256.HashData(key.ExportSubjectPublicKeyInfo()).AsSpan(0, 4).ToArray().Reverse().ToArray()), signer.KeyId);

        var note = SignedNote.Sign(Cp.Format(), signer);
        string text = note.Format();
        Assert.StartsWith(Cp.Format() + "\n\u2014 example.com/custos-audit ", text, StringComparison.Ordinal);
        Assert.True(SignedNote.TryParse(text, out var parsed));
        Assert.True(parsed!.Verify(v));
        // The signature covers exactly the UTF-8 text, including the final newline: DER, checkable with .NET directly.
        Assert.True(key.VerifyData(Encoding.UTF8.GetBytes(Cp.Format()), parsed.Signatures[0].Signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

        Assert.False(SignedNote.Sign(Cp.Format(), otherSigner).Verify(v));              // re-signed by another key: key ID differs
        var forged = new SignedNote(Cp.Format(), [new NoteSignature(signer.Name, signer.KeyId, otherSigner.Sign(Encoding.UTF8.GetBytes(Cp.Format())))]);
        Assert.False(forged.Verify(v));                                                  // same name and ID, wrong key
        var modified = new SignedNote(Cp.Format().Replace("20852163", "20852164", StringComparison.Ordinal), note.Signatures);
        Assert.False(modified.Verify(v));
    }

    [Fact]
    public void Cosignature_v1_signs_the_timestamped_message_and_verifies()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1679315147));
        byte[] seed = RandomNumberGenerator.GetBytes(32);
        var witness = new Ed25519CosignatureV1Signer("witness.example.com/w1", seed, time);
        using var logKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var log = new EcdsaP256NoteSigner(Cp.Origin, logKey);

        var note = SignedNote.Sign(Cp.Format(), log).AddSignature(witness);
        Assert.True(NoteVerifier.TryParse(witness.VerifierKey, out var wv));
        Assert.IsType<Ed25519CosignatureV1Verifier>(wv);
        Assert.True(NoteVerifier.TryParse(log.VerifierKey, out var lv));
        Assert.Equal(2, note.VerifiedBy([lv!, wv!])!.Count);

        byte[] sig = note.Signatures[1].Signature;
        Assert.Equal(72, sig.Length);
        Assert.True(Ed25519CosignatureV1Verifier.TryGetTimestamp(sig, out long t));
        Assert.Equal(1679315147, t);
        // Independently check the signed message with BouncyCastle directly.
        var pub = new Org.BouncyCastle.Crypto.Parameters.Ed25519PrivateKeyParameters(seed).GeneratePublicKey();
        var check = new Org.BouncyCastle.Crypto.Signers.Ed25519Signer();
        check.Init(false, pub);
        byte[] msg = Encoding.UTF8.GetBytes("cosignature/v1\ntime 1679315147\n" + Cp.Format());
        check.BlockUpdate(msg, 0, msg.Length);
        Assert.True(check.VerifySignature(sig[8..]));

        // A plain Ed25519 verifier with the same key has another key ID and does not accept it.
        var plain = new Ed25519NoteVerifier(witness.Name, pub.GetEncoded());
        Assert.NotEqual(plain.KeyId, wv!.KeyId);
        Assert.Null(note.VerifiedBy([plain]));
        // A changed timestamp breaks the signature.
        sig[7] ^= 1;
        Assert.False(wv.Verify(Encoding.UTF8.GetBytes(Cp.Format()), sig));
    }

    [Fact]
    public void Cosignature_timestamp_from_published_signature()
    {
        // transparency-dev/formats note/note_cosigv1_test.go TestCoSigV1Timestamp: 1727964367.
        byte[] blob = Convert.FromBase64String("ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA==");
        Assert.True(Ed25519CosignatureV1Verifier.TryGetTimestamp(blob.AsSpan(4), out long t));
        Assert.Equal(1727964367, t);
        Assert.False(Ed25519CosignatureV1Verifier.TryGetTimestamp(blob.AsSpan(5), out _));
    }

    [Fact]
    public void Unknown_signatures_are_kept_and_ignored()
    {
        Assert.True(NoteVerifier.TryParse(PeterVkey, out var v));
        string withUnknown = PeterNote + "\u2014 someone.else AAAAAQID\n";
        Assert.True(SignedNote.TryParse(withUnknown, out var note));
        Assert.Equal(2, note!.Signatures.Count);
        Assert.True(note.Verify(v!));
        Assert.Equal(withUnknown, note.Format());
        // Only unknown signatures: rejected.
        Assert.True(SignedNote.TryParse(PeterText + "\n\u2014 someone.else AAAAAQID\n", out var only));
        Assert.False(only!.Verify(v!));
        // A known (name, ID) signature that fails rejects the note even if another verifies.
        string badSecond = PeterNote + "\u2014 PeterNeumann x08go/" + new string('A', 85) + "=\n"; // 64-byte bad signature
        Assert.True(SignedNote.TryParse(badSecond, out var bad));
        Assert.False(bad!.Verify(v!));
    }

    [Theory]
    [InlineData("")]
    [InlineData("text\n")]                                             // no signatures
    [InlineData("text\n\n")]                                           // empty signature block
    [InlineData("text\n\n\u2014 name AAAAAQID")]                       // missing final newline
    [InlineData("text\n\n- name AAAAAQID\n")]                          // ASCII hyphen instead of em dash
    [InlineData("text\n\n\u2014 name AAAAAQ\n")]                       // wrong base64 length
    [InlineData("text\n\n\u2014 name AAAAAQ==\n")]                     // fewer than 5 bytes
    [InlineData("text\n\n\u2014 name AAAAAQJ=\n")]                     // non-canonical base64 trailing bits
    [InlineData("text\n\n\u2014 na+me AAAAAQID\n")]                    // '+' in name
    [InlineData("text\n\n\u2014  AAAAAQID\n")]                         // empty name
    [InlineData("text\n\n\u2014 name AAAAAQID\n\n")]                  // trailing blank line
    [InlineData("text\n\n\u2014 name AAAAAQID extra\n")]               // extra field
    [InlineData("te\txt\n\n\u2014 name AAAAAQID\n")]                   // control character
    [InlineData("te\rxt\n\n\u2014 name AAAAAQID\n")]
    public void TryParse_rejects_malformed_notes(string note)
    {
        Assert.False(SignedNote.TryParse(note, out var parsed));
        Assert.Null(parsed);
    }

    [Fact]
    public void TryParse_enforces_bounds_and_accepts_empty_lines_in_text()
    {
        string sig = "\u2014 name AAAAAQID\n";
        Assert.True(SignedNote.TryParse("a\n\nb\n\n" + sig, out var n));
        Assert.Equal("a\n\nb\n", n!.Text);
        Assert.True(SignedNote.TryParse("t\n\n" + string.Concat(Enumerable.Repeat(sig, SignedNote.MaxSignatures)), out _));
        Assert.False(SignedNote.TryParse("t\n\n" + string.Concat(Enumerable.Repeat(sig, SignedNote.MaxSignatures + 1)), out _));
        Assert.False(SignedNote.TryParse(new string('a', SignedNote.MaxLength) + "\n\n" + sig, out _));
        Assert.False(SignedNote.TryParse(null, out _));
        Assert.False(SignedNote.TryParse("\ud800\n\n" + sig, out _)); // lone surrogate: not UTF-8
    }

    [Theory]
    [InlineData("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")] // wrong key ID
    [InlineData("PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")] // upper-case hex
    [InlineData("PeterNeumann+c74f20a3+AxpcQcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")]  // bad base64 length
    [InlineData("PeterNeumann+c74f20a3+AxoDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMD")] // unknown type 0x03
    [InlineData("PeterNeumann+c74f20a3")]
    [InlineData("+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")]
    [InlineData("rekor.sigstore.dev+c0d23d6a+AjBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABNhtmPtrWm3U1eQXBogSMdGvXwBcK5AW5i0hrZLOC96l+smGNM7nwZ4QvFK/4sueRoVj//QP22Ni4Qt9DPfkWLd=")] // corrupted point encoding
    public void NoteVerifier_TryParse_rejects_bad_vkeys(string vkey) => Assert.False(NoteVerifier.TryParse(vkey, out _));

    [Fact]
    public void Misuse_throws()
    {
        Assert.Throws<ArgumentException>(() => new Ed25519NoteSigner("bad name", new byte[32]));
        Assert.Throws<ArgumentException>(() => new Ed25519NoteSigner("name", new byte[31]));
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        Assert.Throws<ArgumentException>(() => new EcdsaP256NoteSigner("name", p384));
        Assert.Throws<ArgumentException>(() => SignedNote.Sign("no newline", new Ed25519NoteSigner("n", new byte[32])));
        Assert.Throws<ArgumentException>(() => new SignedNote("t\n", []));
    }
}
