using System.Text.Json.Nodes;
using Kura.Model.Registry;
using Kura.Model.Validation;

namespace Kura.Model.CustomResources;

/// <summary>
/// apiextensions.k8s.io/v1 CustomResourceDefinition: defaulting, the validation that matters
/// for serving (k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation), and turning a
/// CRD into served resource types.
/// </summary>
public static class CustomResourceDefinitions
{
    public static void Default(JsonObject crd)
    {
        if (crd["spec"] is not JsonObject spec)
        {
            return;
        }

        if (spec["names"] is JsonObject names)
        {
            var kind = names["kind"]?.GetValue<string>();
            if (kind is not null)
            {
                names["singular"] ??= kind.ToLowerInvariant();
                names["listKind"] ??= kind + "List";
            }
        }

        spec["conversion"] ??= new JsonObject { ["strategy"] = "None" };
    }

    public static IReadOnlyList<FieldError> Validate(JsonObject crd, JsonObject? old)
    {
        var errors = new List<FieldError>();
        var spec = crd["spec"] as JsonObject;
        var group = spec?["group"]?.GetValue<string>() ?? "";
        var plural = spec?["names"]?["plural"]?.GetValue<string>() ?? "";
        var name = crd["metadata"]?["name"]?.GetValue<string>() ?? "";
        if (name != $"{plural}.{group}")
        {
            errors.Add(FieldError.Invalid("metadata.name", name, "must be spec.names.plural+\".\"+spec.group"));
        }

        if (group.Length == 0)
        {
            errors.Add(FieldError.Required("spec.group"));
        }
        else if (!group.Contains('.', StringComparison.Ordinal))
        {
            errors.Add(FieldError.Invalid("spec.group", group, "should be a domain with at least one dot"));
        }

        foreach (var field in new[] { "plural", "singular", "kind", "listKind" })
        {
            if (string.IsNullOrEmpty(spec?["names"]?[field]?.GetValue<string>()))
            {
                errors.Add(FieldError.Required($"spec.names.{field}"));
            }
        }

        var scope = spec?["scope"]?.GetValue<string>();
        if (scope is not ("Namespaced" or "Cluster"))
        {
            errors.Add(scope is null ? FieldError.Required("spec.scope") : FieldError.NotSupported("spec.scope", scope, ["Cluster", "Namespaced"]));
        }

        var versions = (spec?["versions"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        if (versions.Count == 0)
        {
            errors.Add(FieldError.Invalid("spec.versions", new JsonArray(), "must have exactly one version marked as storage version"));
        }
        else if (versions.Count(v => v["storage"]?.GetValue<bool>() == true) != 1)
        {
            errors.Add(FieldError.Invalid("spec.versions", spec!["versions"], "must have exactly one version marked as storage version"));
        }

        var seen = new HashSet<string>();
        for (var i = 0; i < versions.Count; i++)
        {
            var v = versions[i];
            var vname = v["name"]?.GetValue<string>() ?? "";
            if (!seen.Add(vname))
            {
                errors.Add(FieldError.Invalid($"spec.versions[{i}].name", vname, "must be unique"));
            }

            if (v["schema"]?["openAPIV3Schema"] is not JsonObject schema)
            {
                errors.Add(FieldError.Required($"spec.versions[{i}].schema.openAPIV3Schema", "schemas are required"));
            }
            else
            {
                errors.AddRange(StructuralSchema.ValidateStructure(schema, $"spec.versions[{i}].schema.openAPIV3Schema"));
            }

            if (v["additionalPrinterColumns"] is JsonArray columns)
            {
                for (var c = 0; c < columns.Count; c++)
                {
                    var type = columns[c]?["type"]?.GetValue<string>() ?? "";
                    if (type is not ("integer" or "number" or "string" or "boolean" or "date"))
                    {
                        errors.Add(FieldError.NotSupported($"spec.versions[{i}].additionalPrinterColumns[{c}].type", type, ["boolean", "date", "integer", "number", "string"]));
                    }

                    if (string.IsNullOrEmpty(columns[c]?["jsonPath"]?.GetValue<string>()))
                    {
                        errors.Add(FieldError.Required($"spec.versions[{i}].additionalPrinterColumns[{c}].jsonPath"));
                    }
                }
            }
        }

        if (old is not null)
        {
            var oldScope = old["spec"]?["scope"]?.GetValue<string>();
            if (oldScope is not null && oldScope != scope)
            {
                errors.Add(FieldError.Invalid("spec.scope", scope ?? "", "field is immutable"));
            }
        }

        return errors;
    }

    /// <summary>The resource types of every version of <paramref name="crd"/>.</summary>
    public static IReadOnlyList<ServedVersion> ToResourceTypes(JsonObject crd)
    {
        var spec = (JsonObject)crd["spec"]!;
        var group = spec["group"]!.GetValue<string>();
        var names = (JsonObject)spec["names"]!;
        var kind = names["kind"]!.GetValue<string>();
        var result = new List<ServedVersion>();
        foreach (var v in (spec["versions"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            var version = v["name"]!.GetValue<string>();
            var schema = (v["schema"]?["openAPIV3Schema"] as JsonObject)?.DeepClone() as JsonObject ?? new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true };
            var schemaName = $"{group}.{version}.{kind}";
            var hasStatus = v["subresources"]?["status"] is not null;
            ScaleSubresource? scale = v["subresources"]?["scale"] is JsonObject s
                ? new ScaleSubresource(s["specReplicasPath"]?.GetValue<string>() ?? ".spec.replicas", s["statusReplicasPath"]?.GetValue<string>() ?? ".status.replicas", s["labelSelectorPath"]?.GetValue<string>())
                : null;
            var type = new ResourceType
            {
                Group = group,
                Version = version,
                Kind = kind,
                Plural = names["plural"]!.GetValue<string>(),
                Singular = names["singular"]?.GetValue<string>() ?? kind.ToLowerInvariant(),
                Namespaced = spec["scope"]?.GetValue<string>() != "Cluster",
                ShortNames = Strings(names["shortNames"]),
                Categories = Strings(names["categories"]),
                HasStatus = hasStatus,
                Scale = scale,
                SchemaName = schemaName,
                PreserveUnknownFields = schema["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true,
                Strategy = new CustomResourceStrategy(kind, group, schema, hasStatus),
                Printer = new CustomResourcePrinter(v["additionalPrinterColumns"] as JsonArray),
                IsCustom = true,
            };
            result.Add(new ServedVersion(type, v["served"]?.GetValue<bool>() != false, v["storage"]?.GetValue<bool>() == true, new Dictionary<string, JsonObject> { [schemaName] = WithMetadata(schema) }));
        }

        return result;
    }

    /// <summary>Custom resource schemas leave metadata to the API server; give it ObjectMeta's shape for pruning.</summary>
    private static JsonObject WithMetadata(JsonObject schema)
    {
        var copy = (JsonObject)schema.DeepClone();
        if (copy["properties"] is JsonObject props)
        {
            props["metadata"] = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true };
            props["apiVersion"] ??= new JsonObject { ["type"] = "string" };
            props["kind"] ??= new JsonObject { ["type"] = "string" };
        }

        return copy;
    }

    private static string[] Strings(JsonNode? node) => node is JsonArray a ? [.. a.Select(x => x?.GetValue<string>() ?? "")] : [];
}
