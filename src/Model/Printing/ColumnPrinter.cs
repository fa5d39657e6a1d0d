using System.Text.Json.Nodes;
using Kura.Model.Meta;

namespace Kura.Model.Printing;

/// <summary>A printer made of a column list and a row function: most kinds need nothing more.</summary>
public sealed class ColumnPrinter(IReadOnlyList<TableColumn> columns, Func<JsonObject, DateTimeOffset, object?[]> row) : ITablePrinter
{
    public IReadOnlyList<TableColumn> Columns { get; } = columns;

    public IReadOnlyList<object?> Row(JsonObject obj, DateTimeOffset now) => row(obj, now);

    public static TableColumn Name() => new("Name", "string", "name", "Name must be unique within a namespace.");

    public static TableColumn Age() => new("Age", "string", "", "CreationTimestamp is a timestamp representing the server time when this object was created.");

    public static TableColumn Text(string name, string description, int priority = 0) => new(name, "string", "", description, priority);

    public static TableColumn Integer(string name, string description, int priority = 0) => new(name, "integer", "", description, priority);

    public static string AgeOf(JsonObject obj, DateTimeOffset now) => HumanDuration.Since(Obj.GetString(obj, "metadata", "creationTimestamp"), now);

    public static string NameOf(JsonObject obj) => Obj.Name(obj);

    public static string? Str(JsonNode? node, params string[] path) => Obj.GetString(node, path);

    public static long Int(JsonNode? node, params string[] path)
    {
        foreach (var p in path)
        {
            node = (node as JsonObject)?[p];
        }

        return node is JsonValue v && v.TryGetValue<long>(out var l) ? l : 0;
    }

    public static bool? Bool(JsonNode? node, params string[] path)
    {
        foreach (var p in path)
        {
            node = (node as JsonObject)?[p];
        }

        return node is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;
    }
}
