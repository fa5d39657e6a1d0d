using System.Globalization;
using System.Text.Json.Nodes;

namespace Kura.Model.Meta;

/// <summary>Small accessors over JSON objects in Kubernetes' shape (metadata, labels, annotations).</summary>
public static class Obj
{
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

    public static string? Namespace(JsonObject obj) => GetString(obj, "metadata", "namespace");

    public static string Uid(JsonObject obj) => GetString(obj, "metadata", "uid") ?? "";

    public static string ResourceVersion(JsonObject obj) => GetString(obj, "metadata", "resourceVersion") ?? "";

    public static IReadOnlyDictionary<string, string> Labels(JsonObject obj) => StringMap(obj["metadata"]?["labels"]);

    public static IReadOnlyDictionary<string, string> Annotations(JsonObject obj) => StringMap(obj["metadata"]?["annotations"]);

    public static IReadOnlyList<string> Finalizers(JsonObject obj) =>
        obj["metadata"]?["finalizers"] is JsonArray a ? [.. a.Select(f => f?.GetValue<string>() ?? "")] : [];

    /// <summary>The string at a path of property names, or null when absent or not a string.</summary>
    public static string? GetString(JsonNode? node, params string[] path)
    {
        foreach (var p in path)
        {
            node = (node as JsonObject)?[p];
        }

        return node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
    }

    /// <summary>metav1.Time as Kubernetes writes it: RFC 3339 in UTC with whole seconds.</summary>
    public static string Rfc3339(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Parses a metav1.Time; null when absent or malformed.</summary>
    public static DateTimeOffset? ParseTime(string? text) =>
        text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ? t : null;

    private static Dictionary<string, string> StringMap(JsonNode? node)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is JsonObject o)
        {
            foreach (var (k, v) in o)
            {
                map[k] = v is JsonValue jv && jv.TryGetValue<string>(out var s) ? s : v?.ToJsonString() ?? "";
            }
        }

        return map;
    }
}
