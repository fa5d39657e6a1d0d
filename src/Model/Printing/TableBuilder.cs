using System.Text.Json.Nodes;

namespace Kura.Model.Printing;

/// <summary>Builds meta.k8s.io/v1 Table responses (reference/kubernetes.md §2.4).</summary>
public static class TableBuilder
{
    public static JsonObject Build(ITablePrinter printer, IEnumerable<JsonObject> objects, string listResourceVersion, string? continueToken, string includeObject, DateTimeOffset now, bool includeColumns = true)
    {
        var metadata = new JsonObject { ["resourceVersion"] = listResourceVersion };
        if (!string.IsNullOrEmpty(continueToken))
        {
            metadata["continue"] = continueToken;
        }

        var columns = new JsonArray();
        if (includeColumns)
        {
            foreach (var c in printer.Columns)
            {
                columns.Add(new JsonObject { ["name"] = c.Name, ["type"] = c.Type, ["format"] = c.Format, ["description"] = c.Description, ["priority"] = c.Priority });
            }
        }

        var rows = new JsonArray();
        foreach (var obj in objects)
        {
            var cells = new JsonArray();
            foreach (var cell in printer.Row(obj, now))
            {
                cells.Add(cell switch
                {
                    null => null,
                    string s => JsonValue.Create(s),
                    long l => JsonValue.Create(l),
                    int i => JsonValue.Create(i),
                    double d => JsonValue.Create(d),
                    bool b => JsonValue.Create(b),
                    JsonNode n => n.DeepClone(),
                    _ => JsonValue.Create(cell.ToString()),
                });
            }

            var row = new JsonObject { ["cells"] = cells };
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

            rows.Add(row);
        }

        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = metadata,
            ["columnDefinitions"] = columns,
            ["rows"] = rows,
        };
    }
}
