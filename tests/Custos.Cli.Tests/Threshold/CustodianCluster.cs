using Custos.Cli.Tests.Infrastructure;
using Custos.Core.Threshold;
using Custos.Threshold;

namespace Custos.Cli.Tests.Threshold;

/// <summary>
/// Three custodians (custodian-a in DE, custodian-b in FR, custodian-c in AT) as separate `custos custodian serve`
/// processes on loopback, started once per test class, trusting one Custos server (CN=custos-test, declared in DE).
/// </summary>
public sealed class CustodianCluster : IAsyncLifetime
{
    /// <summary>The trusted server as custodians configure it.</summary>
    public const string Servers = """[ { "name": "custos-test", "subject": "CN=custos-test", "location": { "country": "DE", "operator": "op-custos", "compellableBy": ["DE"] } } ]""";

    /// <summary>The folder holding everything (PKI, every custodian's folder).</summary>
    public TempDir Root { get; } = new();
    /// <summary>The test PKI.</summary>
    public TestPki Pki { get; private set; } = null!;
    /// <summary>a, b, c.</summary>
    public List<CustodianNode> Nodes { get; } = [];

    /// <summary>A node by letter.</summary>
    public CustodianNode this[char letter] => Nodes.Single(n => n.Name == "custodian-" + letter);

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        Pki = new TestPki(Root.File("pki"));
        foreach (var (letter, country) in new[] { ('a', "DE"), ('b', "FR"), ('c', "AT") })
            Nodes.Add(new CustodianNode(Root.Path, "custodian-" + letter, Pki, country, Servers));
        await StartAsync(Nodes);
    }

    /// <summary>Inits and starts nodes in parallel.</summary>
    public static async Task StartAsync(IEnumerable<CustodianNode> nodes)
    {
        await Task.WhenAll(nodes.Select(async n =>
        {
            await n.InitAsync();
            await n.StartAsync();
        }));
    }

    /// <summary>
    /// The Custos server's side: <see cref="HttpThresholdCustodians"/> with the custos-test client certificate, the
    /// given nodes (by default a, b, c) at their addresses or at <paramref name="addresses"/> (a proxy in front).
    /// </summary>
    public HttpThresholdCustodians Custodians(int deadlineMilliseconds = 2000, IEnumerable<CustodianNode>? nodes = null,
        IReadOnlyDictionary<string, string>? addresses = null, string client = "custos-test", bool untrustedCa = false) =>
        For(Pki, nodes ?? Nodes, deadlineMilliseconds, addresses, client, untrustedCa);

    /// <summary>As <see cref="Custodians"/>, for nodes made with <paramref name="pki"/> outside a cluster.</summary>
    public static HttpThresholdCustodians For(TestPki pki, IEnumerable<CustodianNode> nodes, int deadlineMilliseconds = 2000,
        IReadOnlyDictionary<string, string>? addresses = null, string client = "custos-test", bool untrustedCa = false)
    {
        var (cert, key) = pki.Client(client, untrustedCa);
        return new HttpThresholdCustodians(new ThresholdOptions
        {
            CaFile = pki.CaFile, ClientCertFile = cert, ClientKeyFile = key, DeadlineMilliseconds = deadlineMilliseconds,
            Custodians = [.. nodes.Select(n => n.Endpoint(addresses?.GetValueOrDefault(n.Name)))],
        });
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        foreach (var node in Nodes) node.Dispose();
        Root.Dispose();
        return ValueTask.CompletedTask;
    }
}
