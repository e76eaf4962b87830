namespace Custos.Core.Access;

/// <summary>What a request does, as the guard pipeline sees it.</summary>
public enum Operation
{
    /// <summary>Read key metadata.</summary>
    ReadKey,
    /// <summary>Create a key.</summary>
    CreateKey,
    /// <summary>Edit, enable, disable, schedule or cancel destruction.</summary>
    ManageKey,
    /// <summary>Rotate a key.</summary>
    RotateKey,
    /// <summary>Encrypt small data.</summary>
    Encrypt,
    /// <summary>Decrypt.</summary>
    Decrypt,
    /// <summary>Generate a data key.</summary>
    GenerateDataKey,
    /// <summary>Re-encrypt under another version or key.</summary>
    Rewrap,
    /// <summary>Seal, tokens and other administration.</summary>
    Administer,
    /// <summary>Read the audit log, its checkpoints and proofs; add witness cosignatures.</summary>
    ReadAudit,
}
