using System.Text.Json.Nodes;
using Kura.Model.Quantities;
using Kura.Model.Validation;

namespace Kura.Model.Kinds;

/// <summary>PersistentVolume: defaults and validation of pkg/apis/core/{v1/defaults.go,validation}.</summary>
public sealed class PersistentVolumeStrategy() : StrategyBase(hasStatus: true, namespaced: false)
{
    internal static readonly string[] AccessModes = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"];

    private static readonly string[] Sources =
    [
        "gcePersistentDisk", "awsElasticBlockStore", "hostPath", "glusterfs", "nfs", "rbd", "iscsi", "cinder", "cephfs", "fc", "flocker",
        "flexVolume", "azureFile", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "portworxVolume", "scaleIO", "local",
        "storageos", "csi",
    ];

    public override void PrepareForCreate(JsonObject obj)
    {
        base.PrepareForCreate(obj);
        obj["status"] = new JsonObject { ["phase"] = "Pending" };
    }

    public override void Default(JsonObject obj)
    {
        if (obj["spec"] is not JsonObject spec)
        {
            return;
        }

        spec["persistentVolumeReclaimPolicy"] ??= "Retain";
        spec["volumeMode"] ??= "Filesystem";
    }

    protected override void ValidateSpec(JsonObject obj, List<FieldError> errors)
    {
        var spec = obj["spec"] as JsonObject ?? [];
        if (spec["capacity"] is not JsonObject capacity || capacity.Count == 0)
        {
            errors.Add(FieldError.Required("spec.capacity"));
        }
        else if (!capacity.ContainsKey("storage") || capacity.Count > 1)
        {
            errors.Add(FieldError.NotSupported("spec.capacity", capacity, ["storage"]));
        }
        else
        {
            ValidatePositiveQuantity(capacity["storage"], "spec.capacity.storage", errors);
        }

        ValidateAccessModes(spec["accessModes"], "spec.accessModes", errors);
        var sources = Sources.Where(s => spec[s] is not null).ToList();
        if (sources.Count == 0)
        {
            errors.Add(FieldError.Required("spec", "must specify a volume type"));
        }
        else if (sources.Count > 1)
        {
            errors.Add(FieldError.Forbidden($"spec.{sources[1]}", "may not specify more than 1 volume type"));
        }

        if (spec["hostPath"] is JsonObject hostPath && string.IsNullOrEmpty(hostPath["path"]?.GetValue<string>()))
        {
            errors.Add(FieldError.Required("spec.hostPath.path"));
        }

        if (spec["local"] is JsonObject local)
        {
            if (string.IsNullOrEmpty(local["path"]?.GetValue<string>()))
            {
                errors.Add(FieldError.Required("spec.local.path"));
            }

            if (spec["nodeAffinity"] is null)
            {
                errors.Add(FieldError.Required("spec.nodeAffinity", "Local volume requires node affinity"));
            }
        }

        if (spec["csi"] is JsonObject csi)
        {
            if (string.IsNullOrEmpty(csi["driver"]?.GetValue<string>()))
            {
                errors.Add(FieldError.Required("spec.csi.driver"));
            }

            if (string.IsNullOrEmpty(csi["volumeHandle"]?.GetValue<string>()))
            {
                errors.Add(FieldError.Required("spec.csi.volumeHandle"));
            }
        }

        var policy = spec["persistentVolumeReclaimPolicy"]?.GetValue<string>();
        if (policy is not null and not ("Retain" or "Delete" or "Recycle"))
        {
            errors.Add(FieldError.NotSupported("spec.persistentVolumeReclaimPolicy", policy, ["Delete", "Recycle", "Retain"]));
        }

        var mode = spec["volumeMode"]?.GetValue<string>();
        if (mode is not null and not ("Block" or "Filesystem"))
        {
            errors.Add(FieldError.NotSupported("spec.volumeMode", mode, ["Block", "Filesystem"]));
        }

        if (spec["storageClassName"]?.GetValue<string>() is { Length: > 0 } sc && !Meta.NameValidation.IsDns1123Subdomain(sc, out var why))
        {
            errors.Add(FieldError.Invalid("spec.storageClassName", sc, why));
        }
    }

