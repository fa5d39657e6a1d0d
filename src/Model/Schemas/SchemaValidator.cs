using System.Text.Json.Nodes;

namespace Kura.Model.Schemas;

/// <summary>
/// Unknown-field detection and pruning against OpenAPI schemas, as kube-apiserver's strict
/// decoding and structural pruning do: objects with "properties" know their fields, maps
/// ("additionalProperties") and x-kubernetes-preserve-unknown-fields accept anything.
/// </summary>
public static class SchemaValidator
{
    private static readonly string[] TypeMetaFields = ["apiVersion", "kind"];

    public static IReadOnlyList<string> FindUnknownFields(JsonNode obj, JsonObject rootSchema, SchemaSet set)
    {
        var unknown = new List<string>();
        Walk(obj, rootSchema, set, "", unknown, prune: false, depth: 0);
        return unknown;
    }

    /// <summary>Removes unknown fields in place.</summary>
    public static void Prune(JsonNode obj, JsonObject rootSchema, SchemaSet set) =>
        Walk(obj, rootSchema, set, "", [], prune: true, depth: 0);

    /// <summary>The 400 message kube-apiserver gives under fieldValidation=Strict.</summary>
    public static string StrictDecodingMessage(string kind, string version, IReadOnlyList<string> unknownPaths) =>
        $"{kind} in version \"{version}\" cannot be handled as a {kind}: strict decoding error: " +
        string.Join(", ", unknownPaths.Select(p => $"unknown field \"{p}\""));

    private static void Walk(JsonNode? node, JsonObject? schema, SchemaSet set, string path, List<string> unknown, bool prune, int depth)
    {
        schema = set.Resolve(schema);
        if (node is null || schema is null || depth > 64 || schema["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true)
        {
            return;
        }

        switch (node)
        {
            case JsonObject obj when schema["properties"] is JsonObject props:
                foreach (var (key, value) in obj.ToList())
                {
                    if (props[key] is JsonObject propSchema)
                    {
                        Walk(value, propSchema, set, Join(path, key), unknown, prune, depth + 1);
                    }
                    else if (!(depth == 0 && TypeMetaFields.Contains(key)))
                    {
                        unknown.Add(Join(path, key));
                        if (prune)
                        {
                            obj.Remove(key);
                        }
                    }
                }

                break;
            case JsonObject map when schema["additionalProperties"] is JsonObject valueSchema:
                foreach (var (key, value) in map)
                {
                    Walk(value, valueSchema, set, Join(path, key), unknown, prune, depth + 1);
                }

                break;
            case JsonArray arr when schema["items"] is JsonObject itemSchema:
                for (var i = 0; i < arr.Count; i++)
                {
                    Walk(arr[i], itemSchema, set, $"{path}[{i}]", unknown, prune, depth + 1);
                }

                break;
        }
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";
}
