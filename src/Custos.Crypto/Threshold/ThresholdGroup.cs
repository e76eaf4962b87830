using System.Security.Cryptography;

namespace Custos.Crypto.Threshold;

/// <summary>
/// Spec card — the public record of a threshold key: who holds shares and what each share must be, in the
/// exponent. Made by key generation or resharing (<see cref="Dkg.DkgTranscript"/>); holds no secret.
/// <code>
/// A_0 … A_{k−1}   commitments to the sharing polynomial f (A_j = a_j·G); the public key Y = A_0 = s·G
/// P_i             public share of participant i: P_i = f(i)·G = Σ_j i^j·A_j
/// encoding        { version 1 = 0x01 | k u8 (1..n) | n u8 (1..255) | participants n × u8 (strictly increasing, 1..255) | A_0 … A_{k−1} k × 33 }
/// fingerprint     SHA-256(encoding), lower-case hex
/// </code>
/// Any k public shares determine the rest, so the encoding carries the commitments only; decoding re-derives the
/// public shares and refuses an encoding whose points fail validation or whose public share for a participant is
/// the identity. Resharing keeps <see cref="PublicKey"/> and changes the commitments and public shares, so the
/// fingerprint names one generation of shares.
/// </summary>
public sealed class ThresholdGroup : IEquatable<ThresholdGroup>
{
    /// <summary>Most participants in one group.</summary>
    public const int MaxParticipants = KeyShare.MaxIndex;

    private const byte FormatVersion = 1;

    private readonly P256Point[] _commitments;
    private readonly int[] _participants;
    private readonly Dictionary<int, P256Point> _publicShares;
    private readonly byte[] _encoded;

    private ThresholdGroup(P256Point[] commitments, int[] participants, Dictionary<int, P256Point> publicShares)
    {
        _commitments = commitments;
        _participants = participants;
        _publicShares = publicShares;
        _encoded = Encode(commitments, participants);
        Fingerprint = Convert.ToHexStringLower(SHA256.HashData(_encoded));
    }

    /// <summary>k: how many custodians it takes to unwrap.</summary>
    public int Threshold => _commitments.Length;

    /// <summary>The participant indexes, in increasing order.</summary>
    public IReadOnlyList<int> Participants => _participants;

    /// <summary>The commitments A_0 … A_{k−1} to the sharing polynomial.</summary>
    public IReadOnlyList<P256Point> Commitments => _commitments;

    /// <summary>The threshold public key Y = s·G, what data keys are wrapped to.</summary>
    public P256Point PublicKey => _commitments[0];

    /// <summary>SHA-256 of the encoding, lower-case hex: names this generation of shares.</summary>
    public string Fingerprint { get; }

    /// <summary>True when <paramref name="index"/> holds a share in this group.</summary>
    public bool IsParticipant(int index) => _publicShares.ContainsKey(index);

    /// <summary>P_i = s_i·G for participant <paramref name="index"/>; throws <see cref="ArgumentException"/> for a non-participant.</summary>
    public P256Point PublicShare(int index) =>
        _publicShares.TryGetValue(index, out var p) ? p
            : throw new ArgumentException($"participant {index} holds no share in this group (participants: {string.Join(", ", _participants)})", nameof(index));

    /// <summary>
    /// A group from commitments and participants; null when a participant's public share would be the identity
    /// (which honest key generation reaches with negligible probability). Misuse throws <see cref="ArgumentException"/>.
    /// </summary>
    internal static ThresholdGroup? Create(IReadOnlyList<P256Point> commitments, IEnumerable<int> participants)
    {
        var sorted = participants.Order().ToArray();
        if (sorted.Length is < 1 or > MaxParticipants) throw new ArgumentException($"a group has 1 to {MaxParticipants} participants", nameof(participants));
        if (sorted.Distinct().Count() != sorted.Length) throw new ArgumentException("participant indexes must be distinct", nameof(participants));
        foreach (int i in sorted) KeyShare.CheckIndex(i, nameof(participants));
        if (commitments.Count < 1 || commitments.Count > sorted.Length)
            throw new ArgumentException($"the threshold (number of commitments, {commitments.Count}) must be 1 to the number of participants ({sorted.Length})", nameof(commitments));
        var shares = new Dictionary<int, P256Point>(sorted.Length);
        foreach (int i in sorted)
        {
            if (P256Point.FromComputationOrNull(Feldman.Evaluate(commitments, i)) is not { } p) return null;
            shares[i] = p;
        }
        return new ThresholdGroup([.. commitments], sorted, shares);
    }

    /// <summary>The encoding (see the class comment).</summary>
    public byte[] Encode() => (byte[])_encoded.Clone();

    private static byte[] Encode(P256Point[] commitments, int[] participants)
    {
        var b = new byte[3 + participants.Length + commitments.Length * P256Point.CompressedSize];
        b[0] = FormatVersion;
        b[1] = (byte)commitments.Length;
        b[2] = (byte)participants.Length;
        for (int i = 0; i < participants.Length; i++) b[3 + i] = (byte)participants[i];
        int p = 3 + participants.Length;
        foreach (var c in commitments)
        {
            c.Encode(b.AsSpan(p, P256Point.CompressedSize));
            p += P256Point.CompressedSize;
        }
        return b;
    }

    /// <summary>Parses and validates an encoding; null when anything is wrong with it.</summary>
    public static ThresholdGroup? TryDecode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length < 3 || encoded[0] != FormatVersion) return null;
        int k = encoded[1], n = encoded[2];
        if (k < 1 || n < 1 || k > n) return null;
        if (encoded.Length != 3 + n + k * P256Point.CompressedSize) return null;
        var participants = new int[n];
        for (int i = 0; i < n; i++)
        {
            participants[i] = encoded[3 + i];
            if (participants[i] == 0 || (i > 0 && participants[i] <= participants[i - 1])) return null;
        }
        var commitments = new P256Point[k];
        for (int j = 0; j < k; j++)
        {
            var point = encoded.Slice(3 + n + j * P256Point.CompressedSize, P256Point.CompressedSize);
            if (point[0] is not (0x02 or 0x03) || P256Point.TryDecode(point) is not { } c) return null;
            commitments[j] = c;
        }
        return Create(commitments, participants);
    }

    /// <summary>Equal when the encodings are equal.</summary>
    public bool Equals(ThresholdGroup? other) => other is not null && _encoded.AsSpan().SequenceEqual(other._encoded);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ThresholdGroup g && Equals(g);

    /// <inheritdoc />
    public override int GetHashCode() => Fingerprint.GetHashCode(StringComparison.Ordinal);

    /// <inheritdoc />
    public override string ToString() => $"{Threshold}-of-{_participants.Length} threshold group {Fingerprint[..16]}";
}
