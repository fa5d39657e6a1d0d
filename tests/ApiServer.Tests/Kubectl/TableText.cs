using System.Text.RegularExpressions;

namespace Kura.ApiServer.Tests.Kubectl;

/// <summary>Splits kubectl's column output into cells (columns are separated by two or more spaces).</summary>
public static partial class TableText
{
    public static List<string[]> Rows(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => Columns().Split(l.TrimEnd()))];

    /// <summary>The row whose first cell is <paramref name="name"/>, as a header→cell map.</summary>
    public static Dictionary<string, string> Row(string output, string name)
    {
        var rows = Rows(output);
        var header = rows[0];
        var row = rows.Skip(1).FirstOrDefault(r => r[0] == name) ?? throw new Xunit.Sdk.XunitException($"no row {name} in:\n{output}");
        var map = new Dictionary<string, string>();
        for (var i = 0; i < header.Length; i++)
        {
            map[header[i]] = i < row.Length ? row[i] : "";
        }

        return map;
    }

    [GeneratedRegex(@"\s{2,}")]
    private static partial Regex Columns();
}
