namespace Custos.Core.Access.Policy;

/// <summary>Where a policy version stands.</summary>
public enum PolicyStatus
{
    /// <summary>Proposed, waiting for a second security officer.</summary>
    Pending,
    /// <summary>In force.</summary>
    Active,
    /// <summary>Was in force; replaced by a later version.</summary>
    Superseded,
    /// <summary>Refused by a security officer.</summary>
    Rejected,
}

/// <summary>One stored version of the access policy (version 0 is the built-in default, never stored).</summary>
public sealed record PolicyVersion(
    int Version,
    PolicyDocument Document,
    byte[] Sha256,
    string Author,
    string Comment,
    DateTimeOffset CreatedAt,
    PolicyStatus Status,
    string? DecidedBy,
    DateTimeOffset? DecidedAt)
{
    /// <summary>The built-in default policy as version 0.</summary>
    public static PolicyVersion Default { get; } = new(0, DefaultPolicy.Document,
        System.Security.Cryptography.SHA256.HashData(DefaultPolicy.Document.ToCanonicalJson()),
        "custos", "built-in default policy", DateTimeOffset.UnixEpoch, PolicyStatus.Active, null, null);
}
