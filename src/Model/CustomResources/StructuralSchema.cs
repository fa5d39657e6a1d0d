using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Kura.Model.Validation;

namespace Kura.Model.CustomResources;

/// <summary>
/// Validation and defaulting of custom resources against a CRD's structural OpenAPI v3 schema,
/// with kube-openapi's error texts ("spec.size in body must be of type integer: \"string\"").
/// </summary>
public static class StructuralSchema
{
    private static readonly HashSet<string> KnownKeywords =
    [
        "type", "properties", "items", "required", "description", "default", "enum", "format", "nullable", "minimum", "maximum",
        "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern", "minItems", "maxItems", "uniqueItems",
        "minProperties", "maxProperties", "additionalProperties", "multipleOf", "title", "example", "externalDocs", "anyOf", "allOf", "oneOf", "not",
        "x-kubernetes-preserve-unknown-fields", "x-kubernetes-int-or-string", "x-kubernetes-embedded-resource", "x-kubernetes-list-type",
        "x-kubernetes-list-map-keys", "x-kubernetes-map-type", "x-kubernetes-validations",
    ];

    /// <summary>Structural-schema checks on a CRD's schema (each level has a type, no unknown keywords).</summary>
    public static IEnumerable<FieldError> ValidateStructure(JsonObject schema, string path, int depth = 0)
    {
        if (depth > 64)
        {
            yield break;
        }

        foreach (var (key, _) in schema)
        {
            if (!KnownKeywords.Contains(key))
            {
                yield return FieldError.Forbidden($"{path}.{key}", "unknown schema keyword");
            }
        }

        var intOrString = schema["x-kubernetes-int-or-string"]?.GetValue<bool>() == true;
        var preserve = schema["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true;
        if (schema["type"] is null && !intOrString && !preserve && depth > 0)
        {
            yield return FieldError.Required($"{path}.type", "must not be empty for specified object fields");
        }

        if (schema["properties"] is JsonObject props)
        {
            foreach (var (name, sub) in props)
            {
                if (sub is JsonObject s)
                {
                    foreach (var e in ValidateStructure(s, $"{path}.properties[{name}]", depth + 1))
                    {
                        yield return e;
                    }
                }
            }
        }

        if (schema["items"] is JsonObject items)
        {
            foreach (var e in ValidateStructure(items, $"{path}.items", depth + 1))
            {
                yield return e;
            }
        }
    }

    /// <summary>Validates <paramref name="value"/> at <paramref name="path"/>; errors are appended.</summary>
    public static void Validate(JsonNode? value, JsonObject schema, string path, List<FieldError> errors, int depth = 0)
    {
        if (depth > 64)
        {
            return;
        }

        if (value is null)
        {
            if (schema["nullable"]?.GetValue<bool>() != true && depth > 0)
            {
                errors.Add(FieldError.Invalid(path, "null", $"{path} in body must be of type {schema["type"]?.GetValue<string>() ?? "object"}: \"null\""));
            }

            return;
        }

        var type = schema["type"]?.GetValue<string>();
        var actual = TypeOf(value);
        if (schema["x-kubernetes-int-or-string"]?.GetValue<bool>() == true)
        {
            if (actual is not ("integer" or "string"))
            {
                errors.Add(FieldError.Invalid(path, actual, $"{path} in body must be of type integer,string: \"{actual}\""));
            }

            return;
        }

        if (type is not null && type != actual && !(type == "number" && actual == "integer"))
        {
            errors.Add(FieldError.Invalid(path, actual, $"{path} in body must be of type {type}: \"{actual}\""));
            return;
        }

        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
        {
            errors.Add(FieldError.NotSupported(path, value, allowed.Select(a => a is JsonValue av && av.GetValueKind() == JsonValueKind.String ? av.GetValue<string>() : a?.ToJsonString() ?? "null")));
        }

        switch (value)
        {
            case JsonObject obj:
                ValidateObject(obj, schema, path, errors, depth);
                break;
            case JsonArray arr:
                if (schema["minItems"] is JsonValue minI && arr.Count < minI.GetValue<long>())
                {
                    errors.Add(FieldError.Invalid(path, arr.Count.ToString(CultureInfo.InvariantCulture), $"{path} in body should have at least {minI} items"));
                }

                if (schema["maxItems"] is JsonValue maxI && arr.Count > maxI.GetValue<long>())
                {
                    errors.Add(new FieldError(FieldErrorType.TooMany, path, $"must have at most {maxI} items", JsonValue.Create(arr.Count), true));
                }

                if (schema["items"] is JsonObject itemSchema)
                {
                    for (var i = 0; i < arr.Count; i++)
                    {
                        Validate(arr[i], itemSchema, $"{path}[{i}]", errors, depth + 1);
                    }
                }

                break;
            case JsonValue v when actual is "integer" or "number":
                var n = double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture);
                if (schema["minimum"] is JsonValue min && (schema["exclusiveMinimum"]?.GetValue<bool>() == true ? n <= min.GetValue<double>() : n < min.GetValue<double>()))
                {
                    errors.Add(FieldError.Invalid(path, v, $"{path} in body should be greater than {(schema["exclusiveMinimum"]?.GetValue<bool>() == true ? "" : "or equal to ")}{min}"));
                }

                if (schema["maximum"] is JsonValue max && (schema["exclusiveMaximum"]?.GetValue<bool>() == true ? n >= max.GetValue<double>() : n > max.GetValue<double>()))
                {
                    errors.Add(FieldError.Invalid(path, v, $"{path} in body should be less than {(schema["exclusiveMaximum"]?.GetValue<bool>() == true ? "" : "or equal to ")}{max}"));
                }

                break;
            case JsonValue v when actual == "string":
                var s = v.GetValue<string>();
                if (schema["minLength"] is JsonValue minL && s.Length < minL.GetValue<long>())
                {
                    errors.Add(FieldError.Invalid(path, s, $"{path} in body should be at least {minL} chars long"));
                }

                if (schema["maxLength"] is JsonValue maxL && s.Length > maxL.GetValue<long>())
                {
                    errors.Add(FieldError.TooLong(path, v, (int)maxL.GetValue<long>()));
                }

                if (schema["pattern"] is JsonValue pattern && !Regex.IsMatch(s, pattern.GetValue<string>(), RegexOptions.None, TimeSpan.FromMilliseconds(100)))
                {
                    errors.Add(FieldError.Invalid(path, s, $"{path} in body should match '{pattern}'"));
                }

                break;
        }
    }

