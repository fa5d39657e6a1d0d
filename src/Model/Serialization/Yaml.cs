using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Kura.Model.Serialization;

/// <summary>A YAML document could not be read; the message names the line and column.</summary>
public sealed class YamlFormatException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// YAML ⇄ JSON as Kubernetes does it (sigs.k8s.io/yaml): plain scalars typed by YAML 1.1/1.2
/// rules (true/false, numbers, null), quoted scalars always strings, multi-document streams.
/// </summary>
public static partial class Yaml
{
    public static IReadOnlyList<JsonNode?> ParseDocuments(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new YamlFormatException($"yaml: line {e.Start.Line}, column {e.Start.Column}: {e.Message}", e);
        }

        var docs = new List<JsonNode?>();
        foreach (var doc in stream.Documents)
        {
            docs.Add(ToJson(doc.RootNode, 0));
        }

        return docs;
    }

    private static JsonNode? ToJson(YamlNode node, int depth)
    {
        if (depth > 100)
        {
            throw new YamlFormatException("yaml: document nested too deeply");
        }

        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (k, v) in map.Children)
                {
                    var key = k is YamlScalarNode ks ? ks.Value ?? "" : throw new YamlFormatException($"yaml: line {k.Start.Line}: mapping keys must be scalars");
                    if (obj.ContainsKey(key))
                    {
                        throw new YamlFormatException($"yaml: line {k.Start.Line}: key \"{key}\" already set in map");
                    }

                    obj[key] = ToJson(v, depth + 1);
                }

                return obj;
            case YamlSequenceNode seq:
                var arr = new JsonArray();
                foreach (var item in seq.Children)
                {
                    arr.Add(ToJson(item, depth + 1));
                }

                return arr;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                return null;
        }
    }

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return JsonValue.Create(value);
        }

        if (!scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific && scalar.Tag.Value is "tag:yaml.org,2002:str")
        {
            return JsonValue.Create(value);
        }

        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE" or "yes" or "Yes" or "YES" or "on" or "On" or "ON":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE" or "no" or "No" or "NO" or "off" or "Off" or "OFF":
                return JsonValue.Create(false);
        }

        if (IntPattern().IsMatch(value) && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return JsonValue.Create(l);
        }

        if (FloatPattern().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            return JsonValue.Create(d);
        }

        return JsonValue.Create(value);
    }

    /// <summary>Block-style YAML for a JSON value, keys in their order, strings quoted only when needed.</summary>
    public static string ToYaml(JsonNode? node)
    {
        var sb = new StringBuilder();
        Write(sb, node, 0, inSequence: false);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, JsonNode? node, int indent, bool inSequence)
    {
        var pad = new string(' ', indent);
        switch (node)
        {
            case JsonObject obj when obj.Count > 0:
                var first = true;
                foreach (var (k, v) in obj)
                {
                    if (!(first && inSequence))
                    {
                        sb.Append(pad);
                    }

                    first = false;
                    sb.Append(QuoteIfNeeded(k)).Append(':');
                    WriteValueAfterKey(sb, v, indent);
                }

                break;
            case JsonArray arr when arr.Count > 0:
                var firstItem = true;
                foreach (var item in arr)
                {
                    if (!(firstItem && inSequence))
                    {
                        sb.Append(pad);
                    }

                    firstItem = false;
                    sb.Append("- ");
                    if (item is JsonObject { Count: > 0 } or JsonArray { Count: > 0 })
                    {
                        Write(sb, item, indent + 2, inSequence: true);
                    }
                    else
                    {
                        sb.Append(ScalarText(item)).Append('\n');
                    }
                }

                break;
            default:
                sb.Append(ScalarText(node)).Append('\n');
                break;
        }
    }

    private static void WriteValueAfterKey(StringBuilder sb, JsonNode? v, int indent)
    {
        switch (v)
        {
            case JsonObject { Count: > 0 }:
                sb.Append('\n');
                Write(sb, v, indent + 2, inSequence: false);
                break;
            case JsonArray { Count: > 0 }:
                sb.Append('\n');
                Write(sb, v, indent, inSequence: false);
                break;
            default:
                sb.Append(' ').Append(ScalarText(v)).Append('\n');
                break;
        }
    }

    private static string ScalarText(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "{}",
        JsonArray => "[]",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => QuoteIfNeeded(v.GetValue<string>()),
        JsonValue v => v.ToJsonString(),
        _ => node.ToJsonString(),
    };

    /// <summary>Quotes a string that YAML would otherwise read as another type or misparse.</summary>
    private static string QuoteIfNeeded(string s)
    {
        var plain = s.Length > 0 && PlainSafe().IsMatch(s) && !s.Contains(": ", StringComparison.Ordinal) && !s.EndsWith(':') && !s.EndsWith(' ')
            && Scalar(new YamlScalarNode(s)) is JsonValue jv && jv.GetValueKind() == JsonValueKind.String;
        return plain ? s : JsonSerializer.Serialize(s);
    }

    [GeneratedRegex(@"^[-+]?(0|[1-9][0-9]*)$")]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_./][A-Za-z0-9_./ :=@-]*$")]
    private static partial Regex PlainSafe();
}
