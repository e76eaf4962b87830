namespace Custos.Core.Residency;

/// <summary>What a location does for a key: hold its material, or serve requests that use it.</summary>
public enum PlacementRole
{
    /// <summary>Holds the key's material (a keystore, an HSM; later a custodian or a backup target): every requirement applies.</summary>
    Material,
    /// <summary>
    /// Serves requests with the key (a node sees plaintext data keys and can ask the keystore to use the key): every
    /// requirement applies except certifications of the modules holding material (FIPS 140-3 level, Common Criteria).
    /// </summary>
    Serving,
}

/// <summary>A named place in a key's custody chain, its declared location (null: none declared) and its role.</summary>
/// <param name="Name">How messages name it: "node 'n1'", "keystore 'hsm:custos'".</param>
/// <param name="Location">Its location; null when it declares none (then no key with residency requirements complies there).</param>
/// <param name="Role">What it does for the key.</param>
public sealed record Placement(string Name, Location? Location, PlacementRole Role);
