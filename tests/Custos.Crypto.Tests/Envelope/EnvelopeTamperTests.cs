using Custos.Crypto.Envelope;
using static Custos.Crypto.Tests.Envelope.EnvelopeTestData;

namespace Custos.Crypto.Tests.Envelope;

/// <summary>Every modification of an envelope fails as "invalid ciphertext" and releases no unverified plaintext.</summary>
public sealed class EnvelopeTamperTests
{
    private const int FrameLength = 4096;
    private const int FrameSize = FrameLength + 25;

    private static (byte[] Plaintext, byte[] Envelope, int HeaderLength) Message(SecretBytes dek, int seed = 1)
    {
        var plaintext = Pattern(2 * FrameLength + FrameLength / 2, seed); // 2.5 frames
        var envelope = EnvelopeEncryptor.Encrypt(plaintext, dek, OneKey, Context, FrameLength);
        EnvelopeHeader.Parse(envelope, out int headerLength);
        return (plaintext, envelope, headerLength);
    }

    /// <summary>Decrypts through the streaming path; asserts failure and returns what reached the output.</summary>
    private static async Task<byte[]> AssertInvalidAsync(byte[] envelope, SecretBytes dek, EncryptionContext? context = null)
    {
        using var output = new MemoryStream();
        var e = await Assert.ThrowsAsync<InvalidCiphertextException>(() => DecryptStreamAsync(envelope, dek, output, context));
        Assert.Equal(InvalidCiphertextException.FixedMessage, e.Message);
        Assert.Null(e.InnerException);
        Assert.Throws<InvalidCiphertextException>(() => EnvelopeDecryptor.Decrypt(envelope, dek, context ?? Context));
        return output.ToArray();
    }

    /// <summary>Plaintext may only come from whole frames that lie before <paramref name="position"/>, and must be the true plaintext.</summary>
    private static void AssertReleasedOnlyBefore(int position, int headerLength, byte[] released, byte[] plaintext)
    {
        int allowed = position < headerLength ? 0 : (position - headerLength) / FrameSize * FrameLength;
        Assert.True(released.Length <= allowed, $"position {position}: {released.Length} bytes released, at most {allowed} allowed");
        Assert.Equal(plaintext.AsSpan(0, released.Length).ToArray(), released);
    }

    [Theory]
    [InlineData(0x01)]
    [InlineData(0x80)]
    public async Task Flipping_any_single_byte_fails(byte mask)
    {
        using var dek = NewDek();
        var (plaintext, envelope, headerLength) = Message(dek);
        for (int i = 0; i < envelope.Length; i++)
        {
            var tampered = (byte[])envelope.Clone();
            tampered[i] ^= mask;
            var released = await AssertInvalidAsync(tampered, dek);
            AssertReleasedOnlyBefore(i, headerLength, released, plaintext);
        }
    }

    [Fact]
    public async Task Every_truncation_fails()
    {
        using var dek = NewDek();
        var (plaintext, envelope, headerLength) = Message(dek);
        for (int n = 0; n < envelope.Length; n++)
        {
            var released = await AssertInvalidAsync(envelope[..n], dek);
            AssertReleasedOnlyBefore(n, headerLength, released, plaintext);
        }
    }

    [Fact]
    public async Task Swapped_frames_fail_even_with_renumbered_sequence()
    {
        using var dek = NewDek();
        var (_, envelope, h) = Message(dek);
        var f1 = envelope[h..(h + FrameSize)];
        var f2 = envelope[(h + FrameSize)..(h + 2 * FrameSize)];
        byte[] swapped = [.. envelope[..h], .. f2, .. f1, .. envelope[(h + 2 * FrameSize)..]];
        Assert.Empty(await AssertInvalidAsync(swapped, dek));

        // Fix up the sequence numbers so only the AAD/nonce binding can catch it.
        swapped[h + 4] = 1;
        swapped[h + FrameSize + 4] = 2;
        Assert.Empty(await AssertInvalidAsync(swapped, dek));
    }

    [Fact]
    public async Task Duplicated_or_dropped_frames_fail()
    {
        using var dek = NewDek();
        var (_, envelope, h) = Message(dek);
        var f1 = envelope[h..(h + FrameSize)];
        byte[] duplicated = [.. envelope[..(h + FrameSize)], .. f1, .. envelope[(h + FrameSize)..]];
        byte[] dropped = [.. envelope[..(h + FrameSize)], .. envelope[(h + 2 * FrameSize)..]];
        byte[] finalDropped = envelope[..(h + 2 * FrameSize)];

        Assert.True((await AssertInvalidAsync(duplicated, dek)).Length <= FrameLength);
        Assert.True((await AssertInvalidAsync(dropped, dek)).Length <= FrameLength);
        Assert.True((await AssertInvalidAsync(finalDropped, dek)).Length <= 2 * FrameLength);
    }

