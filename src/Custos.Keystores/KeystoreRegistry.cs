using Custos.Core.Keys;
using Custos.Core.Ports;

namespace Custos.Keystores;

/// <summary>The keystores configured on this server; the first of each custody takes new keys.</summary>
public sealed class KeystoreRegistry(IEnumerable<IKeystore> keystores) : IKeystoreRegistry
{
    private readonly IReadOnlyList<IKeystore> _all = keystores.ToList();

    /// <inheritdoc />
    public IKeystore? ForCustody(KeyCustody custody) => _all.FirstOrDefault(k => k.Custody == custody);

    /// <inheritdoc />
    public IKeystore? ByName(string name) => _all.FirstOrDefault(k => k.Name == name);
}
