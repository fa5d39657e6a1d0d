using System.Text.Json.Nodes;

namespace Kura.Model.Schemas;

/// <summary>
/// A set of OpenAPI v3 component schemas keyed by definition name
/// (e.g. "io.k8s.api.core.v1.PersistentVolumeSpec"). Built-in kinds and CRDs both resolve their
/// structure here: strict field validation, strategic-merge-patch keys, OpenAPI documents and
/// <c>kubectl explain</c> all read the same schemas.
/// </summary>
public sealed class SchemaSet
{
    private readonly Dictionary<string, JsonObject> _components = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, JsonObject> Components => _components;

    public void Add(string name, JsonObject schema) => _components[name] = schema;

    public JsonObject? Get(string name) => _components.TryGetValue(name, out var s) ? s : null;

    /// <summary>
    /// Follows "$ref" and a single-element "allOf" wrapper (the form Kubernetes' v3 documents use
    /// for references with sibling keywords) until a concrete schema is reached.
    /// </summary>
    public JsonObject? Resolve(JsonObject? schema)
    {
        for (var depth = 0; schema is not null && depth < 16; depth++)
        {
            if (schema["$ref"]?.GetValue<string>() is { } reference)
            {
                schema = Get(RefName(reference));
                continue;
            }

            if (schema["allOf"] is JsonArray { Count: 1 } allOf && allOf[0] is JsonObject inner && schema["properties"] is null)
            {
                schema = inner;
                continue;
            }

            return schema;
        }

        return schema;
    }

    /// <summary>The schema of property <paramref name="name"/> of an object schema, resolved.</summary>
    public JsonObject? Property(JsonObject? schema, string name)
    {
        var resolved = Resolve(schema);
        if (resolved?["properties"] is JsonObject props && props[name] is JsonObject p)
        {
            return p;
        }

        return null;
    }

    /// <summary>The item schema of an array schema, resolved.</summary>
    public JsonObject? Items(JsonObject? schema) => Resolve(Resolve(schema)?["items"] as JsonObject);

    /// <summary>The value schema of a map (additionalProperties), resolved.</summary>
    public JsonObject? AdditionalProperties(JsonObject? schema) => Resolve(Resolve(schema)?["additionalProperties"] as JsonObject);

    /// <summary>Turns "#/components/schemas/X" (v3) or "#/definitions/X" (v2) into "X".</summary>
    public static string RefName(string reference)
    {
        var slash = reference.LastIndexOf('/');
        return slash >= 0 ? reference[(slash + 1)..] : reference;
    }
}
