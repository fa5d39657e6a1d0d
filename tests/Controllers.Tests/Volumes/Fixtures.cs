using System.Text.Json.Nodes;

namespace Kura.Controllers.Tests.Volumes;

/// <summary>Small builders for volumes, claims and classes in Kubernetes' JSON shape.</summary>
internal static class Fixtures
{
    public static JsonObject Pv(string name, string size, string? phase = "Available", string[]? modes = null, string? claim = null, string? claimUid = null,
        string? storageClass = null, string? mode = null, Dictionary<string, string>? labels = null, bool bbc = false, bool deleting = false,
        string policy = "Retain", bool provisioned = false)
    {
        var meta = new JsonObject { ["name"] = name };
        var annotations = new JsonObject();
        if (bbc)
        {
            annotations["pv.kubernetes.io/bound-by-controller"] = "yes";
        }

        if (provisioned)
        {
            annotations["pv.kubernetes.io/provisioned-by"] = "example.com/x";
        }

        if (annotations.Count > 0)
        {
            meta["annotations"] = annotations;
        }

        if (labels is not null)
        {
            meta["labels"] = new JsonObject([.. labels.Select(kv => KeyValuePair.Create<string, JsonNode?>(kv.Key, kv.Value))]);
        }

        if (deleting)
        {
            meta["deletionTimestamp"] = "2026-01-01T00:00:00Z";
        }

        var spec = new JsonObject
        {
            ["capacity"] = new JsonObject { ["storage"] = size },
            ["accessModes"] = new JsonArray([.. (modes ?? ["ReadWriteOnce"]).Select(m => (JsonNode)m)]),
            ["persistentVolumeReclaimPolicy"] = policy,
            ["hostPath"] = new JsonObject { ["path"] = "/tmp/" + name },
        };
        if (claim is not null)
        {
            spec["claimRef"] = new JsonObject { ["name"] = claim, ["namespace"] = "default", ["uid"] = claimUid ?? "" };
        }

        if (storageClass is not null)
        {
            spec["storageClassName"] = storageClass;
        }

        if (mode is not null)
        {
            spec["volumeMode"] = mode;
        }

        var pv = new JsonObject { ["metadata"] = meta, ["spec"] = spec };
        if (phase is not null)
        {
            pv["status"] = new JsonObject { ["phase"] = phase };
        }

        return pv;
    }

    public static JsonObject Pvc(string name, string size, string uid = "uid-c", string[]? modes = null, string? volumeName = null, string? storageClass = null,
        bool classUnset = false, string? mode = null, Dictionary<string, string>? selector = null, bool bc = false, bool bbc = false, string? selectedNode = null)
    {
        var meta = new JsonObject { ["name"] = name, ["namespace"] = "default", ["uid"] = uid };
        var annotations = new JsonObject();
        if (bc)
        {
            annotations["pv.kubernetes.io/bind-completed"] = "yes";
        }

        if (bbc)
        {
            annotations["pv.kubernetes.io/bound-by-controller"] = "yes";
        }

        if (selectedNode is not null)
        {
            annotations["volume.kubernetes.io/selected-node"] = selectedNode;
        }

        if (annotations.Count > 0)
        {
            meta["annotations"] = annotations;
        }

        var spec = new JsonObject
        {
            ["accessModes"] = new JsonArray([.. (modes ?? ["ReadWriteOnce"]).Select(m => (JsonNode)m)]),
            ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["storage"] = size } },
        };
        if (!classUnset)
        {
            spec["storageClassName"] = storageClass ?? "";
        }

        if (volumeName is not null)
        {
            spec["volumeName"] = volumeName;
        }

        if (mode is not null)
        {
            spec["volumeMode"] = mode;
        }

        if (selector is not null)
        {
            spec["selector"] = new JsonObject { ["matchLabels"] = new JsonObject([.. selector.Select(kv => KeyValuePair.Create<string, JsonNode?>(kv.Key, kv.Value))]) };
        }

        return new JsonObject { ["metadata"] = meta, ["spec"] = spec, ["status"] = new JsonObject { ["phase"] = "Pending" } };
    }

    public static Dictionary<string, JsonObject> Classes(params (string Name, string Provisioner, string Mode)[] classes) =>
        classes.ToDictionary(c => c.Name, c => new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = c.Name },
            ["provisioner"] = c.Provisioner,
            ["volumeBindingMode"] = c.Mode,
        });
}