    [Fact]
    public async Task A_frame_spliced_from_another_message_under_the_same_dek_fails()
    {
        using var dek = NewDek();
        var (_, envelope, h) = Message(dek, seed: 1);
        var (_, other, h2) = Message(dek, seed: 1); // same plaintext and DEK, other message id
        byte[] spliced = [.. envelope[..(h + FrameSize)], .. other[(h2 + FrameSize)..(h2 + 2 * FrameSize)], .. envelope[(h + 2 * FrameSize)..]];
        byte[] otherHeader = [.. other[..h2], .. envelope[h..]];

        Assert.True((await AssertInvalidAsync(spliced, dek)).Length <= FrameLength);
        Assert.Empty(await AssertInvalidAsync(otherHeader, dek));
    }

    [Fact]
    public async Task Trailing_bytes_fail_and_the_final_frame_is_withheld()
    {
        using var dek = NewDek();
        var (_, envelope, h) = Message(dek);
        byte[] oneMore = [.. envelope, 0];
        byte[] extraFrame = [.. envelope, .. envelope[(h + 2 * FrameSize)..]];
        byte[] twice = [.. envelope, .. envelope];

        foreach (var tampered in new[] { oneMore, extraFrame, twice })
            Assert.Equal(2 * FrameLength, (await AssertInvalidAsync(tampered, dek)).Length);
    }

    [Fact]
    public async Task A_wrong_dek_fails_before_any_plaintext()
    {
        using var dek = NewDek();
        using var other = NewDek();
        using var shortDek = SecretBytes.Random(16);
        var (_, envelope, _) = Message(dek);

        Assert.Empty(await AssertInvalidAsync(envelope, other));
        Assert.Empty(await AssertInvalidAsync(envelope, shortDek));
    }

    public static TheoryData<string> ContextChanges() => ["different value", "extra key", "missing key", "empty"];

    [Theory]
    [MemberData(nameof(ContextChanges))]
    public async Task A_context_mismatch_fails(string change)
    {
        using var dek = NewDek();
        var (_, envelope, _) = Message(dek);
        var pairs = Context.ToDictionary();
        switch (change)
        {
            case "different value": pairs["tenant"] = "acme2"; break;
            case "extra key": pairs["extra"] = ""; break;
            case "missing key": pairs.Remove("purpose"); break;
            default: pairs.Clear(); break;
        }
        Assert.Empty(await AssertInvalidAsync(envelope, dek, EncryptionContext.From(pairs)));
    }

    [Fact]
    public async Task A_header_swapped_for_another_messages_header_with_a_different_dek_fails()
    {
        // Key commitment: a header (with its commitment) from a message under another DEK never opens these frames.
        using var dek = NewDek();
        using var dek2 = NewDek();
        var (_, envelope, h) = Message(dek);
        var (_, other, h2) = Message(dek2);
        byte[] mixed = [.. other[..h2], .. envelope[h..]];

        Assert.Empty(await AssertInvalidAsync(mixed, dek));
        Assert.Empty(await AssertInvalidAsync(mixed, dek2));
    }

    [Fact]
    public async Task A_wrong_commitment_fails_even_when_tag_and_frames_are_valid()
    {
        // A writer that knows the DEK but commits to something else: only the commitment check catches it.
        using var dek = NewDek();
        var plaintext = Pattern(5000);
        var valid = EnvelopeEncryptor.Encrypt(plaintext, dek, OneKey, Context, FrameLength);
        var header = EnvelopeHeader.Parse(valid, out int h).ToArray();
        header[h - 16 - 1] ^= 1; // last commitment byte
        using var cipher = EnvelopeCipher.Derive(dek.Reveal(), header.AsSpan(7, 32), EnvelopeSuite.Aes256GcmHkdfSha256Committing);
        cipher.ComputeHeaderTag(header.AsSpan(0, h - 16), header.AsSpan(h - 16));
        cipher.BindHeader(header);
        var frame1 = new byte[FrameSize];
        plaintext.AsSpan(0, FrameLength).CopyTo(frame1.AsSpan(9));
        cipher.SealFrame(frame1, final: false, seq: 1, length: FrameLength);
        var frame2 = new byte[5000 - FrameLength + 25];
        plaintext.AsSpan(FrameLength).CopyTo(frame2.AsSpan(9));
        cipher.SealFrame(frame2, final: true, seq: 2, length: 5000 - FrameLength);
        byte[] forged = [.. header, .. frame1, .. frame2];

        Assert.Empty(await AssertInvalidAsync(forged, dek));
    }
}
