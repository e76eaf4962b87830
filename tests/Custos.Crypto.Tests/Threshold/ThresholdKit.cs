using System.Globalization;
using System.Security.Cryptography;
using Custos.Crypto.Threshold;
using Custos.Crypto.Threshold.Dkg;
using NBigInteger = System.Numerics.BigInteger;

namespace Custos.Crypto.Tests.Threshold;

/// <summary>
/// Runs key generation and resharing rounds in memory, the way a network layer would ship the messages, with hooks
/// for a cheating dealer or a lossy channel; and, for tests only, reconstructs a private key from shares with an
/// implementation independent of the library (System.Numerics, .NET's own P-256) to prove consistency.
/// </summary>
internal static class ThresholdKit
{
    /// <summary>The order n of P-256, from FIPS 186-5, typed in here rather than taken from the library.</summary>
    public static readonly NBigInteger Order = NBigInteger.Parse(
        "0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    /// <summary>Delivers a share as sent.</summary>
    public static DealtShare? Deliver(DealtShare share) => share;

    /// <summary>The honest answer.</summary>
    public static ComplaintAnswer? Honest(Dealer dealer, Complaint complaint) => dealer.Answer(complaint);

    /// <summary>
    /// One complete round: every dealer sends every recipient its share through <paramref name="channel"/> (which may
    /// change or drop it), recipients complain, dealers answer through <paramref name="answer"/> (null: no answer),
    /// and every recipient finishes on the same transcript. <paramref name="transcriptComplaints"/> lets a test
    /// play a coordinator that drops complaints.
    /// </summary>
    public static RoundRun Run(DkgParameters parameters, IReadOnlyList<Dealer> dealers,
        Func<DealtShare, DealtShare?>? channel = null,
        Func<Dealer, Complaint, ComplaintAnswer?>? answer = null,
        Func<IReadOnlyList<Complaint>, IEnumerable<Complaint>>? transcriptComplaints = null,
        Func<int, Dealer, Dealing>? dealingSeenBy = null)
    {
        channel ??= Deliver;
        answer ??= Honest;
        var recipients = parameters.Participants.ToDictionary(i => i, i => new Recipient(parameters, i));
        var complaints = new List<Complaint>();
        foreach (var dealer in dealers)
        {
            foreach (int r in parameters.Participants)
            {
                using var sent = dealer.ShareFor(r);
                var delivered = channel(sent);
                try
                {
                    var dealing = dealingSeenBy?.Invoke(r, dealer) ?? dealer.Dealing;
                    if (recipients[r].Receive(dealing, delivered) is { } complaint) complaints.Add(complaint);
                }
                finally
                {
                    if (delivered is not null && !ReferenceEquals(delivered, sent)) delivered.Dispose();
                }
            }
        }
        var answers = complaints.Select(c => answer(dealers.First(d => d.Index == c.Dealer), c)).OfType<ComplaintAnswer>().ToList();
        var transcript = new DkgTranscript(parameters, dealers.Select(d => d.Dealing),
            transcriptComplaints?.Invoke(complaints) ?? complaints, answers);
        var results = recipients.ToDictionary(r => r.Key, r => r.Value.Finish(transcript));
        foreach (var r in recipients.Values) r.Dispose();
        return new RoundRun(transcript, complaints, results);
    }

    /// <summary>An honest k-of-n key generation among participants 1 … n; every result must succeed.</summary>
    public static RoundRun Generate(int k, int n) => Generate(DkgParameters.ForKeyGeneration(k, Enumerable.Range(1, n)));

    /// <summary>An honest key generation with <paramref name="parameters"/>.</summary>
    public static RoundRun Generate(DkgParameters parameters)
    {
        var dealers = parameters.Participants.Select(i => Dealer.ForKeyGeneration(parameters, i)).ToList();
        try { return Run(parameters, dealers).AssertAllSucceeded(); }
        finally { foreach (var d in dealers) d.Dispose(); }
    }

    /// <summary>An honest resharing of <paramref name="oldShares"/> (those holders deal) to <paramref name="parameters"/>.</summary>
    public static RoundRun Reshare(DkgParameters parameters, IEnumerable<KeyShare> oldShares)
    {
        var dealers = oldShares.Select(s => Dealer.ForResharing(parameters, s)).ToList();
        try { return Run(parameters, dealers).AssertAllSucceeded(); }
        finally { foreach (var d in dealers) d.Dispose(); }
    }

    /// <summary>A copy of <paramref name="share"/> with one bit of its value flipped (still below n).</summary>
    public static DealtShare Corrupt(DealtShare share)
    {
        using var encoded = share.Encode();
        var bytes = encoded.Reveal().ToArray();
        bytes[^1] ^= 0x01;
        var corrupted = DealtShare.TryDecode(bytes)!;
        CryptographicOperations.ZeroMemory(bytes);
        return corrupted;
    }

    /// <summary>
    /// TEST ONLY: the private key interpolated at 0 from <paramref name="shares"/> (System.Numerics, not the library),
    /// as 32 big-endian bytes. Never written anywhere; the caller zeroes it.
    /// </summary>
    public static byte[] ReconstructPrivateKeyForTestOnly(IEnumerable<KeyShare> shares)
    {
        var list = shares.ToList();
        var secret = NBigInteger.Zero;
        foreach (var si in list)
        {
            NBigInteger num = 1, den = 1;
            foreach (var sj in list.Where(s => s.Index != si.Index))
            {
                num = num * sj.Index % Order;
                den = den * Mod(sj.Index - si.Index) % Order;
            }
            var lambda = num * NBigInteger.ModPow(den, Order - 2, Order) % Order;
            secret = (secret + lambda * new NBigInteger(si.RevealScalar(), isUnsigned: true, isBigEndian: true)) % Order;
        }
        var d = new byte[32];
        secret.TryWriteBytes(d.AsSpan(32 - secret.GetByteCount(isUnsigned: true)), out _, isUnsigned: true, isBigEndian: true);
        return d;
    }

    /// <summary>The uncompressed public key of private key <paramref name="d"/>, computed by .NET's own P-256.</summary>
    public static byte[] DotNetPublicKey(byte[] d)
    {
        using var ecdh = ECDiffieHellman.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = d });
        var q = ecdh.ExportParameters(false).Q;
        return [0x04, .. q.X!, .. q.Y!];
    }

    /// <summary>The x-coordinate of d·<paramref name="peer"/> (uncompressed) by .NET's ECDH: an independent check of partial combination.</summary>
    public static byte[] DotNetSharedSecret(byte[] d, byte[] peerUncompressed)
    {
        using var mine = ECDiffieHellman.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = d });
        using var peer = ECDiffieHellman.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = peerUncompressed[1..33], Y = peerUncompressed[33..] },
        });
        return mine.DeriveRawSecretAgreement(peer.PublicKey);
    }

    /// <summary>Every subset of <paramref name="items"/> with exactly <paramref name="k"/> members.</summary>
    public static IEnumerable<T[]> Subsets<T>(IReadOnlyList<T> items, int k) =>
        Enumerable.Range(0, 1 << items.Count)
            .Where(mask => NBigInteger.PopCount(mask) == k)
            .Select(mask => Enumerable.Range(0, items.Count).Where(i => (mask & (1 << i)) != 0).Select(i => items[i]).ToArray());

    private static NBigInteger Mod(NBigInteger x) => ((x % Order) + Order) % Order;
}

/// <summary>The messages and results of one in-memory round; disposing zeroes every share.</summary>
internal sealed class RoundRun(DkgTranscript transcript, IReadOnlyList<Complaint> complaints, IReadOnlyDictionary<int, DkgResult> results) : IDisposable
{
    public DkgTranscript Transcript => transcript;
    public IReadOnlyList<Complaint> Complaints => complaints;
    public IReadOnlyDictionary<int, DkgResult> Results => results;
    public ThresholdGroup Group => Transcript.Outcome.Group!;
    public IReadOnlyList<KeyShare> Shares => [.. Results.Values.Where(r => r.Succeeded).Select(r => r.Share!).OrderBy(s => s.Index)];
    public KeyShare Share(int index) => Results[index].Share!;

    public RoundRun AssertAllSucceeded()
    {
        foreach (var (i, r) in Results) Assert.True(r.Succeeded, $"participant {i}: {r.Problem}");
        return this;
    }

    public void Dispose()
    {
        foreach (var r in Results.Values) r.Dispose();
    }
}
