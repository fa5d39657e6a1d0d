using System.Text.Json.Nodes;
using Kura.Model.Meta;
using Kura.Model.Registry;
using Kura.Model.Validation;

namespace Kura.Model.Kinds;

/// <summary>
/// The common part of Kubernetes' registry strategies: status handling for kinds with a status
/// subresource, and ObjectMeta validation (pkg/apis/core/validation ValidateObjectMeta).
/// Kind strategies add their own defaults and checks.
/// </summary>
public class StrategyBase(bool hasStatus, bool namespaced, NameRule names = NameRule.Subdomain) : PassThroughStrategy(hasStatus)
{
    private const int TotalAnnotationSizeLimit = 256 * 1024;

    public override IReadOnlyList<FieldError> ValidateCreate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        ValidateMetadata(obj, errors);
        ValidateSpec(obj, errors);
        return errors;
    }

    public override IReadOnlyList<FieldError> ValidateUpdate(JsonObject obj, JsonObject old)
    {
        var errors = new List<FieldError>();
        ValidateMetadata(obj, errors);
        ValidateSpec(obj, errors);
        ValidateSpecUpdate(obj, old, errors);
        return errors;
    }

    /// <summary>Kind-specific checks on a whole object.</summary>
    protected virtual void ValidateSpec(JsonObject obj, List<FieldError> errors)
    {
    }

    /// <summary>Kind-specific checks of what may change on update (immutability).</summary>
    protected virtual void ValidateSpecUpdate(JsonObject obj, JsonObject old, List<FieldError> errors)
    {
    }

    private void ValidateMetadata(JsonObject obj, List<FieldError> errors)
    {
        var meta = obj["metadata"] as JsonObject ?? [];
        var name = Obj.GetString(meta, "name") ?? "";
        if (name.Length == 0)
        {
            errors.Add(FieldError.Required("metadata.name", "name or generateName is required"));
        }
        else
        {
            var ok = names switch
            {
                NameRule.Label => NameValidation.IsDns1123Label(name, out var why) || Add(errors, "metadata.name", name, why),
                NameRule.PathSegment => PathSegmentOk(name, errors),
                _ => NameValidation.IsDns1123Subdomain(name, out var why2) || Add(errors, "metadata.name", name, why2),
            };
            _ = ok;
        }

        if (namespaced && string.IsNullOrEmpty(Obj.GetString(meta, "namespace")))
        {
            errors.Add(FieldError.Required("metadata.namespace"));
        }

        if (meta["labels"] is JsonObject labels)
        {
            foreach (var (k, v) in labels)
            {
                if (!NameValidation.IsQualifiedName(k, out var why))
                {
                    errors.Add(FieldError.Invalid("metadata.labels", k, why));
                }

                var value = v is JsonValue jv && jv.TryGetValue<string>(out var s) ? s : null;
                if (value is null)
                {
                    errors.Add(FieldError.Invalid($"metadata.labels", v?.ToJsonString() ?? "null", "label values must be strings"));
                }
                else if (!NameValidation.IsValidLabelValue(value, out var whyValue))
                {
                    errors.Add(FieldError.Invalid("metadata.labels", value, whyValue));
                }
            }
        }

        if (meta["annotations"] is JsonObject annotations)
        {
            var total = 0;
            foreach (var (k, v) in annotations)
            {
                if (!NameValidation.IsQualifiedName(k.ToLowerInvariant(), out var why))
                {
                    errors.Add(FieldError.Invalid("metadata.annotations", k, why));
                }

                total += k.Length + (v is JsonValue jv && jv.TryGetValue<string>(out var s) ? s.Length : 0);
            }

            if (total > TotalAnnotationSizeLimit)
            {
                errors.Add(FieldError.TooLong("metadata.annotations", null, TotalAnnotationSizeLimit));
            }
        }

        if (meta["finalizers"] is JsonArray finalizers)
        {
            for (var i = 0; i < finalizers.Count; i++)
            {
                var f = finalizers[i]?.GetValue<string>() ?? "";
                if (!NameValidation.IsQualifiedName(f, out var why))
                {
                    errors.Add(FieldError.Invalid($"metadata.finalizers[{i}]", f, why));
                }
            }
        }
    }

    private static bool PathSegmentOk(string name, List<FieldError> errors)
    {
        if (name is "." or "..")
        {
            errors.Add(FieldError.Invalid("metadata.name", name, $"may not be '{name}'"));
            return false;
        }

        if (name.Contains('/', StringComparison.Ordinal) || name.Contains('%', StringComparison.Ordinal))
        {
            errors.Add(FieldError.Invalid("metadata.name", name, $"may not contain '{(name.Contains('/', StringComparison.Ordinal) ? "/" : "%")}'"));
            return false;
        }

        return true;
    }

    private static bool Add(List<FieldError> errors, string field, string value, string why)
    {
        errors.Add(FieldError.Invalid(field, value, why));
        return false;
    }

    /// <summary>Adds "field is immutable" when a field changed.</summary>
    protected static void Immutable(JsonNode? now, JsonNode? before, string field, List<FieldError> errors, string message = "field is immutable")
    {
        if (!JsonNode.DeepEquals(now, before))
        {
            errors.Add(FieldError.Invalid(field, now?.DeepClone(), message));
        }
    }
}

/// <summary>Which name rule a kind uses (Kubernetes' ValidateNameFunc per kind).</summary>
public enum NameRule
{
    Subdomain,
    Label,
    PathSegment,
}
