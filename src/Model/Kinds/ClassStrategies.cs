using System.Text.Json.Nodes;
using Kura.Model.Validation;

namespace Kura.Model.Kinds;

/// <summary>StorageClass: defaults, and the fields Kubernetes forbids changing (pkg/apis/storage/validation).</summary>
public sealed class StorageClassStrategy() : StrategyBase(hasStatus: false, namespaced: false)
{
    public override void Default(JsonObject obj)
    {
        obj["reclaimPolicy"] ??= "Delete";
        obj["volumeBindingMode"] ??= "Immediate";
    }

    protected override void ValidateSpec(JsonObject obj, List<FieldError> errors)
    {
        var provisioner = obj["provisioner"]?.GetValue<string>();
        if (string.IsNullOrEmpty(provisioner))
        {
            errors.Add(FieldError.Required("provisioner"));
        }
        else if (!Meta.NameValidation.IsQualifiedName(provisioner.ToLowerInvariant(), out var why))
        {
            errors.Add(FieldError.Invalid("provisioner", provisioner, why));
        }

        var policy = obj["reclaimPolicy"]?.GetValue<string>();
        if (policy is not null and not ("Delete" or "Retain"))
        {
            errors.Add(FieldError.NotSupported("reclaimPolicy", policy, ["Delete", "Retain"]));
        }

        var mode = obj["volumeBindingMode"]?.GetValue<string>();
        if (mode is not null and not ("Immediate" or "WaitForFirstConsumer"))
        {
            errors.Add(FieldError.NotSupported("volumeBindingMode", mode, ["Immediate", "WaitForFirstConsumer"]));
        }

        if (obj["parameters"] is JsonObject parameters && parameters.Count > 512)
        {
            errors.Add(new FieldError(FieldErrorType.TooMany, "parameters", "must have at most 512 items", JsonValue.Create(parameters.Count), true));
        }
    }

    protected override void ValidateSpecUpdate(JsonObject obj, JsonObject old, List<FieldError> errors)
    {
        if (!JsonNode.DeepEquals(obj["parameters"], old["parameters"]))
        {
            errors.Add(FieldError.Forbidden("parameters", "updates to parameters are forbidden."));
        }

        if (!JsonNode.DeepEquals(obj["provisioner"], old["provisioner"]))
        {
            errors.Add(FieldError.Forbidden("provisioner", "updates to provisioner are forbidden."));
        }

        if (!JsonNode.DeepEquals(obj["reclaimPolicy"], old["reclaimPolicy"]))
        {
            errors.Add(FieldError.Forbidden("reclaimPolicy", "updates to reclaimPolicy are forbidden."));
        }

        Immutable(obj["volumeBindingMode"], old["volumeBindingMode"], "volumeBindingMode", errors);
    }
}

/// <summary>CSIDriver: the defaults of pkg/apis/storage/v1/defaults.go.</summary>
public sealed class CsiDriverStrategy() : StrategyBase(hasStatus: false, namespaced: false)
{
    public override void Default(JsonObject obj)
    {
        if (obj["spec"] is not JsonObject spec)
        {
            spec = [];
            obj["spec"] = spec;
        }

        spec["attachRequired"] ??= true;
        spec["podInfoOnMount"] ??= false;
        spec["storageCapacity"] ??= false;
        spec["fsGroupPolicy"] ??= "ReadWriteOnceWithFSType";
        spec["requiresRepublish"] ??= false;
        spec["seLinuxMount"] ??= false;
        spec["volumeLifecycleModes"] ??= new JsonArray("Persistent");
    }

    protected override void ValidateSpecUpdate(JsonObject obj, JsonObject old, List<FieldError> errors) =>
        Immutable(obj["spec"]?["attachRequired"], old["spec"]?["attachRequired"], "spec.attachRequired", errors);
}

/// <summary>VolumeAttachment: its spec never changes.</summary>
public sealed class VolumeAttachmentStrategy() : StrategyBase(hasStatus: true, namespaced: false)
{
    protected override void ValidateSpec(JsonObject obj, List<FieldError> errors)
    {
        foreach (var (value, field) in new[] { (obj["spec"]?["attacher"], "spec.attacher"), (obj["spec"]?["nodeName"], "spec.nodeName") })
        {
            if (string.IsNullOrEmpty(value?.GetValue<string>()))
            {
                errors.Add(FieldError.Required(field));
            }
        }
    }

    protected override void ValidateSpecUpdate(JsonObject obj, JsonObject old, List<FieldError> errors) =>
        Immutable(obj["spec"], old["spec"], "spec", errors);
}

/// <summary>Namespace: phase Active and the "kubernetes" finalizer from the start.</summary>
public sealed class NamespaceStrategy() : StrategyBase(hasStatus: true, namespaced: false, NameRule.Label)
{
    public override void PrepareForCreate(JsonObject obj)
    {
        base.PrepareForCreate(obj);
        obj["status"] = new JsonObject { ["phase"] = "Active" };
        var spec = obj["spec"] as JsonObject ?? [];
        spec["finalizers"] = new JsonArray("kubernetes");
        obj["spec"] = spec;
    }

    public override void Default(JsonObject obj)
    {
        // The namespace's own name is mirrored into a label (kubernetes.io/metadata.name), as since 1.21.
        var meta = Meta.Obj.Metadata(obj);
        var labels = meta["labels"] as JsonObject ?? [];
        labels["kubernetes.io/metadata.name"] = Meta.Obj.Name(obj);
        meta["labels"] = labels;
    }
}

/// <summary>Secret: type Opaque by default; stringData is folded into base64 data on every write.</summary>
public sealed class SecretStrategy() : StrategyBase(hasStatus: false, namespaced: true)
{
    public override void Default(JsonObject obj)
    {
        if (string.IsNullOrEmpty(obj["type"]?.GetValue<string>()))
        {
            obj["type"] = "Opaque";
        }

        if (obj["stringData"] is JsonObject stringData)
        {
            var data = obj["data"] as JsonObject ?? [];
            foreach (var (k, v) in stringData)
            {
                data[k] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(v?.GetValue<string>() ?? ""));
            }

            obj["data"] = data;
            obj.Remove("stringData");
        }
    }

    protected override void ValidateSpecUpdate(JsonObject obj, JsonObject old, List<FieldError> errors)
    {
        Immutable(obj["type"], old["type"], "type", errors);
        if (old["immutable"]?.GetValue<bool>() == true)
        {
            Immutable(obj["data"], old["data"], "data", errors, "field is immutable when `immutable` is set");
        }
    }
}

/// <summary>The CustomResourceDefinition kind itself.</summary>
public sealed class CustomResourceDefinitionStrategy() : StrategyBase(hasStatus: true, namespaced: false)
{
    public override void Default(JsonObject obj) => CustomResources.CustomResourceDefinitions.Default(obj);

    protected override void ValidateSpec(JsonObject obj, List<FieldError> errors) =>
        errors.AddRange(CustomResources.CustomResourceDefinitions.Validate(obj, null));

    protected override void ValidateSpecUpdate(JsonObject obj, JsonObject old, List<FieldError> errors)
    {
        var scopeNow = obj["spec"]?["scope"];
        Immutable(scopeNow, old["spec"]?["scope"], "spec.scope", errors);
    }
}
