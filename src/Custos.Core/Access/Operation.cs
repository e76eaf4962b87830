namespace Custos.Core.Access;

/// <summary>What a request does, as the guard pipeline and the access policy see it.</summary>
public enum Operation
{
    /// <summary>Read key metadata ("read").</summary>
    ReadKey,
    /// <summary>Create a key ("create").</summary>
    CreateKey,
    /// <summary>Edit attributes and alias, enable, cancel a scheduled destruction ("manage").</summary>
    ManageKey,
    /// <summary>Rotate a key ("rotate").</summary>
    RotateKey,
    /// <summary>Encrypt small data ("encrypt").</summary>
    Encrypt,
    /// <summary>Decrypt ("decrypt").</summary>
    Decrypt,
    /// <summary>Generate a data key ("generate-data-key").</summary>
    GenerateDataKey,
    /// <summary>Re-encrypt under another version or key ("rewrap").</summary>
    Rewrap,
    /// <summary>Seal, tokens, policy and other administration ("administer").</summary>
    Administer,
    /// <summary>Read the audit log, its checkpoints and proofs; add witness cosignatures ("read-audit").</summary>
    ReadAudit,
    /// <summary>Disable a key ("disable").</summary>
    DisableKey,
    /// <summary>Schedule a key's destruction ("destroy").</summary>
    DestroyKey,
    /// <summary>Approve or deny another principal's request ("approve").</summary>
    Approve,
    /// <summary>Reshare a threshold key version to the same or other custodians, keeping its public key ("reshare").</summary>
    ReshareKey,
}

/// <summary>The names operations have in policies and messages.</summary>
public static class Operations
{
    private static readonly (Operation Operation, string Name, string Verb)[] Table =
    [
        (Operation.ReadKey, "read", "read keys"),
        (Operation.CreateKey, "create", "create keys"),
        (Operation.ManageKey, "manage", "manage keys"),
        (Operation.DisableKey, "disable", "disable keys"),
        (Operation.DestroyKey, "destroy", "destroy keys"),
        (Operation.RotateKey, "rotate", "rotate keys"),
        (Operation.ReshareKey, "reshare", "reshare threshold keys"),
        (Operation.Encrypt, "encrypt", "encrypt"),
        (Operation.Decrypt, "decrypt", "decrypt"),
        (Operation.GenerateDataKey, "generate-data-key", "generate data keys"),
        (Operation.Rewrap, "rewrap", "rewrap"),
        (Operation.Approve, "approve", "approve requests"),
        (Operation.ReadAudit, "read-audit", "read the audit log"),
        (Operation.Administer, "administer", "administer Custos"),
    ];

    /// <summary>Shorthands a rule may use: "*" (everything), "data" (the data plane), "lifecycle" (manage, disable, destroy, rotate, reshare).</summary>
    public static IReadOnlyDictionary<string, Operation[]> Groups { get; } = new Dictionary<string, Operation[]>(StringComparer.Ordinal)
    {
        ["*"] = Table.Select(t => t.Operation).ToArray(),
        ["data"] = [Operation.Encrypt, Operation.Decrypt, Operation.GenerateDataKey, Operation.Rewrap],
        ["lifecycle"] = [Operation.ManageKey, Operation.DisableKey, Operation.DestroyKey, Operation.RotateKey, Operation.ReshareKey],
    };

    /// <summary>Every operation name, in a stable order.</summary>
    public static IReadOnlyList<string> Names { get; } = Table.Select(t => t.Name).ToArray();

    /// <summary>The policy name of an operation ("generate-data-key").</summary>
    public static string Name(this Operation operation) => Table.First(t => t.Operation == operation).Name;

    /// <summary>What the operation does, for messages ("may not decrypt").</summary>
    public static string Verb(this Operation operation) => Table.First(t => t.Operation == operation).Verb;

    /// <summary>The operations a name or shorthand stands for; null when unknown.</summary>
    public static Operation[]? Parse(string name) => ByName.GetValueOrDefault(name);

    private static readonly Dictionary<string, Operation[]> ByName =
        Table.ToDictionary(t => t.Name, t => new[] { t.Operation }, StringComparer.Ordinal)
            .Concat(Groups).ToDictionary(StringComparer.Ordinal);

    /// <summary>True for operations that use key material on the data plane.</summary>
    public static bool IsDataPlane(this Operation operation) => operation is Operation.Encrypt or Operation.Decrypt or Operation.GenerateDataKey or Operation.Rewrap;
}
