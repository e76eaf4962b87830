namespace Custos.Keystores.Pkcs11.Tests;

/// <summary>
/// Tests that disturb the whole module or token store (finalising the module, another process opening the store)
/// run in this collection, one at a time and after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    /// <summary>The collection's name.</summary>
    public const string Name = "runs alone";
}
