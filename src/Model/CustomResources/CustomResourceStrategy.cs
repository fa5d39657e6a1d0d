using System.Text.Json.Nodes;
using Kura.Model.Registry;
using Kura.Model.Validation;

namespace Kura.Model.CustomResources;

/// <summary>Create/update rules for one version of a custom resource: structural defaulting and schema validation.</summary>
public sealed class CustomResourceStrategy(string kind, string group, JsonObject schema, bool hasStatus) : PassThroughStrategy(hasStatus)
{
    public override void Default(JsonObject obj) => StructuralSchema.ApplyDefaults(obj, schema);

    public override IReadOnlyList<FieldError> ValidateCreate(JsonObject obj) => Validate(obj);

    public override IReadOnlyList<FieldError> ValidateUpdate(JsonObject obj, JsonObject old) => Validate(obj);

    private List<FieldError> Validate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        var name = obj["metadata"]?["name"]?.GetValue<string>() ?? "";
        if (name.Length == 0)
        {
            errors.Add(FieldError.Required("metadata.name", "name or generateName is required"));
        }
        else if (!Meta.NameValidation.IsDns1123Subdomain(name, out var why))
        {
            errors.Add(FieldError.Invalid("metadata.name", name, why));
        }

        StructuralSchema.Validate(obj, schema, "", errors);
        return errors;
    }

    public override string ToString() => $"{kind}.{group}";
}
