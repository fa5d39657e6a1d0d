using System.Text.Json.Nodes;

namespace Kura.Model.Selectors;

/// <summary>One requirement of a label selector (apimachinery/pkg/labels.Requirement).</summary>
public sealed record LabelRequirement(string Key, string Operator, IReadOnlyList<string> Values)
{
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var has = labels.TryGetValue(Key, out var value);
        return Operator switch
        {
            "=" or "==" or "in" => has && Values.Contains(value!),
            "!=" or "notin" => !has || !Values.Contains(value!),
            "exists" => has,
            "!" => !has,
            "gt" => has && long.TryParse(value, out var g) && g > long.Parse(Values[0], System.Globalization.CultureInfo.InvariantCulture),
            "lt" => has && long.TryParse(value, out var l) && l < long.Parse(Values[0], System.Globalization.CultureInfo.InvariantCulture),
            _ => false,
        };
    }

    public override string ToString() => Operator switch
    {
        "exists" => Key,
        "!" => "!" + Key,
        "in" or "notin" => $"{Key} {Operator} ({string.Join(",", Values.Order(StringComparer.Ordinal))})",
        _ => $"{Key}{Operator}{Values[0]}",
    };
}

/// <summary>
/// A label selector in both of Kubernetes' forms: the string form of `-l`
/// (<c>a=b,c!=d,e in (x,y),f notin (z),g,!h</c>) and metav1.LabelSelector objects.
/// All requirements must hold (AND). The empty selector matches everything.
/// </summary>
public sealed class LabelSelector
{
    private LabelSelector(IReadOnlyList<LabelRequirement> requirements, bool matchesNothing = false)
    {
        Requirements = requirements;
        MatchesNothing = matchesNothing;
    }

    public IReadOnlyList<LabelRequirement> Requirements { get; }

    /// <summary>A null metav1.LabelSelector selects nothing (unlike the empty one).</summary>
    public bool MatchesNothing { get; }

    public bool IsEmpty => Requirements.Count == 0 && !MatchesNothing;

    public static readonly LabelSelector Everything = new([]);

    public static readonly LabelSelector Nothing = new([], matchesNothing: true);

    public bool Matches(IReadOnlyDictionary<string, string> labels) => !MatchesNothing && Requirements.All(r => r.Matches(labels));

    public bool Matches(JsonObject? labels)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (labels is not null)
        {
            foreach (var (k, v) in labels)
            {
                map[k] = v is JsonValue jv && jv.TryGetValue<string>(out var s) ? s : v?.ToJsonString() ?? "";
            }
        }

        return Matches(map);
    }

    public override string ToString() => string.Join(",", Requirements.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => r.ToString()));

    /// <summary>Builds from a metav1.LabelSelector (matchLabels AND matchExpressions); null selects nothing.</summary>
    public static LabelSelector FromJson(JsonObject? selector)
    {
        if (selector is null)
        {
            return Nothing;
        }

        var reqs = new List<LabelRequirement>();
        if (selector["matchLabels"] is JsonObject ml)
        {
            foreach (var (k, v) in ml)
            {
                reqs.Add(new LabelRequirement(k, "=", [v?.GetValue<string>() ?? ""]));
            }
        }

        if (selector["matchExpressions"] is JsonArray me)
        {
            foreach (var e in me.OfType<JsonObject>())
            {
                var key = e["key"]?.GetValue<string>() ?? "";
                var values = (e["values"] as JsonArray)?.Select(v => v?.GetValue<string>() ?? "").ToList() ?? [];
                var op = e["operator"]?.GetValue<string>() switch
                {
                    "In" => "in",
                    "NotIn" => "notin",
                    "Exists" => "exists",
                    "DoesNotExist" => "!",
                    var other => throw new FormatException($"\"{other}\" is not a valid label selector operator"),
                };
                reqs.Add(new LabelRequirement(key, op, values));
            }
        }

        return new LabelSelector(reqs);
    }

    /// <summary>Parses the string form; on failure <paramref name="error"/> says why.</summary>
    public static bool TryParse(string text, out LabelSelector selector, out string error)
    {
        selector = Everything;
        error = "";
        var reqs = new List<LabelRequirement>();
        var parser = new SelectorLexer(text);
        try
        {
            while (parser.SkipSpaces())
            {
                reqs.Add(parser.ReadRequirement());
                parser.SkipSpaces();
                if (!parser.End && !parser.TryConsume(','))
                {
                    throw new FormatException($"found '{parser.Peek()}', expected: ',' or 'end of string'");
                }
            }
        }
        catch (FormatException e)
        {
            error = e.Message;
            return false;
        }

        selector = new LabelSelector(reqs);
        return true;
    }

    private ref struct SelectorLexer(string text)
    {
        private int _pos;

        public readonly bool End => _pos >= text.Length;

        public readonly char Peek() => text[_pos];

        public bool SkipSpaces()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos]))
            {
                _pos++;
            }

            return _pos < text.Length;
        }

        public bool TryConsume(char c)
        {
            if (_pos < text.Length && text[_pos] == c)
            {
                _pos++;
                return true;
            }

            return false;
        }

        public LabelRequirement ReadRequirement()
        {
            if (TryConsume('!'))
            {
                SkipSpaces();
                return new LabelRequirement(ReadKey(), "!", []);
            }

            var key = ReadKey();
            SkipSpaces();
            if (End || text[_pos] == ',')
            {
                return new LabelRequirement(key, "exists", []);
            }

            if (TryConsume('='))
            {
                var op = TryConsume('=') ? "==" : "=";
                return new LabelRequirement(key, op, [ReadValue()]);
            }

            if (TryConsume('!'))
            {
                if (!TryConsume('='))
                {
                    throw new FormatException("expected '=' after '!'");
                }

                return new LabelRequirement(key, "!=", [ReadValue()]);
            }

            var word = ReadKey();
            return word switch
            {
                "in" or "notin" => new LabelRequirement(key, word, ReadSet()),
                _ => throw new FormatException($"found '{word}', expected: in, notin, =, ==, !=, gt, lt"),
            };
        }

        private string ReadKey()
        {
            SkipSpaces();
            var start = _pos;
            while (_pos < text.Length && (char.IsLetterOrDigit(text[_pos]) || text[_pos] is '-' or '_' or '.' or '/'))
            {
                _pos++;
            }

            if (_pos == start)
            {
                throw new FormatException(End ? "found '', expected: identifier" : $"found '{text[_pos]}', expected: identifier");
            }

            return text[start.._pos];
        }

        private string ReadValue()
        {
            SkipSpaces();
            var start = _pos;
            while (_pos < text.Length && (char.IsLetterOrDigit(text[_pos]) || text[_pos] is '-' or '_' or '.'))
            {
                _pos++;
            }

            return text[start.._pos];
        }

        private List<string> ReadSet()
        {
            SkipSpaces();
            if (!TryConsume('('))
            {
                throw new FormatException("found '', expected: '('");
            }

            var values = new List<string>();
            while (true)
            {
                values.Add(ReadValue());
                SkipSpaces();
                if (TryConsume(')'))
                {
                    return values;
                }

                if (!TryConsume(','))
                {
                    throw new FormatException("found '', expected: ',' or ')'");
                }
            }
        }
    }
}
