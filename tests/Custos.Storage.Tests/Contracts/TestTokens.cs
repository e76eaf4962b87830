using System.Security.Cryptography;
using Custos.Core.Access;

namespace Custos.Storage.Tests.Contracts;

/// <summary>Token records for the contract tests, and their field-by-field comparison.</summary>
internal static class TestTokens
{
    public static AccessToken New(string name = "ci-deployer", DateTimeOffset? createdAt = null, DateTimeOffset? expiresAt = null,
        params string[] scopes) =>
        new(Guid.CreateVersion7().ToString(), name, SHA256.HashData(RandomNumberGenerator.GetBytes(32)),
            new HashSet<string>(scopes.Length == 0 ? [Roles.KeyUser, Roles.Reader] : scopes, StringComparer.Ordinal),
            createdAt ?? TestKeys.T0, expiresAt, null) { Groups = new HashSet<string>(["payments", "eu-approvers"], StringComparer.Ordinal) };

    public static void Equal(AccessToken expected, AccessToken? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.SecretHash, actual.SecretHash);
        Assert.Equal(expected.Roles.Order(StringComparer.Ordinal), actual.Roles.Order(StringComparer.Ordinal));
        Assert.Equal(expected.Groups.Order(StringComparer.Ordinal), actual.Groups.Order(StringComparer.Ordinal));
        KeyAssert.SameInstant(expected.CreatedAt, actual.CreatedAt);
        KeyAssert.SameInstant(expected.ExpiresAt, actual.ExpiresAt);
        KeyAssert.SameInstant(expected.RevokedAt, actual.RevokedAt);
        Assert.Equal(expected.AllowedNetworks, actual.AllowedNetworks);
        Assert.Equal(expected.ApprovalKey, actual.ApprovalKey);
    }
}
