using Custos.Core.Access.Policy;
using Custos.Core.Errors;
using Custos.Core.Keys;
using Custos.Core.Ports;

namespace Custos.Core.Residency;

/// <summary>
/// Checks every stored key against the locations of this node (and of the custodians holding threshold keys' shares),
/// the legal register and the policy: at start-up (a configuration change that would strand a key stops the server)
/// and before a register or policy change is made (one that would strand a key that complies now is refused).
/// </summary>
public sealed class ResidencyCompliance(IKeyRepository keys, ActivePolicy policy, LegalRegister register, LocationMap locations)
{
    /// <summary>How many explanations a refusal lists before it says how many more there are.</summary>
    public const int MaxListed = 20;

    private const int PageSize = 500;

    /// <summary>The locations this node knows.</summary>
    public LocationMap Locations => locations;

    /// <summary>Every violation by a key whose material is not destroyed, under the policy and register in force.</summary>
    public async Task<IReadOnlyList<ResidencyViolation>> FindViolationsAsync(CancellationToken cancellationToken)
    {
        var document = (await policy.GetAsync(cancellationToken)).Document;
        var providers = await register.GetAsync(cancellationToken);
        var violations = new List<ResidencyViolation>();
        await foreach (var key in LiveKeysAsync(cancellationToken))
            violations.AddRange(Check(ResidencyEvaluator.RequirementsFor(KeyFacts.Of(key), document), providers));
        return violations;
    }

    /// <summary>
    /// Every key whose material exists (in id order), with the places holding or serving it on this node now (its keystores,
    /// the custodians of a threshold key's shares, the node), each with its legal exposure under the register, the
    /// requirements in force and its violations: what the residency overview states.
    /// </summary>
    public async Task<IReadOnlyList<KeyResidency>> DescribeAsync(CancellationToken cancellationToken)
    {
        var document = (await policy.GetAsync(cancellationToken)).Document;
        var providers = await register.GetAsync(cancellationToken);
        var keys = new List<KeyResidency>();
        await foreach (var key in LiveKeysAsync(cancellationToken))
        {
            var facts = KeyFacts.Of(key);
            var requirements = ResidencyEvaluator.RequirementsFor(facts, document);
            var described = locations.PlacementsWithShares(facts).Select(p => new ExposedPlacement(p,
                p.Location is { } l ? [.. LegalExposure.Of(l, providers.GetValueOrDefault(l.Operator)).Select(e => e.Jurisdiction)] : [])).ToList();
            keys.Add(new KeyResidency(key, requirements, described, Check(requirements, providers)));
        }
        return keys;
    }

    /// <summary>
    /// The violations a change would bring: keys that comply now but would not under <paramref name="newPolicy"/>
    /// and <paramref name="newRegister"/> (null: unchanged). Keys already out of policy are left out, so that a
    /// change fixing some of them is not refused for the others.
    /// </summary>
    public async Task<IReadOnlyList<ResidencyViolation>> WouldStrandAsync(PolicyDocument? newPolicy, IReadOnlyDictionary<string, Provider>? newRegister,
        CancellationToken cancellationToken)
    {
        var document = (await policy.GetAsync(cancellationToken)).Document;
        var providers = await register.GetAsync(cancellationToken);
        var violations = new List<ResidencyViolation>();
        await foreach (var key in LiveKeysAsync(cancellationToken))
        {
            var facts = KeyFacts.Of(key);
            var after = Check(ResidencyEvaluator.RequirementsFor(facts, newPolicy ?? document), newRegister ?? providers);
            if (after.Count > 0 && Check(ResidencyEvaluator.RequirementsFor(facts, document), providers).Count == 0) violations.AddRange(after);
        }
        return violations;
    }

    /// <summary>
    /// Locations naming a provider that is not in <paramref name="providers"/>: one sentence each ("node 'n1':
    /// operator 'acme' is not in the legal register").
    /// </summary>
    public IReadOnlyList<string> UnknownOperators(IReadOnlyDictionary<string, Provider> providers) =>
        locations.Declared().Where(d => !providers.ContainsKey(d.Location.Operator))
            .Select(d => $"the location of {d.Owner} names operator '{d.Location.Operator}', which is not in the legal register").ToList();

    /// <summary>The refusal of a change that would strand keys: 409, naming each key and rule (the first <see cref="MaxListed"/>), the key ids in <c>keys</c>.</summary>
    public static CustosError StrandingRefusal(string change, IReadOnlyList<ResidencyViolation> violations) =>
        new(ErrorCode.Conflict, $"{change} would put {KeyCount(violations)} existing key(s) out of residency policy: {Summarize(violations)}")
        {
            Details = new Dictionary<string, string> { ["keys"] = string.Join(",", violations.Select(v => v.KeyId).OfType<string>().Distinct()) },
        };

    /// <summary>The explanations joined with "; ", at most <see cref="MaxListed"/>, then "and N more".</summary>
    public static string Summarize(IReadOnlyList<ResidencyViolation> violations) =>
        string.Join("; ", violations.Take(MaxListed).Select(v => v.Message))
        + (violations.Count > MaxListed ? $"; and {violations.Count - MaxListed} more" : "");

    /// <summary>How many distinct keys the violations are about.</summary>
    public static int KeyCount(IReadOnlyList<ResidencyViolation> violations) => violations.Select(v => v.KeyId ?? v.Key).Distinct().Count();

    private IReadOnlyList<ResidencyViolation> Check(ResidencyRequirements requirements, IReadOnlyDictionary<string, Provider> providers) =>
        requirements.IsEmpty && requirements.Key.Shares.Count == 0 ? [] : ResidencyEvaluator.CheckKey(requirements, locations, providers);

    private async IAsyncEnumerable<ManagedKey> LiveKeysAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? after = null;
        do
        {
            var page = await keys.ListAsync(after, PageSize, cancellationToken);
            foreach (var key in page.Keys)
            {
                if (KeyFacts.LiveKeystores(key).Count > 0) yield return key; // a destroyed key has no material left to strand
            }
            after = page.NextCursor;
        }
        while (after is not null);
    }
}

/// <summary>A key's residency on this node now.</summary>
/// <param name="Key">The key.</param>
/// <param name="Requirements">Its residency requirements under the policy in force.</param>
/// <param name="Places">The places holding or serving it, each with every jurisdiction that can compel its operator.</param>
/// <param name="Violations">Why it does not comply; empty when it does.</param>
public sealed record KeyResidency(ManagedKey Key, ResidencyRequirements Requirements, IReadOnlyList<ExposedPlacement> Places,
    IReadOnlyList<ResidencyViolation> Violations);

/// <summary>A place with every jurisdiction whose law can compel its operator (empty when it declares no location).</summary>
public sealed record ExposedPlacement(Placement Place, IReadOnlyList<string> CompellableBy);