    private static void ValidateObject(JsonObject obj, JsonObject schema, string path, List<FieldError> errors, int depth)
    {
        if (schema["required"] is JsonArray required)
        {
            foreach (var r in required)
            {
                var name = r?.GetValue<string>() ?? "";
                if (!obj.ContainsKey(name))
                {
                    errors.Add(FieldError.Required(Join(path, name)));
                }
            }
        }

        var props = schema["properties"] as JsonObject;
        foreach (var (key, child) in obj)
        {
            if (depth == 0 && key is "metadata" or "apiVersion" or "kind")
            {
                continue;
            }

            if (props?[key] is JsonObject propSchema)
            {
                Validate(child, propSchema, Join(path, key), errors, depth + 1);
            }
            else if (schema["additionalProperties"] is JsonObject additional)
            {
                Validate(child, additional, Join(path, key), errors, depth + 1);
            }
        }
    }

    /// <summary>Applies "default" values wherever the object has the enclosing field (structural defaulting).</summary>
    public static void ApplyDefaults(JsonNode? value, JsonObject schema, int depth = 0)
    {
        if (depth > 64)
        {
            return;
        }

        switch (value)
        {
            case JsonObject obj when schema["properties"] is JsonObject props:
                foreach (var (name, sub) in props)
                {
                    if (sub is not JsonObject propSchema)
                    {
                        continue;
                    }

                    if (!obj.ContainsKey(name) && propSchema["default"] is JsonNode def)
                    {
                        obj[name] = def.DeepClone();
                    }

                    if (obj[name] is JsonNode child)
                    {
                        ApplyDefaults(child, propSchema, depth + 1);
                    }
                }

                break;
            case JsonObject map when schema["additionalProperties"] is JsonObject valueSchema:
                foreach (var (_, child) in map)
                {
                    ApplyDefaults(child, valueSchema, depth + 1);
                }

                break;
            case JsonArray arr when schema["items"] is JsonObject itemSchema:
                foreach (var item in arr)
                {
                    ApplyDefaults(item, itemSchema, depth + 1);
                }

                break;
        }
    }

    private static string TypeOf(JsonNode node) => node switch
    {
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Number => v.ToJsonString().Contains('.', StringComparison.Ordinal) || v.ToJsonString().Contains('e', StringComparison.OrdinalIgnoreCase) ? "number" : "integer",
            _ => "null",
        },
        _ => "null",
    };

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";
}
