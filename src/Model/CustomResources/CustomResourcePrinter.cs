using System.Text.Json.Nodes;
using Kura.Model.Printing;

namespace Kura.Model.CustomResources;

/// <summary>
/// Table rows for a custom resource: NAME, then the CRD's additionalPrinterColumns (date columns
/// as ages), or NAME and AGE when it declares none — as kube-apiserver prints CRs.
/// </summary>
public sealed class CustomResourcePrinter : ITablePrinter
{
    private readonly List<(TableColumn Column, string JsonPath)> _columns = [];

    public CustomResourcePrinter(JsonArray? additionalPrinterColumns)
    {
        var columns = new List<TableColumn> { ColumnPrinter.Name() };
        if (additionalPrinterColumns is null || additionalPrinterColumns.Count == 0)
        {
            columns.Add(ColumnPrinter.Age());
            _columns.Add((ColumnPrinter.Age(), ".metadata.creationTimestamp"));
        }
        else
        {
            foreach (var c in additionalPrinterColumns.OfType<JsonObject>())
            {
                var type = c["type"]?.GetValue<string>() ?? "string";
                var column = new TableColumn(
                    c["name"]?.GetValue<string>() ?? "",
                    type,
                    c["format"]?.GetValue<string>() ?? "",
                    c["description"]?.GetValue<string>() ?? "",
                    (int)(c["priority"]?.GetValue<long>() ?? 0));
                columns.Add(column);
                _columns.Add((column, c["jsonPath"]?.GetValue<string>() ?? ""));
            }
        }

        Columns = columns;
    }

    public IReadOnlyList<TableColumn> Columns { get; }

    public IReadOnlyList<object?> Row(JsonObject obj, DateTimeOffset now)
    {
        var cells = new List<object?> { ColumnPrinter.NameOf(obj) };
        foreach (var (column, path) in _columns)
        {
            var value = SimpleJsonPath.Evaluate(obj, path);
            if (column.Type == "date" || (column.Name == "Age" && path == ".metadata.creationTimestamp"))
            {
                cells.Add(value is JsonValue v && v.TryGetValue<string>(out var ts) ? HumanDuration.Since(ts, now) : "<unknown>");
            }
            else
            {
                cells.Add(SimpleJsonPath.CellValue(value, column.Type));
            }
        }

        return cells;
    }
}
