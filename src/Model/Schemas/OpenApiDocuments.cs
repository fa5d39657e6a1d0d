using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Kura.Model.Registry;

namespace Kura.Model.Schemas;

/// <summary>
/// The /openapi/v3 documents kubectl reads: an index of group-versions, and per group-version a
/// document whose PATCH operations declare the fieldValidation parameter (what makes
/// `kubectl apply` use server-side validation, reference/kubernetes.md §2.3) and whose
/// components hold the kinds' schemas (what `kubectl explain` prints).
/// </summary>
public static class OpenApiDocuments
{
    public static JsonObject BuildIndex(IEnumerable<ResourceType> types, SchemaSet set)
    {
        var paths = new JsonObject();
        foreach (var gv in types.Select(GvPath).Distinct())
        {
            var doc = BuildGroupVersion(gv, types, set)!;
            paths[gv] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{gv}?hash={Hash(doc)}" };
        }

        return new JsonObject { ["paths"] = paths };
    }

    /// <summary>"api/v1" or "apis/apps/v1" → its document; null when nothing is served there.</summary>
    public static JsonObject? BuildGroupVersion(string gvPath, IEnumerable<ResourceType> types, SchemaSet set)
    {
        var served = types.Where(t => GvPath(t) == gvPath).ToList();
        if (served.Count == 0)
        {
            return null;
        }

        var paths = new JsonObject();
        var schemas = new JsonObject();
        foreach (var t in served)
        {
            var gvk = new JsonObject { ["group"] = t.Group, ["version"] = t.Version, ["kind"] = t.Kind };
            var root = "/" + gvPath + (t.Namespaced ? "/namespaces/{namespace}/" : "/") + t.Plural;
            var schemaRef = t.SchemaName is not null && set.Get(t.SchemaName) is not null ? Ref(t.SchemaName) : new JsonObject { ["type"] = "object" };
            paths[root] = new JsonObject
            {
                ["get"] = Operation("list" + t.Kind, gvk, "list", schemaRef, []),
                ["post"] = Operation("create" + t.Kind, gvk, "post", schemaRef, FieldValidation()),
                ["delete"] = Operation("deletecollection" + t.Kind, gvk, "deletecollection", schemaRef, []),
            };
            paths[root + "/{name}"] = new JsonObject
            {
                ["get"] = Operation("read" + t.Kind, gvk, "get", schemaRef, []),
                ["put"] = Operation("replace" + t.Kind, gvk, "put", schemaRef, FieldValidation()),
                ["patch"] = Operation("patch" + t.Kind, gvk, "patch", schemaRef, FieldValidation()),
                ["delete"] = Operation("delete" + t.Kind, gvk, "delete", schemaRef, []),
            };
            if (t.SchemaName is not null)
            {
                CollectReachable(t.SchemaName, set, schemas, gvk);
            }
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.32.0" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = schemas },
        };
    }

    private static string GvPath(ResourceType t) => t.Group.Length == 0 ? $"api/{t.Version}" : $"apis/{t.Group}/{t.Version}";

    private static JsonObject Operation(string id, JsonObject gvk, string action, JsonObject schemaRef, JsonArray parameters) => new()
    {
        ["operationId"] = id,
        ["x-kubernetes-action"] = action,
        ["x-kubernetes-group-version-kind"] = gvk.DeepClone(),
        ["parameters"] = parameters,
        ["responses"] = new JsonObject
        {
            ["200"] = new JsonObject
            {
                ["description"] = "OK",
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = schemaRef.DeepClone() } },
            },
        },
    };

    private static JsonArray FieldValidation() =>
    [
        new JsonObject
        {
            ["name"] = "fieldValidation",
            ["in"] = "query",
            ["description"] = "How the server handles unknown or duplicate fields: Ignore, Warn or Strict.",
            ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true },
        },
    ];

    private static JsonObject Ref(string name) => new() { ["$ref"] = "#/components/schemas/" + name };

    /// <summary>Copies a schema and every definition it references; the top-level kind gets its GVK extension.</summary>
    private static void CollectReachable(string name, SchemaSet set, JsonObject into, JsonObject? gvk)
    {
        var pending = new Stack<string>([name]);
        while (pending.TryPop(out var current))
        {
            if (into.ContainsKey(current) || set.Get(current) is not JsonObject schema)
            {
                continue;
            }

            var copy = (JsonObject)schema.DeepClone();
            if (current == name && gvk is not null && copy["x-kubernetes-group-version-kind"] is null)
            {
                copy["x-kubernetes-group-version-kind"] = new JsonArray(gvk.DeepClone());
            }

            into[current] = copy;
            foreach (var reference in References(copy))
            {
                pending.Push(reference);
            }
        }
    }

    private static IEnumerable<string> References(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o)
                {
                    if (k == "$ref" && v is JsonValue r)
                    {
                        yield return SchemaSet.RefName(r.GetValue<string>());
                    }
                    else
                    {
                        foreach (var x in References(v))
                        {
                            yield return x;
                        }
                    }
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    foreach (var x in References(item))
                    {
                        yield return x;
                    }
                }

                break;
        }
    }

    private static string Hash(JsonObject doc) =>
        Convert.ToHexString(SHA512.HashData(Encoding.UTF8.GetBytes(doc.ToJsonString())))[..64];
}
