using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Kura.Model.Meta;

/// <summary>
/// Small accessors over objects in Kubernetes' JSON shape (System.Text.Json.Nodes), the
/// unstructured.Unstructured getters of this codebase. Absent strings read as "" unless noted.
/// </summary>
public static class Obj
{
    /// <summary>metadata, created (and attached) when missing or not an object.</summary>
    public static JsonObject Metadata(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject m)
        {
            return m;
        }

        m = [];
        obj["metadata"] = m;
        return m;
    }

    public static string Name(JsonObject obj) => GetString(obj, "metadata", "name") ?? "";

    /// <summary>metadata.namespace, or null when absent (cluster-scoped objects).</summary>
    public static string? Namespace(JsonObject obj) => GetString(obj, "metadata", "namespace");

    public static string Uid(JsonObject obj) => GetString(obj, "metadata", "uid") ?? "";

    public static string ResourceVersion(JsonObject obj) => GetString(obj, "metadata", "resourceVersion") ?? "";

    public static string ApiVersion(JsonObject obj) => GetString(obj, "apiVersion") ?? "";

    public static string Kind(JsonObject obj) => GetString(obj, "kind") ?? "";

    public static IReadOnlyDictionary<string, string> Labels(JsonObject obj) => StringMap(obj["metadata"]?["labels"]);

    public static IReadOnlyDictionary<string, string> Annotations(JsonObject obj) => StringMap(obj["metadata"]?["annotations"]);

    public static IReadOnlyList<string> Finalizers(JsonObject obj) =>
        obj["metadata"]?["finalizers"] is JsonArray a ? [.. a.Select(AsString)] : [];

    /// <summary>The string at a path of property names, or null when absent or not a string.</summary>
    public static string? GetString(JsonNode? node, params string[] path)
    {
        node = At(node, path);
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
    }

    /// <summary>The integer at a path, or null when absent or not an integral number.</summary>
    public static long? GetInt64(JsonNode? node, params string[] path)
    {
        if (At(node, path) is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
        {
            return null;
        }

        if (v.TryGetValue<long>(out var l))
        {
            return l;
        }

        return v.TryGetValue<double>(out var d) && d == Math.Floor(d) && Math.Abs(d) < 9e18 ? (long)d : null;
    }

    /// <summary>The boolean at a path, or null when absent or not a boolean.</summary>
    public static bool? GetBool(JsonNode? node, params string[] path) =>
        At(node, path) is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? v.GetValue<bool>() : null;

    /// <summary>The object at a path, or null.</summary>
    public static JsonObject? GetObject(JsonNode? node, params string[] path) => At(node, path) as JsonObject;

    /// <summary>The array at a path, or null.</summary>
    public static JsonArray? GetArray(JsonNode? node, params string[] path) => At(node, path) as JsonArray;

    /// <summary>The object at a path, creating missing (or non-object) steps.</summary>
    public static JsonObject EnsureObject(JsonObject obj, params string[] path)
    {
        foreach (var p in path)
        {
            if (obj[p] is not JsonObject next)
            {
                next = [];
                obj[p] = next;
            }

            obj = next;
        }

        return obj;
    }

    /// <summary>A node as text: strings as they are, other scalars in JSON form, null as "".</summary>
    public static string AsString(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => node.ToJsonString(),
    };

    /// <summary>A string-to-string map (labels, annotations) from an object node; empty when absent.</summary>
    public static Dictionary<string, string> StringMap(JsonNode? node)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is JsonObject o)
        {
            foreach (var (k, v) in o)
            {
                map[k] = AsString(v);
            }
        }

        return map;
    }

    /// <summary>metav1.Time as Kubernetes writes it: RFC 3339 in UTC, whole seconds, "Z".</summary>
    public static string Rfc3339(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>metav1.MicroTime as Kubernetes writes it: RFC 3339 in UTC with six fractional digits.</summary>
    public static string Rfc3339Micro(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Parses a metav1.Time (any RFC 3339 offset or fraction); null when absent or malformed.</summary>
    public static DateTimeOffset? ParseTime(string? text) =>
        text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ? t : null;

    private static JsonNode? At(JsonNode? node, string[] path)
    {
        foreach (var p in path)
        {
            node = (node as JsonObject)?[p];
        }

        return node;
    }
}
