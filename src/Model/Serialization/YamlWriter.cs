using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Kura.Model.Serialization;

/// <summary>
/// Block-style YAML in go-yaml v2's layout (what kubectl -o yaml prints): two-space indents,
/// sequences level with their parent key, {} and [] for empty collections, plain strings where
/// they read back as the same string, literal blocks for multi-line text, quotes otherwise.
/// </summary>
internal static class YamlWriter
{
    public static string Write(JsonNode? node, bool sortKeys)
    {
        var sb = new StringBuilder();
        WriteNode(sb, node, 0, inSequence: false, sortKeys);
        return sb.ToString();
    }

    private static IEnumerable<KeyValuePair<string, JsonNode?>> Entries(JsonObject obj, bool sortKeys) =>
        sortKeys ? obj.OrderBy(kv => kv.Key, StringComparer.Ordinal) : obj;

    private static void WriteNode(StringBuilder sb, JsonNode? node, int indent, bool inSequence, bool sortKeys)
    {
        var pad = new string(' ', indent);
        switch (node)
        {
            case JsonObject { Count: > 0 } obj:
                var first = true;
                foreach (var (k, v) in Entries(obj, sortKeys))
                {
                    if (!(first && inSequence))
                    {
                        sb.Append(pad);
                    }

                    first = false;
                    sb.Append(Scalar(k, indent, isKey: true)).Append(':');
                    WriteValueAfterKey(sb, v, indent, sortKeys);
                }

                break;
            case JsonArray { Count: > 0 } arr:
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
                        WriteNode(sb, item, indent + 2, inSequence: true, sortKeys);
                    }
                    else
                    {
                        sb.Append(ScalarText(item, indent + 2)).Append('\n');
                    }
                }

                break;
            default:
                sb.Append(ScalarText(node, indent)).Append('\n');
                break;
        }
    }

    private static void WriteValueAfterKey(StringBuilder sb, JsonNode? v, int indent, bool sortKeys)
    {
        switch (v)
        {
            case JsonObject { Count: > 0 }:
                sb.Append('\n');
                WriteNode(sb, v, indent + 2, inSequence: false, sortKeys);
                break;
            case JsonArray { Count: > 0 }:
                sb.Append('\n');
                WriteNode(sb, v, indent, inSequence: false, sortKeys);
                break;
            default:
                sb.Append(' ').Append(ScalarText(v, indent + 2)).Append('\n');
                break;
        }
    }

    private static string ScalarText(JsonNode? node, int indent) => node switch
    {
        null => "null",
        JsonObject => "{}",
        JsonArray => "[]",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => Scalar(v.GetValue<string>(), indent, isKey: false),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Null => "null",
            _ => v.ToJsonString(),
        },
        _ => node.ToJsonString(),
    };

    /// <summary>A string as plain, literal block, single- or double-quoted scalar, as go-yaml chooses.</summary>
    private static string Scalar(string s, int indent, bool isKey)
    {
        var a = Analyze(s);
        if (a.HasBreak)
        {
            return !isKey && a.BlockAllowed ? Literal(s, Math.Max(indent, 2)) : DoubleQuoted(s);
        }

        // A string a reader would type as something else (true, 10, null, a date) is double-quoted;
        // one that only has awkward characters gets single quotes.
        if (!YamlScalars.ReadsAsString(s))
        {
            return DoubleQuoted(s);
        }

        if (a.PlainAllowed)
        {
            return s;
        }

        return a.SingleAllowed ? "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'" : DoubleQuoted(s);
    }

    private static string Literal(string s, int indent)
    {
        var trailing = s.Length - s.TrimEnd('\n').Length;
        var chomp = trailing switch { 0 => "-", 1 => "", _ => "+" };
        var body = trailing > 0 ? s[..^1] : s;
        var pad = new string(' ', indent);
        var sb = new StringBuilder("|").Append(chomp);
        foreach (var line in body.Split('\n'))
        {
            sb.Append('\n');
            if (line.Length > 0)
            {
                sb.Append(pad).Append(line);
            }
        }

        return sb.ToString();
    }

    private static string DoubleQuoted(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
        {
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\0':
                    sb.Append("\\0");
                    break;
                default:
                    if (c < 0x20 || c == 0x7f || c is '\u0085' or '\u2028' or '\u2029' or '\ufeff')
                    {
                        sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }

    private static bool IsLoneSurrogate(string s, int i) =>
        char.IsHighSurrogate(s[i]) ? i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1])
        : char.IsLowSurrogate(s[i]) && (i == 0 || !char.IsHighSurrogate(s[i - 1]));

    private readonly record struct Analysis(bool PlainAllowed, bool SingleAllowed, bool BlockAllowed, bool HasBreak);

    // The scalar analysis of libyaml's emitter (yaml_emitter_analyze_scalar), for block context.
    private static Analysis Analyze(string s)
    {
        if (s.Length == 0)
        {
            return new Analysis(false, true, false, false);
        }

        var blockIndicators = s.StartsWith("---", StringComparison.Ordinal) || s.StartsWith("...", StringComparison.Ordinal);
        bool special = false, hasBreak = false, spaceBreak = false, breakSpace = false;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            var followedByBlank = i + 1 >= s.Length || s[i + 1] is ' ' or '\t' or '\n';
            var precededByBlank = i > 0 && s[i - 1] is ' ' or '\t' or '\n';
            if (i == 0)
            {
                blockIndicators |= c switch
                {
                    '#' or ',' or '[' or ']' or '{' or '}' or '&' or '*' or '!' or '|' or '>' or '\'' or '"' or '%' or '@' or '`' => true,
                    '?' or ':' or '-' => followedByBlank,
                    _ => false,
                };
            }
            else
            {
                blockIndicators |= (c == ':' && followedByBlank) || (c == '#' && precededByBlank);
            }

            if (c == '\n')
            {
                hasBreak = true;
                spaceBreak |= i > 0 && s[i - 1] == ' ';
                breakSpace |= i + 1 < s.Length && s[i + 1] == ' ';
            }
            else if (c < 0x20 || c == 0x7f || c is '\u0085' or '\u2028' or '\u2029' or '\ufeff' || IsLoneSurrogate(s, i))
            {
                special = true;
            }
        }

        var leadingSpace = s[0] == ' ';
        var leadingBreak = s[0] == '\n';
        var trailingSpace = s[^1] == ' ';
        var trailingBreak = s[^1] == '\n';
        var plain = !(blockIndicators || leadingSpace || leadingBreak || trailingSpace || trailingBreak || breakSpace || spaceBreak || special);
        var single = !(breakSpace || spaceBreak || special);

        // A literal block cannot carry trailing spaces, and a leading space or break would need an
        // indentation indicator; such strings are double-quoted instead.
        var block = !(trailingSpace || spaceBreak || special || leadingSpace || leadingBreak);
        return new Analysis(plain, single, block, hasBreak);
    }
}
