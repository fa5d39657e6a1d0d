using System.Text.RegularExpressions;

namespace Kura.Model.Meta;

/// <summary>Name and label checks with the messages of apimachinery/pkg/util/validation.</summary>
public static partial class NameValidation
{
    private const string Dns1123LabelFmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private const string Dns1123SubdomainFmt = Dns1123LabelFmt + "(\\." + Dns1123LabelFmt + ")*";
    private const string QualifiedNameFmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";

    public static bool IsDns1123Subdomain(string value, out string error)
    {
        error = "";
        if (value.Length > 253)
        {
            error = "must be no more than 253 characters";
            return false;
        }

        if (!Subdomain().IsMatch(value))
        {
            error = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '" + Dns1123SubdomainFmt + "')";
            return false;
        }

        return true;
    }

    public static bool IsDns1123Label(string value, out string error)
    {
        error = "";
        if (value.Length > 63)
        {
            error = "must be no more than 63 characters";
            return false;
        }

        if (!Label().IsMatch(value))
        {
            error = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '" + Dns1123LabelFmt + "')";
            return false;
        }

        return true;
    }

    /// <summary>Label and annotation keys: an optional DNS subdomain prefix and a name part.</summary>
    public static bool IsQualifiedName(string value, out string error)
    {
        error = "";
        var parts = value.Split('/');
        string name;
        if (parts.Length == 1)
        {
            name = parts[0];
        }
        else if (parts.Length == 2)
        {
            if (parts[0].Length == 0)
            {
                error = "prefix part must be non-empty";
                return false;
            }

            if (!IsDns1123Subdomain(parts[0], out var prefixError))
            {
                error = "prefix part " + prefixError;
                return false;
            }

            name = parts[1];
        }
        else
        {
            error = "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '" + QualifiedNameFmt + "') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
            return false;
        }

        if (name.Length == 0)
        {
            error = "name part must be non-empty";
            return false;
        }

        if (name.Length > 63)
        {
            error = "name part must be no more than 63 characters";
            return false;
        }

        if (!Qualified().IsMatch(name))
        {
            error = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '" + QualifiedNameFmt + "')";
            return false;
        }

        return true;
    }

    public static bool IsValidLabelValue(string value, out string error)
    {
        error = "";
        if (value.Length > 63)
        {
            error = "must be no more than 63 characters";
            return false;
        }

        if (value.Length > 0 && !Qualified().IsMatch(value))
        {
            error = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(" + QualifiedNameFmt + ")?')";
            return false;
        }

        return true;
    }

    [GeneratedRegex("^" + Dns1123SubdomainFmt + "$")]
    private static partial Regex Subdomain();

    [GeneratedRegex("^" + Dns1123LabelFmt + "$")]
    private static partial Regex Label();

    [GeneratedRegex("^" + QualifiedNameFmt + "$")]
    private static partial Regex Qualified();
}
