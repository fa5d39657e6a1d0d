using System.Globalization;

namespace Kura.Model.Selectors;

/// <summary>
/// One requirement of a label selector (apimachinery/pkg/labels.Requirement). <see cref="Operator"/>
/// holds selection.Operator's spelling: "=", "==", "!=", "in", "notin", "exists", "!", "gt", "lt".
/// Values of set operators are sorted and unique, as the parser's string set leaves them.
/// </summary>
public sealed record LabelRequirement(string Key, string Operator, IReadOnlyList<string> Values)
{
    public const string EqualsOp = "=";
    public const string DoubleEqualsOp = "==";
    public const string NotEqualsOp = "!=";
    public const string InOp = "in";
    public const string NotInOp = "notin";
    public const string ExistsOp = "exists";
    public const string DoesNotExistOp = "!";
    public const string GreaterThanOp = "gt";
    public const string LessThanOp = "lt";

    /// <summary>Requirement.Matches: NotIn and != also match when the key is absent.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var has = labels.TryGetValue(Key, out var value);
        return Operator switch
        {
            EqualsOp or DoubleEqualsOp or InOp => has && Values.Contains(value!, StringComparer.Ordinal),
            NotEqualsOp or NotInOp => !has || !Values.Contains(value!, StringComparer.Ordinal),
            ExistsOp => has,
            DoesNotExistOp => !has,
            GreaterThanOp or LessThanOp => has && CompareIntegers(value!),
            _ => false,
        };
    }

    private bool CompareIntegers(string labelValue)
    {
        if (Values.Count != 1
            || !long.TryParse(labelValue, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var actual)
            || !long.TryParse(Values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var bound))
        {
            return false;
        }

        return Operator == GreaterThanOp ? actual > bound : actual < bound;
    }

    /// <summary>Requirement.String: "!k", "k", "k=v", "k!=v", "k in (a,b)", "k>1".</summary>
    public override string ToString()
    {
        var op = Operator switch
        {
            DoesNotExistOp => null,
            ExistsOp => null,
            InOp => " in ",
            NotInOp => " notin ",
            GreaterThanOp => ">",
            LessThanOp => "<",
            _ => Operator,
        };
        if (op is null)
        {
            return Operator == DoesNotExistOp ? "!" + Key : Key;
        }

        var values = Values.Count == 1 ? Values[0] : string.Join(",", Values.Order(StringComparer.Ordinal));
        return Operator is InOp or NotInOp ? $"{Key}{op}({values})" : Key + op + values;
    }

    /// <summary>
    /// labels.NewRequirement's checks: key is a qualified name, value counts fit the operator, values are
    /// valid label values. Null when valid, else Kubernetes' aggregated error text.
    /// </summary>
    public static string? Validate(string key, string op, IReadOnlyList<string> values, string path = "")
    {
        var errors = new List<string>();
        var keyPath = Child(path, "key");
        var valuesPath = Child(path, "values");
        if (!Meta.NameValidation.IsQualifiedName(key, out var keyError))
        {
            errors.Add(FieldInvalid(keyPath, Quote(key), keyError));
        }

        switch (op)
        {
            case InOp or NotInOp when values.Count == 0:
                errors.Add(FieldInvalid(valuesPath, "[]string{}", "for 'in', 'notin' operators, values set can't be empty"));
                break;
            case EqualsOp or DoubleEqualsOp or NotEqualsOp when values.Count != 1:
                errors.Add(FieldInvalid(valuesPath, GoList(values), "exact-match compatibility requires one single value"));
                break;
            case ExistsOp or DoesNotExistOp when values.Count != 0:
                errors.Add(FieldInvalid(valuesPath, GoList(values), "values set must be empty for exists and does not exist"));
                break;
            case GreaterThanOp or LessThanOp:
                if (values.Count != 1)
                {
                    errors.Add(FieldInvalid(valuesPath, GoList(values), "for 'Gt', 'Lt' operators, exactly one value is required"));
                }

                for (var i = 0; i < values.Count; i++)
                {
                    if (!long.TryParse(values[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
                    {
                        errors.Add(FieldInvalid($"{valuesPath}[{i}]", Quote(values[i]), "for 'Gt', 'Lt' operators, the value must be an integer"));
                    }
                }

                break;
            case InOp or NotInOp or EqualsOp or DoubleEqualsOp or NotEqualsOp or ExistsOp or DoesNotExistOp:
                break;
            default:
                errors.Add($"{Child(path, "operator")}: Unsupported value: {Quote(op)}: supported values: \"in\", \"notin\", \"=\", \"==\", \"!=\", \"gt\", \"lt\", \"exists\", \"!\"");
                break;
        }

        for (var i = 0; i < values.Count; i++)
        {
            if (!Meta.NameValidation.IsValidLabelValue(values[i], out var valueError))
            {
                errors.Add(FieldInvalid($"{valuesPath}[{i}][{key}]", Quote(values[i]), valueError));
            }
        }

        // utilerrors.Aggregate: a single message alone, several in brackets.
        return errors.Count switch
        {
            0 => null,
            1 => errors[0],
            _ => "[" + string.Join(", ", errors) + "]",
        };
    }

    internal static string FieldInvalid(string path, string value, string detail) => $"{path}: Invalid value: {value}: {detail}";

    /// <summary>Go's %q for a string: double quotes, backslash escapes for quotes and control characters.</summary>
    internal static string Quote(string s)
    {
        var sb = new System.Text.StringBuilder(s.Length + 2).Append('"');
        foreach (var c in s)
        {
            _ = c switch
            {
                '"' => sb.Append("\\\""),
                '\\' => sb.Append("\\\\"),
                '\n' => sb.Append("\\n"),
                '\r' => sb.Append("\\r"),
                '\t' => sb.Append("\\t"),
                < ' ' or '\x7f' => sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture)),
                _ => sb.Append(c),
            };
        }

        return sb.Append('"').ToString();
    }

    private static string GoList(IReadOnlyList<string> values) => "[]string{" + string.Join(", ", values.Select(Quote)) + "}";

    private static string Child(string path, string name) => path.Length == 0 ? name : path + "." + name;
}
