using System.Text;
using System.Text.Json.Nodes;
using Custos.Cli.Policy;
using Custos.Core.Access.Policy;
using Custos.Core.Residency.Assessment;

namespace Custos.Cli.Assess;

/// <summary>
/// Writes a drafted policy as a YAML file a person can review: a header, and above each rule the comment
/// that says why it is there. The text is read back with the same YAML reading and policy parser that
/// <c>custos policy propose</c> and the server use, and must give the drafted document exactly; a draft
/// that would be rejected is never written.
/// </summary>
public static class DraftPolicyYaml
{
    private const int Width = 100;

    /// <summary>The YAML text of <paramref name="draft"/>, checked to parse back to the same document.</summary>
    public static string Write(PolicyDraft draft)
    {
        var canonical = draft.Document.ToCanonicalJson();
        var tree = JsonNode.Parse(canonical)!.AsObject();
        var text = new StringBuilder();
        foreach (var line in draft.Header) Comment(text, "", line);
        Section(text, "rules", tree["rules"]!.AsArray(), draft.Comments);
        if (tree["residency"] is JsonArray residency && residency.Count > 0)
        {
            text.Append('\n');
            Comment(text, "", "Residency: where each category's keys may live and be served, which laws may reach their operators, and what providers must have.");
            Comment(text, "", "(Enforced where Custos checks residency; see docs/residency.md.)");
            Section(text, "residency", residency, draft.Comments);
        }
        var yaml = text.ToString();
        Check(yaml, canonical);
        return yaml;
    }

    private static void Section(StringBuilder text, string name, JsonArray rules, IReadOnlyDictionary<string, IReadOnlyList<string>> comments)
    {
        text.Append(name).Append(":\n");
        bool first = true;
        foreach (var node in rules)
        {
            var rule = node!.AsObject();
            var id = rule["id"]!.GetValue<string>();
            if (!first) text.Append('\n');
            first = false;
            foreach (var line in comments.GetValueOrDefault(id) ?? []) Comment(text, "  ", line);
            if (rule["provider"] is JsonObject provider) WithoutFalse(provider);
            var lines = PolicyYaml.Write(rule).TrimEnd('\n').Split('\n');
            for (int i = 0; i < lines.Length; i++) text.Append(i == 0 ? "  - " : "    ").Append(lines[i]).Append('\n');
        }
    }

    /// <summary>Provider requirements that are false are the defaults; leaving them out makes the file easier to read and parses the same.</summary>
    private static void WithoutFalse(JsonObject provider)
    {
        foreach (var name in provider.Where(kv => kv.Value is JsonValue v && v.TryGetValue<bool>(out var b) && !b).Select(kv => kv.Key).ToList())
            provider.Remove(name);
    }

    private static void Comment(StringBuilder text, string indent, string line)
    {
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var current = new StringBuilder();
        foreach (var word in words)
        {
            if (current.Length > 0 && indent.Length + 2 + current.Length + 1 + word.Length > Width)
            {
                text.Append(indent).Append("# ").Append(current).Append('\n');
                current.Clear();
            }
            if (current.Length > 0) current.Append(' ');
            current.Append(word);
        }
        text.Append(indent).Append('#').Append(current.Length > 0 ? " " + current : "").Append('\n');
    }

    private static void Check(string yaml, byte[] canonical)
    {
        var json = PolicyYaml.Read(yaml, "the drafted policy");
        var parsed = PolicyDocument.Parse(System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()));
        if (!parsed.IsSuccess) throw new InvalidOperationException($"the drafted policy would be rejected ({parsed.Error.Message}); this is a bug in 'custos assess'");
        if (!parsed.Value.ToCanonicalJson().AsSpan().SequenceEqual(canonical))
            throw new InvalidOperationException("the drafted policy does not read back as drafted; this is a bug in 'custos assess'");
    }
}
