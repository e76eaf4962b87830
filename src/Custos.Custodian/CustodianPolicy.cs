using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.RateLimiting;
using Custos.Core.Access;
using Custos.Core.Approvals;
using Custos.Core.Keys;
using Custos.Crypto.Signing;
using Custos.Threshold.Protocol;

namespace Custos.Custodian;

/// <summary>A refusal by the custodian's own policy: a stable code and one sentence, safe to log and audit.</summary>
public sealed record PolicyRefusal(string Code, string Reason);

/// <summary>
/// The custodian's own judgement of a partial request, applied before its share is touched: a justification code
/// (any published one, or one of a list), the requesting server's declared jurisdiction (its country and everyone
/// who can compel it must be within the accepted jurisdictions; blocs such as EU count their members), signed
/// approval statements from a quorum of approvers it knows (for this key, deciding "approve", not expired), and a
/// token bucket per server.
/// </summary>
public sealed class CustodianPolicy
{
    private readonly CustodianPolicyOptions _options;
    private readonly Dictionary<string, VerificationKey> _approvers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TokenBucketRateLimiter> _buckets = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly bool _justificationRequired;
    private readonly HashSet<string>? _justificationCodes;

    /// <summary>The policy of <paramref name="options"/> (approver keys are read now; a bad one throws).</summary>
    public CustodianPolicy(CustodianOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Policy;
        _time = time;
        foreach (var approver in _options.Approvals?.Approvers ?? [])
        {
            _approvers[approver.Name] = VerificationKey.FromPem(File.ReadAllText(approver.PublicKeyFile), out var problem)
                ?? throw new InvalidOperationException($"policy.approvals: '{approver.Name}': {problem}");
        }
        if (_options.RateLimit is { } limit)
        {
            foreach (var server in options.Servers)
            {
                _buckets[server.Name] = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
                {
                    TokenLimit = limit.Burst, TokensPerPeriod = limit.PerSecond, ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0, AutoReplenishment = true,
                });
            }
        }
        if (_options.RequireJustification is { } j)
        {
            _justificationRequired = j.ValueKind is JsonValueKind.True or JsonValueKind.Array;
            if (j.ValueKind == JsonValueKind.Array) _justificationCodes = [.. j.EnumerateArray().Select(c => c.GetString()!)];
        }
    }

    /// <summary>Null when <paramref name="server"/> may have a partial for <paramref name="request"/>, else why not.</summary>
    public PolicyRefusal? Check(TrustedServerOptions server, PartialRequest request)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(request);
        if (_buckets.TryGetValue(server.Name, out var bucket))
        {
            using var lease = bucket.AttemptAcquire();
            if (!lease.IsAcquired) return new PolicyRefusal("throttled", $"server '{server.Name}' is over this custodian's rate limit");
        }
        if (_options.AcceptServerJurisdictions is { } accepted && OutsideJurisdictions(server, accepted) is { } outside)
            return new PolicyRefusal("server-jurisdiction",
                $"server '{server.Name}' is declared in {outside}, outside the jurisdictions this custodian accepts ({string.Join(", ", accepted)})");
        if (CheckJustification(request.Justification) is { } justification) return justification;
        if (_options.Approvals is { } approvals)
        {
            int valid = CountApprovals(request, out var problems);
            if (valid < approvals.Quorum)
                return new PolicyRefusal("approvals-required",
                    $"this custodian needs approvals from {approvals.Quorum} of its approvers, {valid} valid" + (problems.Count > 0 ? $" ({string.Join("; ", problems)})" : ""));
        }
        return null;
    }

    private PolicyRefusal? CheckJustification(string? header)
    {
        if (header is null)
            return _justificationRequired ? new PolicyRefusal("justification-required", "this custodian requires a justification code with every request") : null;
        var parsed = Justification.Parse(header);
        if (!parsed.IsSuccess) return new PolicyRefusal("justification-invalid", parsed.Error.Message);
        if (_justificationCodes is { } codes && !codes.Contains(parsed.Value!.Code))
            return new PolicyRefusal("justification-required", $"this custodian accepts only the justification codes {string.Join(", ", codes)}");
        return null;
    }

    private static string? OutsideJurisdictions(TrustedServerOptions server, IReadOnlyList<string> accepted)
    {
        var codes = new[] { server.Location.Country }.Concat(server.Location.CompellableBy ?? []);
        var outside = codes.SelectMany(Jurisdictions.Countries).Where(c => !Jurisdictions.Covers(accepted, c)).Distinct().Order().ToList();
        return outside.Count == 0 ? null : string.Join(", ", outside.Take(5)) + (outside.Count > 5 ? ", ..." : "");
    }

    private int CountApprovals(PartialRequest request, out List<string> problems)
    {
        problems = [];
        var approved = new HashSet<string>(StringComparer.Ordinal);
        foreach (var a in request.Approvals ?? [])
        {
            if (!_approvers.TryGetValue(a.Approver, out var key)) { problems.Add($"'{Printable(a.Approver)}' is not an approver this custodian knows"); continue; }
            if (a.Statement.Length > CustodianProtocol.MaxApprovalBytes || a.Signature.Length > CustodianProtocol.MaxApprovalBytes || !key.Verify(a.Statement, a.Signature))
            {
                problems.Add($"the signature of '{a.Approver}' does not verify");
                continue;
            }
            if (StatementProblem(Encoding.UTF8.GetString(a.Statement), request.KeyId) is { } why) { problems.Add($"'{a.Approver}': {why}"); continue; }
            approved.Add(a.Approver);
        }
        return approved.Count;
    }

    // A signed statement counts only for this key, with decision approve, before it expires.
    private string? StatementProblem(string statement, string keyId)
    {
        var lines = statement.Split('\n');
        if (lines.Length < 2 || lines[0] != ApprovalStatement.Header) return "not an approval statement";
        string? Field(string name) => lines.FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal))?[(name.Length + 1)..];
        if (Field("key") != ApprovalStatement.Escape(keyId)) return "the statement is for another key";
        if (Field("decision") != "approve") return "the statement does not approve";
        if (!DateTimeOffset.TryParseExact(Field("expires"), "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var expires) || expires <= _time.GetUtcNow())
            return "the statement has expired";
        return null;
    }

    private static string Printable(string s) => new([.. s.Take(64).Select(c => c is < ' ' or > '~' ? '?' : c)]);
}
