using System.Text.Json.Nodes;
using Kura.Model.Selectors;
using static Kura.Model.Printing.ColumnPrinter;

namespace Kura.Model.Printing;

public static partial class BuiltInPrinters
{
    private static readonly TableColumn Containers = Text("Containers", "Names of each container in the template.", 1);
    private static readonly TableColumn Images = Text("Images", "Images referenced by each container in the template.", 1);
    private static readonly TableColumn Selector = Text("Selector", "Label selector for pods.", 1);

    private static ColumnPrinter Deployment() => new(
        [Name(), Text("Ready", "Number of the pod with ready state"), Integer("Up-to-date", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."), Integer("Available", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."), Age(), Containers, Images, Selector],
        (o, now) =>
        [
            NameOf(o), $"{Int(o, "status", "readyReplicas")}/{Replicas(o)}", Int(o, "status", "updatedReplicas"), Int(o, "status", "availableReplicas"), AgeOf(o, now),
            TemplateContainers(o, "name"), TemplateContainers(o, "image"), SelectorText(o),
        ]);

    private static ColumnPrinter ReplicaSet() => new(
        [Name(), Integer("Desired", "Number of desired pods."), Integer("Current", "Number of actual replicas."), Integer("Ready", "The number of ready replicas for this replica set."), Age(), Containers, Images, Selector],
        (o, now) =>
        [
            NameOf(o), Replicas(o), Int(o, "status", "replicas"), Int(o, "status", "readyReplicas"), AgeOf(o, now),
            TemplateContainers(o, "name"), TemplateContainers(o, "image"), SelectorText(o),
        ]);

    private static ColumnPrinter StatefulSet() => new(
        [Name(), Text("Ready", "Number of the pod with ready state"), Age(), Containers, Images],
        (o, now) => [NameOf(o), $"{Int(o, "status", "readyReplicas")}/{Replicas(o)}", AgeOf(o, now), TemplateContainers(o, "name"), TemplateContainers(o, "image")]);

    private static ColumnPrinter DaemonSet() => new(
        [Name(), Integer("Desired", "The total number of nodes that should be running the daemon pod."), Integer("Current", "The number of nodes running at least one daemon pod."), Integer("Ready", "The number of nodes that should be running the daemon pod and have one or more ready."), Integer("Up-to-date", "The total number of nodes that are running updated daemon pod."), Integer("Available", "The number of nodes that should be running the daemon pod and have available pods."), Text("Node Selector", "NodeSelector is a selector which must be true for the pod to fit on a node."), Age(), Containers, Images, Selector],
        (o, now) =>
        [
            NameOf(o), Int(o, "status", "desiredNumberScheduled"), Int(o, "status", "currentNumberScheduled"), Int(o, "status", "numberReady"), Int(o, "status", "updatedNumberScheduled"), Int(o, "status", "numberAvailable"),
            o["spec"]?["template"]?["spec"]?["nodeSelector"] is JsonObject ns && ns.Count > 0 ? string.Join(",", ns.Select(kv => $"{kv.Key}={kv.Value}")) : "<none>",
            AgeOf(o, now), TemplateContainers(o, "name"), TemplateContainers(o, "image"), SelectorText(o),
        ]);

    private static ColumnPrinter Service() => new(
        [Name(), Text("Type", "The type of service."), Text("Cluster-IP", "The cluster IP of the service."), Text("External-IP", "The external IPs of the service."), Text("Port(s)", "The ports of the service."), Age(), Text("Selector", "The selector of the service.", 1)],
        (o, now) =>
        [
            NameOf(o), Str(o, "spec", "type") ?? "ClusterIP", Str(o, "spec", "clusterIP") ?? "<none>", "<none>",
            o["spec"]?["ports"] is JsonArray ports && ports.Count > 0 ? string.Join(",", ports.Select(p => $"{Int(p, "port")}/{Str(p, "protocol") ?? "TCP"}")) : "<none>",
            AgeOf(o, now),
            o["spec"]?["selector"] is JsonObject sel && sel.Count > 0 ? string.Join(",", sel.Select(kv => $"{kv.Key}={kv.Value}")) : "<none>",
        ]);

