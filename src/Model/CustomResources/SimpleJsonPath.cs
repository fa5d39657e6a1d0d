using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Kura.Model.CustomResources;

/// <summary>
/// The JSONPath subset CRD printer columns use: <c>.a.b</c>, <c>.a[0]</c>, <c>.a['x.y/z']</c>,
/// and filters <c>.conditions[?(@.type=="Ready")].status</c>. Returns the first match.
/// </summary>
public static class SimpleJsonPath
{
    public static JsonNode? Evaluate(JsonNode? root, string path)
    {
        var p = path.Trim();
        if (p.StartsWith('{') && p.EndsWith('}'))
        {
            p = p[1..^1];
        }

        p = p.TrimStart('$');
        var node = root;
        var i = 0;
        while (i < p.Length && node is not null)
        {
            if (p[i] == '.')
            {
                i++;
                var start = i;
                while (i < p.Length && p[i] is not ('.' or '['))
                {
                    i++;
                }

                var name = p[start..i];
                if (name.Length > 0)
                {
                    node = (node as JsonObject)?[name];
                }
            }
            else if (p[i] == '[')
            {
                var end = FindClose(p, i);
                var inner = p[(i + 1)..end];
                i = end + 1;
                node = Index(node, inner);
            }
            else
            {
                return null;
            }
        }

        return node;
    }

    /// <summary>How kubectl prints a column value: strings as they are, other JSON compactly.</summary>
    public static object? CellValue(JsonNode? node, string type) => node switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when type == "integer" && v.TryGetValue<long>(out var l) => l,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<double>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        _ => node.ToJsonString(),
    };

    private static int FindClose(string p, int open)
    {
        var depth = 0;
        var quote = '\0';
        for (var i = open; i < p.Length; i++)
        {
            var c = p[i];
            if (quote != '\0')
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == quote)
                {
                    quote = '\0';
                }
            }
            else if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (c == '[')
            {
                depth++;
            }
            else if (c == ']' && --depth == 0)
            {
                return i;
            }
        }

        return p.Length - 1;
    }

    private static JsonNode? Index(JsonNode? node, string inner)
    {
        inner = inner.Trim();
        if (inner.StartsWith('\'') || inner.StartsWith('"'))
        {
            var key = inner[1..^1].Replace("\\.", ".", StringComparison.Ordinal);
            return (node as JsonObject)?[key];
        }

        if (inner.StartsWith("?(", StringComparison.Ordinal) && inner.EndsWith(')'))
        {
            var expr = inner[2..^1];
            var eq = expr.IndexOf("==", StringComparison.Ordinal);
            if (eq < 0 || node is not JsonArray items)
            {
                return null;
            }

            var left = expr[..eq].Trim().TrimStart('@');
            var right = expr[(eq + 2)..].Trim().Trim('"', '\'');
            return items.FirstOrDefault(item => Evaluate(item, left) is JsonValue v && (v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString()) == right);
        }

        if (inner == "*")
        {
            return node is JsonArray all && all.Count > 0 ? all[0] : null;
        }

        return int.TryParse(inner, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index) && node is JsonArray arr
            ? (index < 0 ? (arr.Count + index >= 0 ? arr[arr.Count + index] : null) : index < arr.Count ? arr[index] : null)
            : null;
    }
}
