using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kura.Model.Meta;

namespace Kura.Model.Printing;

/// <summary>
/// A printer made of a column list and a row function: every built-in kind needs nothing more.
/// The helpers read the JSON form of an object the way printers.go reads the typed one, so an
/// absent field reads as Go's zero value ("", 0, false).
/// </summary>
public sealed class ColumnPrinter(
    IReadOnlyList<TableColumn> columns,
    Func<JsonObject, DateTimeOffset, object?[]> row,
    Func<JsonObject, JsonArray?>? conditions = null) : ITablePrinter, ITableRowConditions
{
    public IReadOnlyList<TableColumn> Columns { get; } = columns;

    public IReadOnlyList<object?> Row(JsonObject obj, DateTimeOffset now) => row(obj, now);

    public JsonArray? Conditions(JsonObject obj) => conditions?.Invoke(obj);

    /// <summary>The NAME column; format "name" makes kubectl prefix kind/ in multi-type output.</summary>
    public static TableColumn Name(int priority = 0) => new("Name", "string", "name", "Name of the object, unique per kind and namespace.", priority);

    public static TableColumn Age() => new("Age", "string", "", "Time since the object was created.");

    public static TableColumn Text(string name, string description, int priority = 0) => new(name, "string", "", description, priority);

    public static TableColumn Integer(string name, string description, int priority = 0) => new(name, "integer", "", description, priority);

    public static TableColumn Boolean(string name, string description, int priority = 0) => new(name, "boolean", "", description, priority);

    /// <summary>translateTimestampSince(metadata.creationTimestamp).</summary>
    public static string AgeOf(JsonObject obj, DateTimeOffset now) => HumanDuration.Since(Obj.GetString(obj, "metadata", "creationTimestamp"), now);

    public static string NameOf(JsonObject obj) => Obj.Name(obj);

    public static string? Str(JsonNode? node, params string[] path) => Obj.GetString(node, path);

    /// <summary>A string field, "" when absent (Go's zero value).</summary>
    public static string S(JsonNode? node, params string[] path) => Obj.GetString(node, path) ?? "";

    /// <summary>An integer field, 0 when absent.</summary>
    public static long Int(JsonNode? node, params string[] path) => Obj.GetInt64(node, path) ?? 0;

    public static bool? Bool(JsonNode? node, params string[] path) => Obj.GetBool(node, path);

    public static JsonArray Array(JsonNode? node, params string[] path) => Obj.GetArray(node, path) ?? [];

    public static IEnumerable<JsonObject> Objects(JsonNode? node, params string[] path) => Array(node, path).OfType<JsonObject>();

    public static bool Has(JsonNode? node, params string[] path)
    {
        foreach (var p in path)
        {
            node = (node as JsonObject)?[p];
        }

        return node is not null && !(node is JsonValue v && v.GetValueKind() == JsonValueKind.Null);
    }

    public static string Itoa(long value) => value.ToString(CultureInfo.InvariantCulture);
}