    private static ColumnPrinter Node() => new(
        [Name(), Text("Status", "The status of the node"), Text("Roles", "The roles of the node"), Age(), Text("Version", "Kubelet Version reported by the node."), Text("Internal-IP", "List of internal IPs for the node.", 1), Text("External-IP", "List of external IPs for the node.", 1), Text("OS-Image", "OS Image reported by the node from /etc/os-release.", 1), Text("Kernel-Version", "Kernel Version reported by the node from 'uname -r'.", 1), Text("Container-Runtime", "Container Runtime Version reported by the node.", 1)],
        (o, now) =>
        {
            var ready = (o["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => Str(c, "type") == "Ready");
            var status = ready is null ? "Unknown" : Str(ready, "status") == "True" ? "Ready" : "NotReady";
            if (Bool(o, "spec", "unschedulable") == true)
            {
                status += ",SchedulingDisabled";
            }

            var roles = (o["metadata"]?["labels"] as JsonObject)?.Select(kv => kv.Key).Where(k => k.StartsWith("node-role.kubernetes.io/", StringComparison.Ordinal)).Select(k => k["node-role.kubernetes.io/".Length..]).Order(StringComparer.Ordinal).ToList() ?? [];
            string Address(string type) => (o["status"]?["addresses"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(a => Str(a, "type") == type) is { } a ? Str(a, "address") ?? "<none>" : "<none>";
            return
            [
                NameOf(o), status, roles.Count > 0 ? string.Join(",", roles) : "<none>", AgeOf(o, now), Str(o, "status", "nodeInfo", "kubeletVersion") ?? "",
                Address("InternalIP"), Address("ExternalIP"), Str(o, "status", "nodeInfo", "osImage") ?? "<unknown>", Str(o, "status", "nodeInfo", "kernelVersion") ?? "<unknown>", Str(o, "status", "nodeInfo", "containerRuntimeVersion") ?? "<unknown>",
            ];
        });

    private static ColumnPrinter CoreEvent() => new(
        [
            new("Last Seen", "string", "", "The last time the event was observed"), Text("Type", "Type of this event"), Text("Reason", "Reason of this event"), Text("Object", "The object this event is about"),
            Text("Subobject", "The subobject this event is about", 1), Text("Source", "The source of this event", 1), Text("Message", "Message of this event"),
            Text("First Seen", "The first time the event was observed", 1), Integer("Count", "The number of times this event was observed", 1), new("Name", "string", "name", "Name of the event", 1),
        ],
        (o, now) =>
        {
            var last = Str(o, "lastTimestamp") ?? Str(o, "eventTime") ?? Str(o, "metadata", "creationTimestamp");
            var first = Str(o, "firstTimestamp") ?? Str(o, "eventTime") ?? Str(o, "metadata", "creationTimestamp");
            var kind = (Str(o, "involvedObject", "kind") ?? "").ToLowerInvariant();
            var source = Str(o, "source", "component") ?? Str(o, "reportingComponent") ?? "";
            if (Str(o, "source", "host") is { Length: > 0 } host)
            {
                source += ", " + host;
            }

            return
            [
                HumanDuration.Since(last, now), Str(o, "type") ?? "", Str(o, "reason") ?? "", $"{kind}/{Str(o, "involvedObject", "name")}",
                Str(o, "involvedObject", "fieldPath") ?? "", source, Str(o, "message") ?? "", HumanDuration.Since(first, now), Int(o, "count") == 0 ? 1 : Int(o, "count"), NameOf(o),
            ];
        });

    private static long Replicas(JsonObject o) => o["spec"]?["replicas"] is null ? 1 : Int(o, "spec", "replicas");

    private static string TemplateContainers(JsonObject o, string field) =>
        o["spec"]?["template"]?["spec"]?["containers"] is JsonArray c ? string.Join(",", c.Select(x => Str(x, field) ?? "")) : "";

    private static string SelectorText(JsonObject o)
    {
        if (o["spec"]?["selector"] is not JsonObject sel)
        {
            return "<none>";
        }

        var text = LabelSelector.FromJson(sel).ToString();
        return text.Length == 0 ? "<none>" : text;
    }
}
