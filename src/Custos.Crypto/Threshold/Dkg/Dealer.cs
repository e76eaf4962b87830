namespace Custos.Crypto.Threshold.Dkg;

/// <summary>
/// One dealer in a key generation or resharing round. It picks a polynomial f of degree k − 1 — random
/// (key generation) or with f(0) its old share (resharing) — publishes <see cref="Dealing"/> (C_j = a_j·G),
/// hands each recipient r its <see cref="ShareFor">share</see> f(r), and answers complaints by revealing the
/// share in question. The coefficients live in a <see cref="SecretBytes"/>, zeroed on <see cref="Dispose"/>:
/// dispose the dealer once the round's transcript is settled.
/// </summary>
public sealed class Dealer : IDisposable
{
    private readonly Polynomial _polynomial;
    private readonly DkgParameters _parameters;

    private Dealer(DkgParameters parameters, int index, Polynomial polynomial)
    {
        _parameters = parameters;
        _polynomial = polynomial;
        Index = index;
        Dealing = new Dealing(index, polynomial.Commit());
    }

    /// <summary>This dealer's index.</summary>
    public int Index { get; }

    /// <summary>The public dealing to broadcast to every recipient.</summary>
    public Dealing Dealing { get; }

    /// <summary>Participant <paramref name="index"/>'s dealer in key generation. Throws when it is not a participant or the parameters are for resharing.</summary>
    public static Dealer ForKeyGeneration(DkgParameters parameters, int index)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.IsResharing) throw new ArgumentException("these parameters are for resharing: use Dealer.ForResharing with the old share", nameof(parameters));
        if (!parameters.Participants.Contains(index)) throw new ArgumentException($"{index} is not a participant of {parameters}", nameof(index));
        return new Dealer(parameters, index, Polynomial.Random(parameters.Threshold));
    }

    /// <summary>
    /// An old holder's dealer in resharing: it deals <paramref name="oldShare"/> itself (f(0) = s_i, C_0 = P_i).
    /// Throws when the parameters are not for resharing or the share is not the old group's share for its index.
    /// </summary>
    public static Dealer ForResharing(DkgParameters parameters, KeyShare oldShare)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(oldShare);
        if (parameters.OldGroup is not { } old) throw new ArgumentException("these parameters are for key generation: use Dealer.ForKeyGeneration", nameof(parameters));
        if (!old.IsParticipant(oldShare.Index) || !old.PublicShare(oldShare.Index).Equals(oldShare.PublicShare))
            throw new ArgumentException($"key share {oldShare.Index} is not a share of the old group {old}", nameof(oldShare));
        return new Dealer(parameters, oldShare.Index, Polynomial.WithConstantTerm(parameters.Threshold, oldShare.RevealScalar()));
    }

    /// <summary>f(<paramref name="recipient"/>) for that recipient only; the caller sends it privately and disposes it.</summary>
    public DealtShare ShareFor(int recipient)
    {
        if (!_parameters.Participants.Contains(recipient)) throw new ArgumentException($"{recipient} is not a recipient of {_parameters}", nameof(recipient));
        var value = SecretBytes.Allocate(P256.ScalarSize);
        _polynomial.Evaluate(recipient, value.RevealForWrite());
        return new DealtShare(Index, recipient, value);
    }

    /// <summary>The answer to a complaint against this dealer: the complainant's share, revealed to everyone.</summary>
    public ComplaintAnswer Answer(Complaint complaint)
    {
        ArgumentNullException.ThrowIfNull(complaint);
        if (complaint.Dealer != Index) throw new ArgumentException($"the complaint is against dealer {complaint.Dealer}, not {Index}", nameof(complaint));
        using var share = ShareFor(complaint.Complainant);
        return new ComplaintAnswer(Index, complaint.Complainant, share.Value);
    }

    /// <summary>Zeroes the polynomial.</summary>
    public void Dispose() => _polynomial.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"dealer {Index} in {_parameters}";
}
