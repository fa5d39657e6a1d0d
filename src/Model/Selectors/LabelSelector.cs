using System.Text.Json.Nodes;

namespace Kura.Model.Selectors;

/// <summary>
/// A label selector in both of Kubernetes' forms: the string form of <c>-l</c> / <c>labelSelector=</c>
/// (<c>a=b,c!=d,e in (x,y),f notin (z),g,!h</c>) and metav1.LabelSelector objects. All requirements must
/// hold; the empty selector matches everything, and a null metav1.LabelSelector matches nothing.
/// </summary>
public sealed class LabelSelector
{
    private LabelSelector(IReadOnlyList<LabelRequirement> requirements, bool matchesNothing = false)
    {
        Requirements = requirements;
        MatchesNothing = matchesNothing;
    }

    /// <summary>labels.Everything().</summary>
    public static readonly LabelSelector Everything = new([]);

    /// <summary>labels.Nothing(): what a null metav1.LabelSelector converts to.</summary>
    public static readonly LabelSelector Nothing = new([], matchesNothing: true);

    /// <summary>The requirements, sorted by key.</summary>
    public IReadOnlyList<LabelRequirement> Requirements { get; }

    public bool MatchesNothing { get; }

    /// <summary>Selector.Empty(): true when nothing is restricted (Nothing is not empty).</summary>
    public bool IsEmpty => Requirements.Count == 0 && !MatchesNothing;

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        if (MatchesNothing)
        {
            return false;
        }

        foreach (var r in Requirements)
        {
            if (!r.Matches(labels))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Matches a metadata.labels object (null means no labels).</summary>
    public bool Matches(JsonObject? labels) => Matches(Meta.Obj.StringMap(labels));

    /// <summary>Selector.String(): requirements in key order, comma-separated ("" for Everything and Nothing).</summary>
    public override string ToString() => string.Join(",", Requirements.Select(r => r.ToString()));

    /// <summary>labels.Parse; on failure <paramref name="error"/> has Kubernetes' text.</summary>
    public static bool TryParse(string text, out LabelSelector selector, out string error)
    {
        if (LabelSelectorParser.TryParse(text, out var reqs, out error))
        {
            selector = reqs.Count == 0 ? Everything : new LabelSelector(reqs);
            return true;
        }

        selector = Everything;
        return false;
    }

    /// <summary>metav1.LabelSelectorAsSelector: matchLabels AND matchExpressions; null selects nothing.</summary>
    public static bool TryFromJson(JsonObject? selector, out LabelSelector result, out string error)
    {
        error = "";
        result = Nothing;
        if (selector is null)
        {
            return true;
        }

        var reqs = new List<LabelRequirement>();
        if (selector["matchLabels"] is JsonObject matchLabels)
        {
            foreach (var (k, v) in matchLabels)
            {
                if (!TryAdd(reqs, k, LabelRequirement.EqualsOp, [Meta.Obj.AsString(v)], out error))
                {
                    return false;
                }
            }
        }

        if (selector["matchExpressions"] is JsonArray expressions)
        {
            foreach (var e in expressions.OfType<JsonObject>())
            {
                var opText = Meta.Obj.GetString(e, "operator") ?? "";
                var op = opText switch
                {
                    "In" => LabelRequirement.InOp,
                    "NotIn" => LabelRequirement.NotInOp,
                    "Exists" => LabelRequirement.ExistsOp,
                    "DoesNotExist" => LabelRequirement.DoesNotExistOp,
                    _ => null,
                };
                if (op is null)
                {
                    error = $"{LabelRequirement.Quote(opText)} is not a valid label selector operator";
                    return false;
                }

                var values = (e["values"] as JsonArray)?.Select(Meta.Obj.AsString).ToList() ?? [];
                if (!TryAdd(reqs, Meta.Obj.GetString(e, "key") ?? "", op, values, out error))
                {
                    return false;
                }
            }
        }

        result = reqs.Count == 0 ? Everything : new LabelSelector([.. reqs.OrderBy(r => r.Key, StringComparer.Ordinal)]);
        return true;
    }

    /// <summary>Like <see cref="TryFromJson"/>, but an invalid selector selects nothing (never throws).</summary>
    public static LabelSelector FromJson(JsonObject? selector) => TryFromJson(selector, out var s, out _) ? s : Nothing;

    /// <summary>metav1.FormatLabelSelector, as kubectl prints a SELECTOR column: "&lt;none&gt;" when empty, "&lt;error&gt;" when invalid.</summary>
    public static string Format(JsonObject? selector)
    {
        if (!TryFromJson(selector, out var s, out _))
        {
            return "<error>";
        }

        var text = s.ToString();
        return text.Length == 0 ? "<none>" : text;
    }

    /// <summary>A selector requiring exactly these labels (labels.SelectorFromSet).</summary>
    public static LabelSelector FromSet(IReadOnlyDictionary<string, string> labels) =>
        labels.Count == 0
            ? Everything
            : new LabelSelector([.. labels.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new LabelRequirement(kv.Key, LabelRequirement.EqualsOp, [kv.Value]))]);

    private static bool TryAdd(List<LabelRequirement> reqs, string key, string op, List<string> values, out string error)
    {
        error = LabelRequirement.Validate(key, op, values) ?? "";
        if (error.Length > 0)
        {
            return false;
        }

        reqs.Add(new LabelRequirement(key, op, values));
        return true;
    }
}
