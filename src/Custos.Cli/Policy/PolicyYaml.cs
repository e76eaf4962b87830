using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Custos.Cli.Policy;

/// <summary>
/// Policy files are YAML or JSON; the server takes JSON. YAML is read into the same JSON tree: plain
/// scalars that look like integers or booleans become numbers and booleans, quoted ones stay strings.
/// </summary>
public static class PolicyYaml
{
    /// <summary>Reads a policy file (YAML or JSON) as a JSON tree; a syntax error names line and column.</summary>
    public static JsonNode Read(string text, string fileName)
    {
        var trimmed = text.TrimStart();
        if (trimmed.StartsWith('{'))
        {
            try { return JsonNode.Parse(text) ?? throw new CliException($"{fileName} is empty", 2); }
            catch (JsonException e) { throw new CliException($"{fileName} is not valid JSON: line {e.LineNumber + 1}: {e.Message}", 2); }
        }
        var stream = new YamlStream();
        try { stream.Load(new StringReader(text)); }
        catch (YamlException e) { throw new CliException($"{fileName} is not valid YAML: line {e.Start.Line}, column {e.Start.Column}: {e.Message}", 2); }
        if (stream.Documents.Count != 1) throw new CliException($"{fileName} must hold exactly one YAML document", 2);
        return ToJson(stream.Documents[0].RootNode) ?? throw new CliException($"{fileName} is empty", 2);
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv =>
            KeyValuePair.Create(kv.Key is YamlScalarNode { Value: { } k } ? k : throw new CliException($"line {kv.Key.Start.Line}: keys must be plain names", 2), ToJson(kv.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new CliException($"line {node.Start.Line}: YAML aliases and tags are not supported in policies", 2),
    };

    private static JsonValue? Scalar(YamlScalarNode s)
    {
        var v = s.Value ?? "";
        if (s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded) return JsonValue.Create(v);
        if (v is "" or "~" or "null") return null;
        if (v is "true") return JsonValue.Create(true);
        if (v is "false") return JsonValue.Create(false);
        if (long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)) return JsonValue.Create(n);
        return JsonValue.Create(v);
    }

    /// <summary>Writes a JSON tree as YAML (for <c>policy show --format yaml</c>).</summary>
    public static string Write(JsonNode node)
    {
        var document = new YamlDocument(ToYaml(node));
        var writer = new StringWriter();
        new YamlStream(document).Save(writer, assignAnchors: false);
        var text = writer.ToString();
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }

    private static YamlNode ToYaml(JsonNode? node) => node switch
    {
        JsonObject o => new YamlMappingNode(o.Select(kv => KeyValuePair.Create<YamlNode, YamlNode>(new YamlScalarNode(kv.Key), ToYaml(kv.Value)))),
        JsonArray a => new YamlSequenceNode(a.Select(ToYaml)) { Style = a.All(x => x is JsonValue) ? SequenceStyle.Flow : SequenceStyle.Block },
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Quoted(v.GetValue<string>()),
        JsonValue v => new YamlScalarNode(v.ToJsonString()),
        null => new YamlScalarNode("null"),
        _ => throw new InvalidOperationException("unexpected JSON node"),
    };

    /// <summary>Strings that would read back as another type (or are not plain-safe) are quoted.</summary>
    private static YamlScalarNode Quoted(string s)
    {
        bool plain = s.Length > 0 && s is not ("true" or "false" or "null" or "~") && !long.TryParse(s, out _)
            && s.All(c => char.IsLetterOrDigit(c) || c is '-' || c is '_' || c is '.' || c is '/' || c is ' ') && !s.StartsWith(' ') && !s.EndsWith(' ');
        return new YamlScalarNode(s) { Style = plain ? ScalarStyle.Plain : ScalarStyle.DoubleQuoted };
    }
}