    protected override void ValidateSpecUpdate(JsonObject obj, JsonObject old, List<FieldError> errors)
    {
        foreach (var source in Sources)
        {
            Immutable(obj["spec"]?[source], old["spec"]?[source], "spec.persistentvolumesource", errors, "spec.persistentvolumesource is immutable after creation");
            if (errors.Count > 0 && errors[^1].Field == "spec.persistentvolumesource")
            {
                break;
            }
        }

        Immutable(obj["spec"]?["volumeMode"], old["spec"]?["volumeMode"], "spec.volumeMode", errors);
    }

    internal static void ValidateAccessModes(JsonNode? node, string field, List<FieldError> errors)
    {
        if (node is not JsonArray modes || modes.Count == 0)
        {
            errors.Add(FieldError.Required(field, ""));
            return;
        }

        foreach (var m in modes)
        {
            var mode = m?.GetValue<string>() ?? "";
            if (!AccessModes.Contains(mode))
            {
                errors.Add(FieldError.NotSupported(field, mode, AccessModes));
            }
        }

        if (modes.Count > 1 && modes.Any(m => m?.GetValue<string>() == "ReadWriteOncePod"))
        {
            errors.Add(FieldError.Forbidden(field, "may not use ReadWriteOncePod with other access modes"));
        }
    }

    internal static void ValidatePositiveQuantity(JsonNode? value, string field, List<FieldError> errors)
    {
        var text = value?.ToString() ?? "";
        if (!Quantity.TryParse(text, out var q))
        {
            errors.Add(FieldError.Invalid(field, value?.DeepClone(), "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
        }
        else if (q.Amount <= 0)
        {
            errors.Add(FieldError.Invalid(field, text, "must be greater than zero"));
        }
    }
}

/// <summary>PersistentVolumeClaim: defaults, validation, and the immutability of its spec.</summary>
public sealed class PersistentVolumeClaimStrategy() : StrategyBase(hasStatus: true, namespaced: true)
{
    public override void PrepareForCreate(JsonObject obj)
    {
        base.PrepareForCreate(obj);
        obj["status"] = new JsonObject { ["phase"] = "Pending" };
    }

    public override void Default(JsonObject obj)
    {
        if (obj["spec"] is JsonObject spec)
        {
            spec["volumeMode"] ??= "Filesystem";
        }
    }

    protected override void ValidateSpec(JsonObject obj, List<FieldError> errors)
    {
        var spec = obj["spec"] as JsonObject ?? [];
        PersistentVolumeStrategy.ValidateAccessModes(spec["accessModes"], "spec.accessModes", errors);
        var storage = spec["resources"]?["requests"]?["storage"];
        if (storage is null)
        {
            errors.Add(FieldError.Required("spec.resources[storage]"));
        }
        else
        {
            PersistentVolumeStrategy.ValidatePositiveQuantity(storage, "spec.resources.requests[storage]", errors);
        }

        var mode = spec["volumeMode"]?.GetValue<string>();
        if (mode is not null and not ("Block" or "Filesystem"))
        {
            errors.Add(FieldError.NotSupported("spec.volumeMode", mode, ["Block", "Filesystem"]));
        }
    }

    protected override void ValidateSpecUpdate(JsonObject obj, JsonObject old, List<FieldError> errors)
    {
        // Everything but resources.requests, volumeAttributesClassName and a first volumeName is fixed.
        var now = obj["spec"]?.DeepClone() as JsonObject ?? [];
        var before = old["spec"]?.DeepClone() as JsonObject ?? [];
        foreach (var s in new[] { now, before })
        {
            (s["resources"] as JsonObject)?.Remove("requests");
            s.Remove("volumeAttributesClassName");
        }

        if (string.IsNullOrEmpty(before["volumeName"]?.GetValue<string>()))
        {
            now.Remove("volumeName");
            before.Remove("volumeName");
        }

        if (!JsonNode.DeepEquals(now, before))
        {
            errors.Add(FieldError.Forbidden("spec", "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"));
        }

        // Shrinking the request is refused (ValidatePersistentVolumeClaimUpdate without RecoverVolumeExpansionFailure).
        var newSize = obj["spec"]?["resources"]?["requests"]?["storage"]?.ToString();
        var oldSize = old["spec"]?["resources"]?["requests"]?["storage"]?.ToString();
        if (newSize is not null && oldSize is not null && Quantity.TryParse(newSize, out var n) && Quantity.TryParse(oldSize, out var o) && n < o)
        {
            errors.Add(FieldError.Forbidden("spec.resources.requests.storage", "field can not be less than previous value"));
        }
    }
}
