using System.Security.Cryptography.X509Certificates;
using System.Text;
using Custos.Core.Threshold;
using Custos.Crypto.Threshold;
using Custos.Threshold.Protocol;

namespace Custos.Threshold;

/// <summary>
/// <see cref="IThresholdCustodians"/> over the custodian protocol (docs/threshold.md, "Custodian protocol"): one
/// <see cref="CustodianClient"/> per configured custodian, mutual TLS. Unwraps ask every custodian of the material
/// in parallel, offer each partial to a <see cref="ThresholdCombiner"/> as it arrives, and return as soon as k valid
/// ones are in (the others are cancelled); after <see cref="ThresholdOptions.DeadlineMilliseconds"/> it fails closed
/// with the combiner's message ("2 of 3 custodians needed, 1 answered"). Key generation and resharing are driven by
/// <see cref="RoundCoordinator"/>; a dealt share only ever crosses this server encrypted to its recipient.
/// </summary>
public sealed class HttpThresholdCustodians : IThresholdCustodians, IDisposable
{
    private readonly Dictionary<string, CustodianClient> _clients;
    private readonly TimeSpan _deadline;
    private readonly TimeProvider _time;
    private readonly RoundCoordinator _rounds;

    /// <summary>Clients for every custodian of <paramref name="options"/> (paths already absolute). Misconfiguration throws <see cref="ArgumentException"/>.</summary>
    public HttpThresholdCustodians(ThresholdOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Validate(options) is { } invalid) throw new ArgumentException("threshold: " + invalid);
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(options.CaFile);
        var clientCertificate = X509Certificate2.CreateFromPemFile(options.ClientCertFile, options.ClientKeyFile);
        _clients = options.Custodians.ToDictionary(c => c.Name, c => new CustodianClient(c, clientCertificate, roots), StringComparer.Ordinal);
        _deadline = TimeSpan.FromMilliseconds(options.DeadlineMilliseconds);
        _time = time ?? TimeProvider.System;
        Custodians = [.. options.Custodians.Select(c => new CustodianInfo(c.Name, c.Location))];
        _rounds = new RoundCoordinator(Client);
    }

    /// <summary>Null when <paramref name="options"/> can be used, else what is wrong.</summary>
    public static string? Validate(ThresholdOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Custodians.Count == 0) return "name at least one custodian";
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in options.Custodians)
        {
            if (!IsValidName(c.Name)) return $"custodian name '{c.Name}' must be 1-64 characters of a-z, 0-9 and '-'";
            if (!names.Add(c.Name)) return $"custodian name '{c.Name}' appears twice";
            if (!Uri.TryCreate(c.Address, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
                return $"custodian '{c.Name}': address '{c.Address}' is not an https:// address";
            if (c.Location.Validate($"custodian '{c.Name}' location") is { } location) return location;
        }
        foreach (var (what, file) in new[] { ("caFile", options.CaFile), ("clientCertFile", options.ClientCertFile), ("clientKeyFile", options.ClientKeyFile) })
        {
            if (string.IsNullOrWhiteSpace(file) || !File.Exists(file)) return $"{what} '{file}' does not exist";
        }
        if (options.DeadlineMilliseconds is < 50 or > 60_000) return "deadlineMilliseconds is 50 to 60000";
        return null;
    }

    /// <summary>True for 1-64 characters of a-z, 0-9 and '-'.</summary>
    public static bool IsValidName(string? name) => name is { Length: >= 1 and <= 64 } && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');

    /// <inheritdoc />
    public IReadOnlyList<CustodianInfo> Custodians { get; }

    internal CustodianClient Client(string name) =>
        _clients.TryGetValue(name, out var client) ? client : throw new ThresholdException($"custodian '{name}' is not configured on this server");

    /// <inheritdoc />
    public Task<ThresholdMaterial> GenerateAsync(string keyId, int version, ThresholdSpec spec, CancellationToken cancellationToken) =>
        _rounds.GenerateAsync(keyId, version, spec, cancellationToken);

    /// <inheritdoc />
    public Task<ThresholdMaterial> ReshareAsync(ThresholdMaterial current, string keyId, int version, ThresholdSpec next, CancellationToken cancellationToken) =>
        _rounds.ReshareAsync(current, keyId, version, next, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> CommitReshareAsync(ThresholdMaterial previous, ThresholdMaterial next, string keyId, int version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(next);
        var names = previous.Custodians.Values.Union(next.Custodians.Values).ToList();
        return await RoundCoordinator.BestEffortAsync(names, c => _rounds.CommitAsync(c, keyId, version, next.Group.Fingerprint, cancellationToken));
    }

    /// <inheritdoc />
    public async Task AbortReshareAsync(ThresholdMaterial next, string keyId, int version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        var unreachable = await RoundCoordinator.BestEffortAsync(next.Custodians.Values.ToList(), c => _rounds.AbortAsync(c, keyId, version, next.Group.Fingerprint, cancellationToken));
        if (unreachable.Count > 0) throw new ThresholdException($"could not drop the pending shares at {string.Join(", ", unreachable)}");
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> DestroyAsync(ThresholdMaterial material, string keyId, int version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(material);
        return await RoundCoordinator.BestEffortAsync(material.Custodians.Values.ToList(), c => _rounds.DestroyAsync(c, keyId, version, cancellationToken));
    }

    /// <inheritdoc />
    public async Task<ThresholdUnwrapOutcome> UnwrapAsync(ThresholdMaterial material, string keyId, int version, ReadOnlyMemory<byte> blob,
        ReadOnlyMemory<byte> context, ThresholdRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(material);
        ArgumentNullException.ThrowIfNull(request);
        if (ThresholdWrappedKey.TryParse(blob.Span) is not { } wrapped)
            return new ThresholdUnwrapOutcome(null, ThresholdUnwrapFailure.InvalidCiphertext, Crypto.InvalidCiphertextException.FixedMessage, [], []);
        var keyIdBytes = Encoding.UTF8.GetBytes(keyId);
        var combiner = new ThresholdCombiner(material.Group, wrapped, keyIdBytes, version);
        var body = new PartialRequest(keyId, version, material.Group.Fingerprint, wrapped.Ephemeral.Encode(), request.RequestId, request.Principal,
            request.Justification, request.Approvals?.Select(a => new WireApproval(a.Approver, a.Algorithm, a.Statement, a.Signature)).ToList());

        var custodians = material.Custodians.ToList();
        var faults = new CustodianFault?[custodians.Count];
        var quorum = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var asks = new Task[custodians.Count];
        for (int i = 0; i < custodians.Count; i++)
        {
            int slot = i;
            var (index, name) = custodians[i];
            asks[i] = Task.Run(async () =>
            {
                try
                {
                    var answer = await Client(name).SendAsync(HttpMethod.Post, CustodianProtocol.Prefix + "/partial", body,
                        CustodianJson.Default.PartialRequest, CustodianJson.Default.PartialResponse, stop.Token);
                    if (combiner.Offer(index, answer.Partial) == PartialVerdict.Rejected)
                        faults[slot] = new CustodianFault(name, CustodianFaultKind.InvalidPartial, combiner.Rejections.LastOrDefault(r => r.Custodian == index)?.ToString()
                            ?? $"custodian {index}: its partial was refused");
                    if (combiner.HasQuorum) quorum.TrySetResult();
                }
                catch (CustodianCallException e)
                {
                    faults[slot] = new CustodianFault(name, e.Kind, e.Detail);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    // Cancelled because k valid partials were already in is not a fault; cancelled at the deadline is.
                    if (!combiner.HasQuorum)
                        faults[slot] = new CustodianFault(name, CustodianFaultKind.Unreachable, $"no answer within {_deadline.TotalMilliseconds:0} ms");
                }
            }, CancellationToken.None);
        }

        var all = Task.WhenAll(asks);
        using (var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            var deadline = Task.Delay(_deadline, _time, timer.Token);
            await Task.WhenAny(quorum.Task, all, deadline);
            timer.Cancel();
        }
        bool reached = combiner.HasQuorum;
        await stop.CancelAsync(); // the slow ones are not waited for
        cancellationToken.ThrowIfCancellationRequested();

        var result = combiner.Unwrap(context.Span);
        var accepted = combiner.Accepted;
        var reported = new List<CustodianFault>();
        for (int i = 0; i < custodians.Count; i++)
        {
            var (index, name) = custodians[i];
            if (accepted.Contains(index)) continue;
            if (Volatile.Read(ref faults[i]) is { } fault) reported.Add(fault);
            else if (!reached) reported.Add(new CustodianFault(name, CustodianFaultKind.Unreachable, $"no answer within {_deadline.TotalMilliseconds:0} ms"));
            // With quorum reached, a custodian still on its way (or whose valid partial was not needed) did nothing wrong.
        }
        var combined = result.Combined.Select(i => material.Custodians[i]).ToList();
        var failure = result.Error switch
        {
            UnwrapError.None => ThresholdUnwrapFailure.None,
            UnwrapError.QuorumNotMet => ThresholdUnwrapFailure.QuorumNotMet,
            _ => ThresholdUnwrapFailure.InvalidCiphertext,
        };
        return new ThresholdUnwrapOutcome(result.DataKey, failure, result.Message, combined, reported);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var client in _clients.Values) client.Dispose();
    }
}
