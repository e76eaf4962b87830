namespace Custos.Core.Keys;

/// <summary>
/// One version of a key. <see cref="Material"/> is the keystore's handle to the material: for the
/// software keystore the material wrapped under the root key, for an HSM the object's id. It is
/// never plaintext key material.
/// </summary>
public sealed class KeyVersion
{
    /// <summary>Creates a version record.</summary>
    public KeyVersion(int number, KeyVersionState state, string keystore, byte[]? material, DateTimeOffset createdAt, DateTimeOffset? destroyedAt,
        IReadOnlyDictionary<string, string>? evidence = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        Number = number;
        State = state;
        Keystore = keystore;
        Material = material;
        CreatedAt = createdAt;
        DestroyedAt = destroyedAt;
        Evidence = evidence;
    }

    /// <summary>1, 2, 3, ... in order of creation.</summary>
    public int Number { get; }
    /// <summary>Enabled or destroyed.</summary>
    public KeyVersionState State { get; private set; }
    /// <summary>Name of the keystore that holds the material.</summary>
    public string Keystore { get; }
    /// <summary>The keystore's handle; null once destroyed.</summary>
    public byte[]? Material { get; private set; }
    /// <summary>When the version was made.</summary>
    public DateTimeOffset CreatedAt { get; }
    /// <summary>When its material was destroyed.</summary>
    public DateTimeOffset? DestroyedAt { get; private set; }
    /// <summary>
    /// Facts the keystore attested about the material when the version was made (see
    /// <see cref="Ports.IKeystore.GetEvidenceAsync"/>); kept after destruction as a record; null when none.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Evidence { get; private set; }

    internal void ReplaceMaterial(byte[] material, IReadOnlyDictionary<string, string>? evidence)
    {
        Material = material;
        Evidence = evidence;
    }

    internal void MarkDestroyed(DateTimeOffset at)
    {
        State = KeyVersionState.Destroyed;
        Material = null;
        DestroyedAt = at;
    }
}
