using Custos.Crypto.Envelope;
using static Custos.Crypto.Tests.Envelope.EnvelopeTestData;

namespace Custos.Crypto.Tests.Envelope;

public sealed class EnvelopeRoundTripTests
{
    public static TheoryData<int, int> Sizes()
    {
        var data = new TheoryData<int, int>();
        foreach (int fl in new[] { 4096, 65536 })
            foreach (int size in new[] { 0, 1, fl - 1, fl, fl + 1, 3 * fl, 3 * fl + 7 })
                data.Add(fl, size);
        return data;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Stream_round_trip(int frameLength, int size)
    {
        using var dek = NewDek();
        var plaintext = Pattern(size);

        var envelope = await EncryptStreamAsync(plaintext, dek, frameLength);
        var decrypted = await DecryptStreamAsync(envelope, dek);

        Assert.Equal(plaintext, decrypted);
        Assert.Equal(plaintext, EnvelopeDecryptor.Decrypt(envelope, dek, Context));
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Frame_count_and_envelope_size_follow_the_spec(int frameLength, int size)
    {
        using var dek = NewDek();
        var envelope = EnvelopeEncryptor.Encrypt(Pattern(size), dek, OneKey, Context, frameLength);
        var header = EnvelopeHeader.Parse(envelope, out int headerLength);

        int frames = size == 0 ? 1 : (size + frameLength - 1) / frameLength;
        Assert.Equal(headerLength + frames * 25 + size, envelope.Length);
        Assert.Equal(frameLength, header.FrameLength);
        Assert.Equal(Pattern(size), await DecryptStreamAsync(envelope, dek));
    }

    [Fact]
    public async Task Random_sizes_round_trip_through_both_paths()
    {
        var random = new Random(42);
        using var dek = NewDek();
        for (int i = 0; i < 25; i++)
        {
            int frameLength = random.Next(2) == 0 ? 4096 : 65536;
            var plaintext = Pattern(random.Next(0, 200_000), seed: i);

            var streamed = await EncryptStreamAsync(plaintext, dek, frameLength);
            var inMemory = EnvelopeEncryptor.Encrypt(plaintext, dek, OneKey, Context, frameLength);

            Assert.Equal(streamed.Length, inMemory.Length);
            Assert.Equal(plaintext, EnvelopeDecryptor.Decrypt(streamed, dek, Context));
            Assert.Equal(plaintext, await DecryptStreamAsync(inMemory, dek));
        }
    }

    [Fact]
    public async Task Several_wrapped_keys_are_carried_and_returned_in_order()
    {
        var keys = Enumerable.Range(1, 16)
            .Select(i => new WrappedKey($"key-{i}/jurisdiction-{i % 3}", i, Pattern(i * 100, seed: i)))
            .ToArray();
        using var dek = NewDek();
        var plaintext = Pattern(10_000);

        var envelope = await EncryptStreamAsync(plaintext, dek, 4096, keys);
        using var input = new NonSeekableStream(envelope);
        var header = await EnvelopeHeader.ReadAsync(input, TestContext.Current.CancellationToken);

        Assert.Equal(keys, header.WrappedKeys);
        Assert.Equal(plaintext, await DecryptStreamAsync(envelope, dek));
    }

    [Fact]
    public void Same_inputs_give_different_envelopes()
    {
        using var dek = NewDek();
        var a = EnvelopeEncryptor.Encrypt("same"u8, dek, OneKey, Context);
        var b = EnvelopeEncryptor.Encrypt("same"u8, dek, OneKey, Context);
        Assert.NotEqual(a, b);
        Assert.NotEqual(EnvelopeHeader.Parse(a, out _).MessageId.ToArray(), EnvelopeHeader.Parse(b, out _).MessageId.ToArray());
    }

    [Fact]
    public async Task An_empty_final_frame_after_full_frames_is_accepted()
    {
        // A writer that cannot read ahead ends a k*frameLength plaintext with an empty final frame.
        using var dek = NewDek();
        var plaintext = Pattern(4096);
        var messageId = Pattern(32, seed: 9);
        using var cipher = EnvelopeCipher.Derive(dek.Reveal(), messageId, EnvelopeSuite.Aes256GcmHkdfSha256Committing);
        var header = EnvelopeHeader.Create(EnvelopeSuite.Aes256GcmHkdfSha256Committing, messageId, 4096, Context, OneKey, cipher);
        var frame1 = new byte[4096 + 25];
        plaintext.CopyTo(frame1, 9);
        cipher.SealFrame(frame1, final: false, seq: 1, length: 4096);
        var frame2 = new byte[25];
        cipher.SealFrame(frame2, final: true, seq: 2, length: 0);
        byte[] envelope = [.. header.ToArray(), .. frame1, .. frame2];

        Assert.Equal(plaintext, await DecryptStreamAsync(envelope, dek));
        Assert.Equal(plaintext, EnvelopeDecryptor.Decrypt(envelope, dek, Context));
    }

    [Fact]
    public async Task Encryptor_rejects_misuse()
    {
        using var dek = NewDek();
        using var shortDek = SecretBytes.Random(16);
        var ct = TestContext.Current.CancellationToken;
        var tooMany = Enumerable.Range(1, 17).Select(i => new WrappedKey($"k{i}", 1, [1])).ToArray();

        Assert.Throws<ArgumentException>(() => EnvelopeEncryptor.Encrypt([1], shortDek, OneKey, Context));
        Assert.Throws<ArgumentException>(() => EnvelopeEncryptor.Encrypt([1], dek, [], Context));
        Assert.Throws<ArgumentException>(() => EnvelopeEncryptor.Encrypt([1], dek, tooMany, Context));
        Assert.Throws<ArgumentOutOfRangeException>(() => EnvelopeEncryptor.Encrypt([1], dek, OneKey, Context, frameLength: 100));
        Assert.Throws<ArgumentOutOfRangeException>(() => EnvelopeEncryptor.Encrypt([1], dek, OneKey, Context, frameLength: (1 << 20) + 1));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            EnvelopeEncryptor.EncryptAsync(new MemoryStream(), new MemoryStream(), shortDek, OneKey, Context, cancellationToken: ct));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("ünicode")]
    public void Wrapped_key_rejects_bad_key_ids(string keyId) =>
        Assert.Throws<ArgumentException>(() => new WrappedKey(keyId, 1, [1]));

    [Fact]
    public void Wrapped_key_rejects_bad_bounds()
    {
        Assert.Throws<ArgumentException>(() => new WrappedKey(new string('k', 129), 1, [1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WrappedKey("k", 0, [1]));
        Assert.Throws<ArgumentException>(() => new WrappedKey("k", 1, []));
        Assert.Throws<ArgumentException>(() => new WrappedKey("k", 1, new byte[4097]));
        _ = new WrappedKey(new string('k', 128), int.MaxValue, new byte[4096]);
    }
}
