using Custos.Core.Errors;
using Custos.Crypto.Signing;

namespace Custos.Core.Seal;

/// <summary>
/// A named operator of an init ceremony and the public key their share is encrypted to and their
/// confirmation is checked with. The key must be ECDSA P-256: share encryption is ECDH on P-256.
/// </summary>
/// <param name="Name">1 to 64 characters: letters, digits, '.', '_', '-', starting with a letter or digit.</param>
/// <param name="PublicKey">The operator's public key.</param>
public sealed record OperatorKey(string Name, VerificationKey PublicKey)
{
    /// <summary>Longest operator name.</summary>
    public const int MaxNameLength = 64;

    /// <summary>True when <paramref name="name"/> is a valid operator name.</summary>
    public static bool IsValidName(string? name) =>
        name is { Length: >= 1 and <= MaxNameLength } && char.IsAsciiLetterOrDigit(name[0])
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    /// <summary>
    /// Null when <paramref name="operators"/> can hold a ceremony for <paramref name="shares"/> shares: one
    /// operator per share, valid and distinct names (case-insensitively), P-256 keys, no key twice (one
    /// person in two seats would defeat dual control); otherwise the error that says what is wrong.
    /// </summary>
    public static CustosError? Check(IReadOnlyList<OperatorKey> operators, int shares)
    {
        if (operators.Count != shares)
            return CustosError.Invalid($"{operators.Count} operator(s) for {shares} shares: name exactly one operator per share");
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var op in operators)
        {
            if (!IsValidName(op.Name))
                return CustosError.Invalid($"operator name '{Printable(op.Name)}' is not valid: 1 to {MaxNameLength} letters, digits, '.', '_' or '-', starting with a letter or digit");
            if (!names.Add(op.Name)) return CustosError.Invalid($"operator '{op.Name}' is named twice");
            if (op.PublicKey.Algorithm != SignatureAlgorithm.EcdsaP256Sha256)
                return CustosError.Invalid($"operator {op.Name}'s key is Ed25519: shares are encrypted to operators with ECDH, which needs an ECDSA P-256 key (make one with 'custos ceremony keygen')");
            if (!keys.Add(op.PublicKey.Fingerprint))
                return CustosError.Invalid($"operator {op.Name} has the same key as another operator: each operator needs their own key");
        }
        return null;
    }

    private static string Printable(string? s) =>
        s is null ? "" : new string(s.Take(MaxNameLength).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
