using System.Text.Json.Nodes;
using static Kura.Model.Printing.ColumnPrinter;

namespace Kura.Model.Printing;

/// <summary>
/// Server-side printers for the built-in kinds, with the column sets of
/// kubernetes/pkg/printers/internalversion/printers.go (reference/kubernetes.md §2.12).
/// </summary>
public static partial class BuiltInPrinters
{
    // Built on first use: the per-kind printers are static fields of the other partial files,
    // whose initialization order relative to this file is not defined.
    private static readonly Lazy<Dictionary<(string, string), ITablePrinter>> Printers = new(() => new()
    {
        [("", "Namespace")] = new ColumnPrinter(
            [Name(), Text("Status", "The status of the namespace"), Age()],
            (o, now) => [NameOf(o), Str(o, "status", "phase") ?? "", AgeOf(o, now)]),
        [("", "PersistentVolume")] = PersistentVolume(),
        [("", "PersistentVolumeClaim")] = PersistentVolumeClaim(),
        [("storage.k8s.io", "StorageClass")] = StorageClass(),
        [("", "ConfigMap")] = new ColumnPrinter(
            [Name(), Integer("Data", "Number of data in configmap"), Age()],
            (o, now) => [NameOf(o), (long)(Count(o["data"]) + Count(o["binaryData"])), AgeOf(o, now)]),
        [("", "Secret")] = new ColumnPrinter(
            [Name(), Text("Type", "The type of the secret"), Integer("Data", "Number of data in secret"), Age()],
            (o, now) => [NameOf(o), Str(o, "type") ?? "", (long)Count(o["data"]), AgeOf(o, now)]),
        [("", "ServiceAccount")] = new ColumnPrinter(
            [Name(), Age()],
            (o, now) => [NameOf(o), AgeOf(o, now)]),
        [("", "Event")] = CoreEvent(),
        [("", "Pod")] = Pod(),
        [("", "Node")] = Node(),
        [("", "Service")] = Service(),
        [("apps", "Deployment")] = Deployment(),
        [("apps", "ReplicaSet")] = ReplicaSet(),
        [("apps", "StatefulSet")] = StatefulSet(),
        [("apps", "DaemonSet")] = DaemonSet(),
        [("storage.k8s.io", "CSIDriver")] = CsiDriver(),
        [("storage.k8s.io", "CSINode")] = new ColumnPrinter(
            [Name(), Integer("Drivers", "Drivers indicates the number of CSI drivers registered on the node"), Age()],
            (o, now) => [NameOf(o), (long)Count(o["spec"]?["drivers"]), AgeOf(o, now)]),
        [("storage.k8s.io", "VolumeAttachment")] = new ColumnPrinter(
            [Name(), Text("Attacher", "Attacher indicates the name of the volume driver that MUST handle this request."), Text("PV", "Name of the persistent volume to attach."), Text("Node", "The node that the volume should be attached to."), new("Attached", "boolean", "", "Attached indicates the volume is successfully attached."), Age()],
            (o, now) => [NameOf(o), Str(o, "spec", "attacher") ?? "", Str(o, "spec", "source", "persistentVolumeName") ?? "", Str(o, "spec", "nodeName") ?? "", Bool(o, "status", "attached") ?? false, AgeOf(o, now)]),
        [("storage.k8s.io", "CSIStorageCapacity")] = new ColumnPrinter(
            [Name(), Text("StorageClassName", "StorageClassName of the CSIStorageCapacity"), Text("Capacity", "Capacity of the CSIStorageCapacity")],
            (o, _) => [NameOf(o), Str(o, "storageClassName") ?? "", Str(o, "capacity") ?? ""]),
        [("coordination.k8s.io", "Lease")] = new ColumnPrinter(
            [Name(), Text("Holder", "The holder of the lease"), Age()],
            (o, now) => [NameOf(o), Str(o, "spec", "holderIdentity") ?? "", AgeOf(o, now)]),
        [("apiextensions.k8s.io", "CustomResourceDefinition")] = new ColumnPrinter(
            [Name(), new("Created At", "date", "", "The time the CRD was created")],
            (o, _) => [NameOf(o), Str(o, "metadata", "creationTimestamp") ?? ""]),
    });

    /// <summary>The printer for a built-in kind; <see cref="DefaultPrinter"/> when there is no specific one.</summary>
    public static ITablePrinter For(string group, string kind) => Printers.Value.GetValueOrDefault((group, kind)) ?? DefaultPrinter.Instance;

    private static int Count(JsonNode? node) => node switch
    {
        JsonObject o => o.Count,
        JsonArray a => a.Count,
        _ => 0,
    };

    private static string JoinStrings(JsonNode? node, string separator = ",") =>
        node is JsonArray a ? string.Join(separator, a.Select(x => x?.GetValue<string>() ?? "")) : "";

    /// <summary>Access modes as kubectl abbreviates them, in Kubernetes' fixed order.</summary>
    internal static string AccessModes(JsonNode? modes)
    {
        if (modes is not JsonArray a)
        {
            return "";
        }

        var set = a.Select(m => m?.GetValue<string>()).ToHashSet();
        var parts = new List<string>();
        foreach (var (mode, abbrev) in new[] { ("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"), ("ReadWriteOncePod", "RWOP") })
        {
            if (set.Contains(mode))
            {
                parts.Add(abbrev);
            }
        }

        return string.Join(",", parts);
    }
}
