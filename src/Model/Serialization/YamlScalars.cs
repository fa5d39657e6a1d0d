using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Kura.Model.Serialization;

/// <summary>
/// How a plain (unquoted) YAML scalar is typed, following go-yaml v2's resolver, which
/// sigs.k8s.io/yaml uses: YAML 1.1 booleans (y/yes/on/true…), nulls (~, null, empty), ints in Go
/// syntax (0x, 0o, 0b, leading-0 octal, underscores), floats, and timestamps kept as strings.
/// </summary>
internal static partial class YamlScalars
{
    public enum Kind
    {
        String,
        Null,
        Bool,
        Int,
        Float,
        Timestamp,
    }

    /// <summary>The JSON value of a plain scalar.</summary>
    public static JsonNode? Resolve(string text) => Resolve(text, out _);

    public static JsonNode? Resolve(string text, out Kind kind)
    {
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                kind = Kind.Null;
                return null;
            case "y" or "Y" or "yes" or "Yes" or "YES" or "true" or "True" or "TRUE" or "on" or "On" or "ON":
                kind = Kind.Bool;
                return JsonValue.Create(true);
            case "n" or "N" or "no" or "No" or "NO" or "false" or "False" or "FALSE" or "off" or "Off" or "OFF":
                kind = Kind.Bool;
                return JsonValue.Create(false);
            case ".nan" or ".NaN" or ".NAN" or ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF" or "-.inf" or "-.Inf" or "-.INF":
                kind = Kind.Float;
                return JsonValue.Create(text);
        }

        kind = Kind.String;
        if (text[0] is not ((>= '0' and <= '9') or '+' or '-' or '.'))
        {
            return JsonValue.Create(text);
        }

        if (Timestamp().IsMatch(text))
        {
            kind = Kind.Timestamp;
            return JsonValue.Create(text);
        }

        var plain = text.Replace("_", "", StringComparison.Ordinal);
        if (TryParseGoInt(plain, out var negative, out var magnitude))
        {
            kind = Kind.Int;
            if (!negative && magnitude <= long.MaxValue)
            {
                return JsonValue.Create((long)magnitude);
            }

            if (!negative)
            {
                return JsonValue.Create(magnitude);
            }

            if (magnitude <= (ulong)long.MaxValue + 1)
            {
                return JsonValue.Create(magnitude == (ulong)long.MaxValue + 1 ? long.MinValue : -(long)magnitude);
            }

            kind = Kind.String;
        }

        if (GoFloat().IsMatch(plain) && double.TryParse(plain, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
        {
            kind = Kind.Float;
            return JsonValue.Create(d);
        }

        return JsonValue.Create(text);
    }

    /// <summary>True when a plain scalar with this text would read back as this same string.</summary>
    public static bool ReadsAsString(string text)
    {
        Resolve(text, out var kind);
        return kind == Kind.String && !Base60Float().IsMatch(text);
    }

    // strconv.ParseInt/ParseUint with base 0: optional sign, then 0x/0o/0b prefixes or a leading-0 octal.
    private static bool TryParseGoInt(string s, out bool negative, out ulong magnitude)
    {
        negative = false;
        magnitude = 0;
        var i = 0;
        if (s.Length > 0 && s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            i = 1;
        }

        if (i >= s.Length)
        {
            return false;
        }

        var radix = 10;
        if (s[i] == '0' && i + 1 < s.Length)
        {
            (radix, i) = char.ToLowerInvariant(s[i + 1]) switch
            {
                'x' => (16, i + 2),
                'o' => (8, i + 2),
                'b' => (2, i + 2),
                _ => (8, i + 1),
            };
            if (i >= s.Length)
            {
                return false;
            }
        }

        for (; i < s.Length; i++)
        {
            var digit = s[i] switch
            {
                >= '0' and <= '9' => s[i] - '0',
                >= 'a' and <= 'f' => s[i] - 'a' + 10,
                >= 'A' and <= 'F' => s[i] - 'A' + 10,
                _ => 99,
            };
            if (digit >= radix)
            {
                return false;
            }

            try
            {
                magnitude = checked((magnitude * (ulong)radix) + (ulong)digit);
            }
            catch (OverflowException)
            {
                return false;
            }
        }

        return true;
    }

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\z")]
    private static partial Regex GoFloat();

    // go-yaml's timestamp layouts: a date, optionally with a time and zone ("2006-1-2T15:4:5.999Z07:00").
    [GeneratedRegex(@"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]*)?(Z|[+-][0-9]{1,2}(:[0-9]{2})?)?)?\z")]
    private static partial Regex Timestamp();

    // YAML 1.1 sexagesimal numbers ("1:20"), which go-yaml quotes so YAML 1.1 readers keep them strings.
    [GeneratedRegex(@"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?\z")]
    private static partial Regex Base60Float();
}
