using System.Text;

namespace Kura.Model.Selectors;

/// <summary>One term of a field selector: field, equal ("=" or "==") or not ("!="), unescaped value.</summary>
public sealed record FieldRequirement(string Field, bool Equal, string Value)
{
    public string Operator => Equal ? "=" : "!=";

    /// <summary>hasTerm/notHasTerm.String: the value re-escaped.</summary>
    public override string ToString() => Field + Operator + FieldSelector.EscapeValue(Value);
}

/// <summary>
/// A field selector (apimachinery/pkg/fields.ParseSelector): comma-separated terms <c>field=value</c>,
/// <c>field==value</c> or <c>field!=value</c>. In values, '\\', ',' and '=' must be escaped with a
/// backslash. A missing field reads as "", so <c>involvedObject.namespace=</c> selects cluster-scoped
/// objects' events. Terms are kept sorted, as Kubernetes sorts them.
/// </summary>
public sealed class FieldSelector
{
    private FieldSelector(IReadOnlyList<FieldRequirement> requirements) => Requirements = requirements;

    public static readonly FieldSelector Everything = new([]);

    public IReadOnlyList<FieldRequirement> Requirements { get; }

    public bool IsEmpty => Requirements.Count == 0;

    /// <summary>True when every term holds; <paramref name="getField"/> returns null (read as "") for a missing field.</summary>
    public bool Matches(Func<string, string?> getField)
    {
        foreach (var r in Requirements)
        {
            if (((getField(r.Field) ?? "") == r.Value) != r.Equal)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Selector.RequiresExactMatch: the value an "=" term demands of <paramref name="field"/>.</summary>
    public bool RequiresExactMatch(string field, out string value)
    {
        foreach (var r in Requirements)
        {
            if (r.Field == field && r.Equal)
            {
                value = r.Value;
                return true;
            }
        }

        value = "";
        return false;
    }

    public override string ToString() => string.Join(",", Requirements.Select(r => r.ToString()));

    /// <summary>fields.ParseSelector; on failure <paramref name="error"/> has Kubernetes' text.</summary>
    public static bool TryParse(string text, out FieldSelector selector, out string error)
    {
        selector = Everything;
        error = "";
        var terms = SplitTerms(text);
        terms.Sort(StringComparer.Ordinal);
        var reqs = new List<FieldRequirement>();
        foreach (var term in terms)
        {
            if (term.Length == 0)
            {
                continue;
            }

            if (!SplitTerm(term, out var field, out var op, out var raw))
            {
                error = $"invalid selector: '{text}'; can't understand '{term}'";
                return false;
            }

            if (!TryUnescapeValue(raw, out var value, out error))
            {
                return false;
            }

            reqs.Add(new FieldRequirement(field, op != "!=", value));
        }

        selector = reqs.Count == 0 ? Everything : new FieldSelector(reqs);
        return true;
    }

    /// <summary>fields.EscapeValue: backslash before '\\', ',' and '='.</summary>
    public static string EscapeValue(string value)
    {
        if (value.AsSpan().IndexOfAny('\\', ',', '=') < 0)
        {
            return value;
        }

        var sb = new StringBuilder(value.Length + 4);
        foreach (var c in value)
        {
            if (c is '\\' or ',' or '=')
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    /// <summary>fields.UnescapeValue, with its errors for unknown escapes and bare ',' or '='.</summary>
    public static bool TryUnescapeValue(string text, out string value, out string error)
    {
        value = text;
        error = "";
        if (text.AsSpan().IndexOfAny('\\', ',', '=') < 0)
        {
            return true;
        }

        var sb = new StringBuilder(text.Length);
        var inSlash = false;
        foreach (var c in text)
        {
            if (inSlash)
            {
                if (c is not ('\\' or ',' or '='))
                {
                    error = $"invalid field selector: invalid escape sequence: \\{c}";
                    return false;
                }

                sb.Append(c);
                inSlash = false;
                continue;
            }

            switch (c)
            {
                case '\\':
                    inSlash = true;
                    break;
                case ',' or '=':
                    // Go prints the rune with %v, i.e. as its code point number.
                    error = $"invalid field selector: unescaped character in value: {(int)c}";
                    return false;
                default:
                    sb.Append(c);
                    break;
            }
        }

        if (inSlash)
        {
            error = "invalid field selector: invalid escape sequence: \\";
            return false;
        }

        value = sb.ToString();
        return true;
    }

    // Commas split terms unless escaped; the escaping backslash stays in the term.
    private static List<string> SplitTerms(string text)
    {
        var terms = new List<string>();
        if (text.Length == 0)
        {
            return terms;
        }

        var start = 0;
        var inSlash = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (inSlash)
            {
                inSlash = false;
            }
            else if (text[i] == '\\')
            {
                inSlash = true;
            }
            else if (text[i] == ',')
            {
                terms.Add(text[start..i]);
                start = i + 1;
            }
        }

        terms.Add(text[start..]);
        return terms;
    }

    // The first operator occurrence splits the term; "!=" and "==" are tried before "=".
    private static bool SplitTerm(string term, out string field, out string op, out string value)
    {
        for (var i = 0; i < term.Length; i++)
        {
            foreach (var candidate in (ReadOnlySpan<string>)["!=", "==", "="])
            {
                if (term.AsSpan(i).StartsWith(candidate, StringComparison.Ordinal))
                {
                    field = term[..i];
                    op = candidate;
                    value = term[(i + candidate.Length)..];
                    return true;
                }
            }
        }

        field = op = value = "";
        return false;
    }
}
