using Custos.Crypto.Threshold;
using Custos.Crypto.Threshold.Dkg;

namespace Custos.Custodian;

/// <summary>
/// This custodian's state in one key generation or resharing round, in memory only (a restart aborts it): its
/// <see cref="Dealer"/> (polynomial, zeroed on dispose) and <see cref="Recipient"/> (received values, zeroed on
/// dispose). Steps run one at a time (<see cref="Gate"/>); only the server that opened it may drive it.
/// </summary>
internal sealed class Round(string id, string server, string kind, string keyId, int keyVersion, DkgParameters parameters,
    Dealer? dealer, Recipient? recipient, DateTimeOffset expires) : IDisposable
{
    public string Id { get; } = id;
    public string Server { get; } = server;
    public string Kind { get; } = kind;
    public string KeyId { get; } = keyId;
    public int KeyVersion { get; } = keyVersion;
    public DkgParameters Parameters { get; } = parameters;
    public Dealer? Dealer { get; } = dealer;
    public Recipient? Recipient { get; } = recipient;
    public DateTimeOffset Expires { get; } = expires;
    public SemaphoreSlim Gate { get; } = new(1, 1);
    public bool Received { get; set; }
    public bool Finished { get; set; }
    public ThresholdGroup? OldGroup => Parameters.OldGroup;

    public void Dispose()
    {
        Dealer?.Dispose();
        Recipient?.Dispose();
    }
}
