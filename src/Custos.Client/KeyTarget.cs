namespace Custos.Client;

/// <summary>One key to wrap an envelope's data key under: a key id or <c>alias/NAME</c> on the server <paramref name="Client"/> talks to.</summary>
public sealed record KeyTarget(CustosClient Client, string Key)
{
    /// <summary>Key reference and server, e.g. <c>alias/eu@https://kms.eu/</c>.</summary>
    public override string ToString() => $"{Key}@{Client.Address}";
}
