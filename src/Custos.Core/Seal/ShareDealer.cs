using System.Security.Cryptography;
using Custos.Core.Access;
using Custos.Crypto.Sharing;

namespace Custos.Core.Seal;

/// <summary>
/// Deals the shares of a new root key to the operators of an init ceremony: encrypts share i to operator
/// i's key, notes its SHA-256, and writes the transcript they will sign. Nothing it returns holds a share
/// in clear.
/// </summary>
internal static class ShareDealer
{
    /// <summary>The pending ceremony to store and what to hand out.</summary>
    public static (Ceremony Ceremony, InitCeremonyResult HandedOut) Deal(IReadOnlyList<Share> split, IReadOnlyList<OperatorKey> operators, string ceremonyId,
        string node, DateTimeOffset now, string sealType, int threshold, string rootKeyId, AccessToken rootToken)
    {
        if (split.Count != operators.Count) throw Errors.Error.Invariant("one share per operator");
        var lines = new List<TranscriptOperator>(operators.Count);
        var stored = new List<CeremonyOperator>(operators.Count);
        var dealt = new List<DealtShare>(operators.Count);
        for (int i = 0; i < operators.Count; i++)
        {
            var op = operators[i];
            using var text = split[i].EncodeAscii();
            var hash = SHA256.HashData(text.Reveal());
            dealt.Add(new DealtShare(op.Name, EncryptedShare.Encrypt(op.PublicKey, text.Reveal(), ceremonyId, op.Name).Encode()));
            lines.Add(new TranscriptOperator(op.Name, op.PublicKey.Fingerprint, Convert.ToHexStringLower(hash)));
            stored.Add(new CeremonyOperator(op.Name, op.PublicKey.ToSpki(), hash));
        }
        var transcript = new InitTranscript(ceremonyId, InitTranscript.LineSafe(node), now, sealType, split.Count, threshold, rootKeyId, rootToken.Id, lines).Render();
        var transcriptHash = InitTranscript.Hash(transcript);
        var ceremony = new Ceremony(ceremonyId, Ceremony.InitKind, transcript, transcriptHash, threshold, CeremonyStatus.Pending, now, null, stored,
            rootToken.Id, rootToken.SecretHash);
        return (ceremony, new InitCeremonyResult(ceremonyId, transcript, Convert.ToHexStringLower(transcriptHash), dealt));
    }
}
