using System.Text.RegularExpressions;

namespace Kura.Model.Meta;

/// <summary>
/// Name, label-key and label-value checks with the messages of apimachinery/pkg/util/validation
/// (IsDNS1123Subdomain, IsDNS1123Label, IsQualifiedName, IsValidLabelValue). The *Errors methods
/// return every message (Kubernetes reports each as its own field error); the Is* methods join
/// them with "; " as label-selector validation does.
/// </summary>
public static partial class NameValidation
{
    public const int Dns1123LabelMaxLength = 63;
    public const int Dns1123SubdomainMaxLength = 253;
    public const int LabelValueMaxLength = 63;
    private const int QualifiedNameMaxLength = 63;

    private const string Dns1123LabelFmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private const string Dns1123SubdomainFmt = Dns1123LabelFmt + "(\\." + Dns1123LabelFmt + ")*";
    private const string QualifiedNameFmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private const string LabelValueFmt = "(" + QualifiedNameFmt + ")?";
    private const string Dns1123LabelMsg = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
    private const string Dns1123SubdomainMsg = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
    private const string QualifiedNameMsg = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    private const string LabelValueMsg = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

    public static bool IsDns1123Subdomain(string value, out string error) => Joined(Dns1123SubdomainErrors(value), out error);

    public static bool IsDns1123Label(string value, out string error) => Joined(Dns1123LabelErrors(value), out error);

    /// <summary>Label and annotation keys: an optional DNS-subdomain prefix, '/', and a name part.</summary>
    public static bool IsQualifiedName(string value, out string error) => Joined(QualifiedNameErrors(value), out error);

    public static bool IsValidLabelValue(string value, out string error) => Joined(LabelValueErrors(value), out error);

    public static IReadOnlyList<string> Dns1123SubdomainErrors(string value)
    {
        var errs = new List<string>();
        if (value.Length > Dns1123SubdomainMaxLength)
        {
            errs.Add(MaxLenError(Dns1123SubdomainMaxLength));
        }

        if (!Subdomain().IsMatch(value))
        {
            errs.Add(RegexError(Dns1123SubdomainMsg, Dns1123SubdomainFmt, "example.com"));
        }

        return errs;
    }

    public static IReadOnlyList<string> Dns1123LabelErrors(string value)
    {
        var errs = new List<string>();
        if (value.Length > Dns1123LabelMaxLength)
        {
            errs.Add(MaxLenError(Dns1123LabelMaxLength));
        }

        if (!Label().IsMatch(value))
        {
            // A valid subdomain that is not a valid label can only be failing on its dots.
            errs.Add(Subdomain().IsMatch(value) ? "must not contain dots" : RegexError(Dns1123LabelMsg, Dns1123LabelFmt, "my-name", "123-abc"));
        }

        return errs;
    }

    public static IReadOnlyList<string> QualifiedNameErrors(string value)
    {
        var errs = new List<string>();
        var parts = value.Split('/');
        string name;
        switch (parts.Length)
        {
            case 1:
                name = parts[0];
                break;
            case 2:
                name = parts[1];
                if (parts[0].Length == 0)
                {
                    errs.Add("prefix part " + EmptyError);
                }
                else
                {
                    errs.AddRange(Dns1123SubdomainErrors(parts[0]).Select(m => "prefix part " + m));
                }

                break;
            default:
                errs.Add("a qualified name " + RegexError(QualifiedNameMsg, QualifiedNameFmt, "MyName", "my.name", "123-abc")
                    + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
                return errs;
        }

        if (name.Length == 0)
        {
            errs.Add("name part " + EmptyError);
        }
        else if (name.Length > QualifiedNameMaxLength)
        {
            errs.Add("name part " + MaxLenError(QualifiedNameMaxLength));
        }

        if (!Qualified().IsMatch(name))
        {
            errs.Add("name part " + RegexError(QualifiedNameMsg, QualifiedNameFmt, "MyName", "my.name", "123-abc"));
        }

        return errs;
    }

    public static IReadOnlyList<string> LabelValueErrors(string value)
    {
        var errs = new List<string>();
        if (value.Length > LabelValueMaxLength)
        {
            errs.Add(MaxLenError(LabelValueMaxLength));
        }

        if (!LabelValue().IsMatch(value))
        {
            errs.Add(RegexError(LabelValueMsg, LabelValueFmt, "MyValue", "my_value", "12345"));
        }

        return errs;
    }

    /// <summary>validation.MaxLenError.</summary>
    public static string MaxLenError(int length) => $"must be no more than {length} characters";

    /// <summary>validation.EmptyError.</summary>
    public const string EmptyError = "must be non-empty";

    /// <summary>validation.RegexError: the message, examples, and the pattern used.</summary>
    public static string RegexError(string message, string pattern, params string[] examples)
    {
        if (examples.Length == 0)
        {
            return message + " (regex used for validation is '" + pattern + "')";
        }

        // Kubernetes joins examples as "'a',  or 'b', " (a comma and " or "), kept byte for byte.
        var text = message + " (e.g. ";
        for (var i = 0; i < examples.Length; i++)
        {
            if (i > 0)
            {
                text += " or ";
            }

            text += "'" + examples[i] + "', ";
        }

        return text + "regex used for validation is '" + pattern + "')";
    }

    private static bool Joined(IReadOnlyList<string> errors, out string error)
    {
        error = string.Join("; ", errors);
        return errors.Count == 0;
    }

    // Go's regexp "$" does not accept a trailing newline, so \z is used instead of $.
    [GeneratedRegex("^" + Dns1123SubdomainFmt + "\\z")]
    private static partial Regex Subdomain();

    [GeneratedRegex("^" + Dns1123LabelFmt + "\\z")]
    private static partial Regex Label();

    [GeneratedRegex("^" + QualifiedNameFmt + "\\z")]
    private static partial Regex Qualified();

    [GeneratedRegex("^" + LabelValueFmt + "\\z")]
    private static partial Regex LabelValue();
}
