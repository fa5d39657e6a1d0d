using System.Text.Json;
using System.Text.Json.Nodes;

namespace Kura.Model.Selectors;

/// <summary>
/// Which fields each kind can be selected by, and their values: the field-label conversion functions
/// (pkg/apis/core/v1/conversion.go, pkg/apis/events/v1) and GetAttrs/ToSelectableFields of
/// kube-apiserver's registries. metadata.name and metadata.namespace work for every kind; a field
/// the object lacks reads as "".
/// </summary>
public static class FieldSelectorFields
{
    private static readonly Dictionary<(string Group, string Kind), string[]> Extra = new()
    {
        [("", "Pod")] = ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork", "spec.host", "status.phase", "status.podIP", "status.podIPs", "status.nominatedNodeName"],
        [("", "PersistentVolume")] = ["status.phase"],
        [("", "PersistentVolumeClaim")] = ["status.phase"],
        [("", "Namespace")] = ["status.phase"],
        [("", "Node")] = ["spec.unschedulable"],
        [("", "Secret")] = ["type"],
        [("", "Service")] = ["spec.clusterIP", "spec.type"],
        [("", "ReplicationController")] = ["status.replicas"],
        [("", "Event")] = ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"],
        [("events.k8s.io", "Event")] = ["regarding.kind", "regarding.namespace", "regarding.name", "regarding.uid", "regarding.apiVersion", "regarding.resourceVersion", "regarding.fieldPath", "reason", "reportingController", "type"],
        [("apps", "ReplicaSet")] = ["status.replicas"],
    };

    public static bool IsSupported(string group, string kind, string field) =>
        field is "metadata.name" or "metadata.namespace" || (Extra.TryGetValue((group, kind), out var f) && f.Contains(field));

    /// <summary>The 400 message Kubernetes gives for an unsupported field.</summary>
    public static string UnsupportedMessage(string field) => $"field label not supported: {field}";

    /// <summary>The value of a selectable field ("" when absent); false when the kind does not support the field.</summary>
    public static bool TryGet(string group, string kind, JsonObject obj, string field, out string? value)
    {
        value = null;
        if (!IsSupported(group, kind, field))
        {
            return false;
        }

        value = (group, kind, field) switch
        {
            // Old clients' name for spec.nodeName.
            ("", "Pod", "spec.host") => Text(obj, "spec.nodeName"),
            ("", "Pod", "spec.hostNetwork") => Text(obj, field) is { Length: > 0 } h ? h : "false",
            ("", "Pod", "status.podIP") => FirstPodIp(obj) ?? Text(obj, field),
            // Accepted by the conversion but absent from the pod's field set, so always "".
            ("", "Pod", "status.podIPs") => "",
            ("", "Node", "spec.unschedulable") => Text(obj, field) is { Length: > 0 } u ? u : "false",
            // The event's source component, or its reporting controller when the source is empty.
            ("", "Event", "source") => Text(obj, "source.component") is { Length: > 0 } s ? s : Text(obj, "reportingComponent"),
            _ => Text(obj, field),
        };
        return true;
    }

    private static string? FirstPodIp(JsonObject pod) =>
        Meta.Obj.GetArray(pod, "status", "podIPs") is { Count: > 0 } ips ? Meta.Obj.GetString(ips[0], "ip") : null;

    private static string Text(JsonObject obj, string dottedPath)
    {
        JsonNode? node = obj;
        foreach (var part in dottedPath.Split('.'))
        {
            node = (node as JsonObject)?[part];
        }

        return node switch
        {
            null => "",
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            JsonValue v when v.GetValueKind() == JsonValueKind.True => "true",
            JsonValue v when v.GetValueKind() == JsonValueKind.False => "false",
            JsonValue v when v.GetValueKind() == JsonValueKind.Null => "",
            _ => node.ToJsonString(),
        };
    }
}
