using System.Text.Json.Nodes;

namespace Kura.Model.Printing;

/// <summary>
/// Builds meta.k8s.io/v1 Table responses (reference/kubernetes.md §2.4): metadata (resourceVersion,
/// continue), columnDefinitions with every field present, and one row per object whose cells include
/// the wide (priority 1) columns. The row object is PartialObjectMetadata for includeObject=Metadata
/// (the default), the full object for Object, and omitted for None.
/// </summary>
public static class TableBuilder
{
    public static JsonObject Build(ITablePrinter printer, IEnumerable<JsonObject> objects, string listResourceVersion, string? continueToken, string includeObject, DateTimeOffset now, bool includeColumns = true)
    {
        var metadata = new JsonObject { ["resourceVersion"] = listResourceVersion };
        if (!string.IsNullOrEmpty(continueToken))
        {
            metadata["continue"] = continueToken;
        }

        var rows = new JsonArray();
        foreach (var obj in objects)
        {
            rows.Add(Row(printer, obj, includeObject, now));
        }

        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = metadata,

            // Without headers (later watch events) Go marshals the nil slice as null.
            ["columnDefinitions"] = includeColumns ? Columns(printer) : null,
            ["rows"] = rows,
        };
    }

    private static JsonArray Columns(ITablePrinter printer)
    {
        var columns = new JsonArray();
        foreach (var c in printer.Columns)
        {
            columns.Add(new JsonObject { ["name"] = c.Name, ["type"] = c.Type, ["format"] = c.Format, ["description"] = c.Description, ["priority"] = c.Priority });
        }

        return columns;
    }

    private static JsonObject Row(ITablePrinter printer, JsonObject obj, string includeObject, DateTimeOffset now)
    {
        var cells = new JsonArray();
        foreach (var cell in printer.Row(obj, now))
        {
            cells.Add(Cell(cell));
        }

        var row = new JsonObject { ["cells"] = cells };
        if (printer is ITableRowConditions withConditions && withConditions.Conditions(obj) is { Count: > 0 } conditions)
        {
            row["conditions"] = conditions;
        }

        switch (includeObject)
        {
            case "None":
                break;
            case "Object":
                row["object"] = obj.DeepClone();
                break;
            default:
                row["object"] = new JsonObject
                {
                    ["kind"] = "PartialObjectMetadata",
                    ["apiVersion"] = "meta.k8s.io/v1",
                    ["metadata"] = obj["metadata"]?.DeepClone() ?? new JsonObject(),
                };
                break;
        }

        return row;
    }

    private static JsonNode? Cell(object? cell) => cell switch
    {
        null => null,
        string s => JsonValue.Create(s),
        long l => JsonValue.Create(l),
        int i => JsonValue.Create((long)i),
        double d => JsonValue.Create(d),
        bool b => JsonValue.Create(b),
        JsonNode n => n.DeepClone(),
        _ => JsonValue.Create(Convert.ToString(cell, System.Globalization.CultureInfo.InvariantCulture)),
    };
}
