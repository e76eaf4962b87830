using System.Text.RegularExpressions;

namespace Custos.Core.Keys;

/// <summary>How a caller names a key: its id, or <c>alias/NAME</c>.</summary>
public readonly partial record struct KeyReference
{
    private KeyReference(string? id, string? alias) { Id = id; Alias = alias; }

    /// <summary>The key id, when addressed by id.</summary>
    public string? Id { get; }
    /// <summary>The alias name (without the <c>alias/</c> prefix), when addressed by alias.</summary>
    public string? Alias { get; }

    /// <summary>Parses an id or <c>alias/NAME</c>; null when malformed.</summary>
    public static KeyReference? TryParse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (text.StartsWith("alias/", StringComparison.Ordinal))
        {
            var name = text["alias/".Length..];
            return IsValidAlias(name) ? new KeyReference(null, name) : null;
        }
        return KeyIds.IsValid(text) ? new KeyReference(text, null) : null;
    }

    /// <summary>Aliases: 1–128 characters of letters, digits, '-', '_', '.'.</summary>
    public static bool IsValidAlias(string? name) => name is not null && AliasPattern().IsMatch(name);

    /// <inheritdoc />
    public override string ToString() => Id ?? $"alias/{Alias}";

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,128}$")]
    private static partial Regex AliasPattern();
}

/// <summary>Key ids are lower-case UUIDs (version 7, so they sort by creation time).</summary>
public static class KeyIds
{
    /// <summary>A new id.</summary>
    public static string New(TimeProvider time) => Guid.CreateVersion7(time.GetUtcNow()).ToString("D");

    /// <summary>The reference itself when it is a key id (not an alias), else null.</summary>
    public static string? IdOrNull(string? reference) => IsValid(reference) ? reference : null;

    /// <summary>True when <paramref name="id"/> has the shape of a key id.</summary>
    public static bool IsValid(string? id) =>
        id is { Length: 36 } && Guid.TryParseExact(id, "D", out _) && id.All(c => !char.IsUpper(c));
}
