using System.Text.RegularExpressions;

namespace Custos.Core.Access.Policy;

/// <summary>
/// What a client may do with a data key it was just given: reuse it (when <see cref="Allowed"/>) for at
/// most <see cref="MaxAgeSeconds"/>, <see cref="MaxMessages"/> and <see cref="MaxBytes"/>. A lease is an
/// upper bound, never a promise: the client may cache less. Disabling or rotating the key on the server
/// ends reuse at the latest when the lease's age runs out, because the client must then ask again.
/// </summary>
public sealed record DataKeyLease(bool Allowed, int MaxAgeSeconds, long MaxMessages, long MaxBytes)
{
    /// <summary>No caching.</summary>
    public static DataKeyLease Forbidden { get; } = new(false, 0, 0, 0);
}

/// <summary>Evaluates and validates <see cref="DataKeyCachingPolicy"/>.</summary>
public static partial class DataKeyLeases
{
    /// <summary>Built-in default age.</summary>
    public const int DefaultMaxAgeSeconds = 300;
    /// <summary>Built-in default message count.</summary>
    public const long DefaultMaxMessages = 100_000;
    /// <summary>Built-in default byte count (4 GiB).</summary>
    public const long DefaultMaxBytes = 1L << 32;

    private const int MaxAgeLimit = 86_400;
    private const long MaxMessagesLimit = 1L << 32;
    private const long MaxBytesLimit = 1L << 50;

    /// <summary>The lease <paramref name="document"/> gives for <paramref name="key"/>.</summary>
    public static DataKeyLease LeaseFor(PolicyDocument document, KeyFacts key)
    {
        var policy = document.DataKeyCaching ?? DataKeyCachingPolicy.BuiltIn;
        int age = policy.Default?.MaxAgeSeconds ?? DefaultMaxAgeSeconds;
        long messages = policy.Default?.MaxMessages ?? DefaultMaxMessages;
        long bytes = policy.Default?.MaxBytes ?? DefaultMaxBytes;
        foreach (var rule in policy.Rules ?? [])
        {
            if (!PolicyEvaluator.Selects(rule.Keys, key)) continue;
            if (rule.Forbid) return DataKeyLease.Forbidden;
            age = Math.Min(age, rule.MaxAgeSeconds ?? age);
            messages = Math.Min(messages, rule.MaxMessages ?? messages);
            bytes = Math.Min(bytes, rule.MaxBytes ?? bytes);
        }
        return new DataKeyLease(true, age, messages, bytes);
    }

    /// <summary>Null when the section is valid, else the first problem.</summary>
    public static string? Validate(DataKeyCachingPolicy policy)
    {
        if (policy.Default is { } d && CheckLimits(d.MaxAgeSeconds, d.MaxMessages, d.MaxBytes) is { } bad) return $"dataKeyCaching.default: {bad}";
        var rules = policy.Rules ?? [];
        if (rules.Count > PolicyValidator.MaxRules) return $"dataKeyCaching has at most {PolicyValidator.MaxRules} rules";
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            if (rule is null) return $"dataKeyCaching rule {i + 1} is empty";
            var where = IdPattern().IsMatch(rule.Id ?? "") ? $"dataKeyCaching rule '{rule.Id}'" : $"dataKeyCaching rule {i + 1}";
            if (!IdPattern().IsMatch(rule.Id ?? "")) return $"{where}: 'id' is 1-64 characters of a-z, 0-9 and '-'";
            if (!ids.Add(rule.Id!)) return $"{where}: another dataKeyCaching rule has the same id";
            if (rule.Description is { Length: > 1024 }) return $"{where}: 'description' is at most 1024 characters";
            if (rule.Keys is { } keys && PolicyValidator.CheckKeySelector(keys) is { } k) return $"{where}: {k}";
            bool limits = rule.MaxAgeSeconds is not null || rule.MaxMessages is not null || rule.MaxBytes is not null;
            if (rule.Forbid && limits) return $"{where}: a rule either forbids caching or sets limits, not both";
            if (!rule.Forbid && !limits) return $"{where}: say what it does: 'forbid', or one of 'maxAgeSeconds', 'maxMessages', 'maxBytes'";
            if (CheckLimits(rule.MaxAgeSeconds, rule.MaxMessages, rule.MaxBytes) is { } problem) return $"{where}: {problem}";
        }
        return null;
    }

    private static string? CheckLimits(int? age, long? messages, long? bytes)
    {
        if (age is < 1 or > MaxAgeLimit) return $"'maxAgeSeconds' is 1 to {MaxAgeLimit}";
        if (messages is < 1 or > MaxMessagesLimit) return $"'maxMessages' is 1 to {MaxMessagesLimit}";
        if (bytes is < 1 or > MaxBytesLimit) return $"'maxBytes' is 1 to {MaxBytesLimit}";
        return null;
    }

    [GeneratedRegex("^[a-z0-9-]{1,64}$")]
    private static partial Regex IdPattern();
}
