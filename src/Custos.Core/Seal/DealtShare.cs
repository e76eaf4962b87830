namespace Custos.Core.Seal;

/// <summary>A share as handed to one operator of an init ceremony: encrypted to their key (<c>custos-encrypted-share-v1:...</c>).</summary>
/// <param name="Operator">The operator's name.</param>
/// <param name="EncryptedShare">The text form of the encrypted share; only that operator's private key opens it.</param>
public sealed record DealtShare(string Operator, string EncryptedShare);
