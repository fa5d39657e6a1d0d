using System.Text;

namespace Kura.Model.Selectors;

/// <summary>One term of a field selector: field, "=" / "==" / "!=", value.</summary>
public sealed record FieldRequirement(string Field, bool Equal, string Value);

/// <summary>
/// A field selector (apimachinery/pkg/fields): comma-separated equality terms, with backslash
/// escapes for ',', '=' and '\' in values. An empty value is a real value ("involvedObject.namespace=").
/// </summary>
public sealed class FieldSelector
{
    private FieldSelector(IReadOnlyList<FieldRequirement> requirements) => Requirements = requirements;

    public IReadOnlyList<FieldRequirement> Requirements { get; }

    public bool Matches(Func<string, string?> getField) =>
        Requirements.All(r => (getField(r.Field) ?? "") == r.Value == r.Equal);

    public static bool TryParse(string text, out FieldSelector selector, out string error)
    {
        selector = new FieldSelector([]);
        error = "";
        var reqs = new List<FieldRequirement>();
        foreach (var term in SplitTerms(text))
        {
            if (term.Length == 0)
            {
                continue;
            }

            var (field, op, value) = SplitTerm(term);
            if (op is null)
            {
                error = $"invalid selector: '{text}'; can't understand '{term}'";
                return false;
            }

            reqs.Add(new FieldRequirement(field.Trim(), op != "!=", Unescape(value)));
        }

        selector = new FieldSelector(reqs);
        return true;
    }

    private static IEnumerable<string> SplitTerms(string text)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                sb.Append(text[i]).Append(text[i + 1]);
                i++;
            }
            else if (text[i] == ',')
            {
                yield return sb.ToString();
                sb.Clear();
            }
            else
            {
                sb.Append(text[i]);
            }
        }

        yield return sb.ToString();
    }

    private static (string Field, string? Op, string Value) SplitTerm(string term)
    {
        for (var i = 0; i < term.Length; i++)
        {
            if (term[i] == '\\')
            {
                i++;
                continue;
            }

            if (term[i] == '!' && i + 1 < term.Length && term[i + 1] == '=')
            {
                return (term[..i], "!=", term[(i + 2)..]);
            }

            if (term[i] == '=')
            {
                var doubled = i + 1 < term.Length && term[i + 1] == '=';
                return (term[..i], doubled ? "==" : "=", term[(i + (doubled ? 2 : 1))..]);
            }
        }

        return (term, null, "");
    }

    private static string Unescape(string value)
    {
        if (!value.Contains('\\', StringComparison.Ordinal))
        {
            return value;
        }

        var sb = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                i++;
            }

            sb.Append(value[i]);
        }

        return sb.ToString();
    }
}
