using System.Text.Json.Nodes;

namespace Kura.Model.Selectors;

/// <summary>
/// Which fields each kind can be selected by, and their values (the per-kind
/// GetAttrs/SelectableFields of kube-apiserver's registries). metadata.name and
/// metadata.namespace work everywhere.
/// </summary>
public static class FieldSelectorFields
{
    private static readonly Dictionary<(string Group, string Kind), string[]> Extra = new()
    {
        [("", "Pod")] = ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"],
        [("", "PersistentVolume")] = ["status.phase"],
        [("", "PersistentVolumeClaim")] = ["status.phase"],
        [("", "Namespace")] = ["status.phase"],
        [("", "Node")] = ["spec.unschedulable"],
        [("", "Secret")] = ["type"],
        [("", "Event")] = ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"],
        [("events.k8s.io", "Event")] = ["regarding.kind", "regarding.namespace", "regarding.name", "regarding.uid", "regarding.apiVersion", "regarding.resourceVersion", "regarding.fieldPath", "reason", "reportingController", "type"],
        [("apps", "ReplicaSet")] = ["status.replicas"],
    };

    public static bool IsSupported(string group, string kind, string field) =>
        field is "metadata.name" or "metadata.namespace" || (Extra.TryGetValue((group, kind), out var f) && f.Contains(field));

    /// <summary>The 400 message for an unsupported field.</summary>
    public static string UnsupportedMessage(string field) => $"field label not supported: {field}";

    /// <summary>The value of a selectable field ("" when absent); false when the kind does not support the field.</summary>
    public static bool TryGet(string group, string kind, JsonObject obj, string field, out string? value)
    {
        value = null;
        if (!IsSupported(group, kind, field))
        {
            return false;
        }

        if (field == "source" && kind == "Event" && group.Length == 0)
        {
            value = obj["source"]?["component"]?.GetValue<string>() ?? "";
            return true;
        }

        JsonNode? node = obj;
        foreach (var part in field.Split('.'))
        {
            node = (node as JsonObject)?[part];
        }

        value = node switch
        {
            null => "",
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
            _ => node.ToJsonString(),
        };
        if (field == "spec.unschedulable" && value.Length == 0)
        {
            value = "false";
        }

        return true;
    }
}
