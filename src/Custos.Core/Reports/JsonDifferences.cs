using System.Text.Json;

namespace Custos.Core.Reports;

/// <summary>
/// Where two JSON values differ, as paths ("findings.access.byPrincipal[1].count: the report states 3, the events give 2").
/// Objects are compared member by member whatever their order; arrays element by element. Both sides are expected to be
/// written by the same serializer, so equal values have equal text.
/// </summary>
internal static class JsonDifferences
{
    /// <summary>Up to <paramref name="max"/> differences between what a report states and what was recomputed.</summary>
    public static List<string> Between(JsonElement stated, JsonElement recomputed, string path, int max)
    {
        var found = new List<string>();
        Compare(stated, recomputed, path, found, max);
        return found;
    }

    private static void Compare(JsonElement stated, JsonElement recomputed, string path, List<string> found, int max)
    {
        if (found.Count >= max) return;
        if (stated.ValueKind != recomputed.ValueKind)
        {
            found.Add($"{path}: the report states {Show(stated)}, the events give {Show(recomputed)}");
            return;
        }
        switch (stated.ValueKind)
        {
            case JsonValueKind.Object:
                var mine = stated.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
                var theirs = recomputed.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
                foreach (var (name, value) in theirs)
                {
                    if (!mine.TryGetValue(name, out var s)) Add(found, max, $"{path}.{name}: missing from the report, the events give {Show(value)}");
                    else Compare(s, value, $"{path}.{name}", found, max);
                }
                foreach (var (name, value) in mine)
                {
                    if (!theirs.ContainsKey(name)) Add(found, max, $"{path}.{name}: the report states {Show(value)}, the events give nothing");
                }
                return;
            case JsonValueKind.Array:
                int a = stated.GetArrayLength(), b = recomputed.GetArrayLength();
                if (a != b) Add(found, max, $"{path}: the report lists {a} item(s), the events give {b}");
                for (int i = 0; i < Math.Min(a, b); i++) Compare(stated[i], recomputed[i], $"{path}[{i}]", found, max);
                return;
            default:
                if (stated.GetRawText() != recomputed.GetRawText())
                    Add(found, max, $"{path}: the report states {Show(stated)}, the events give {Show(recomputed)}");
                return;
        }
    }

    private static void Add(List<string> found, int max, string difference)
    {
        if (found.Count < max) found.Add(difference);
    }

    private static string Show(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => $"a list of {e.GetArrayLength()}",
        _ => e.GetRawText() is { Length: <= 120 } text ? text : e.GetRawText()[..117] + "...",
    };
}
