using System.Text.Json.Nodes;
using Kura.Model.Meta;
using static Kura.Model.Printing.ColumnPrinter;

namespace Kura.Model.Printing;

/// <summary>
/// Server-side printers for the built-in kinds: the column definitions (names, types, formats,
/// priorities) and cells of kubernetes/pkg/printers/internalversion/printers.go, which the
/// apiserver runs with Wide=true so rows always carry the priority-1 cells
/// (reference/kubernetes.md §2.4, §2.12). Kinds printers.go does not know (Role, ClusterRole,
/// LimitRange, and CustomResourceDefinition in apiextensions-apiserver) get the apiserver's
/// default table convertor: NAME and CREATED AT.
/// </summary>
public static partial class BuiltInPrinters
{
    // Built on first use: the per-kind factories live in the other partial files.
    private static readonly Lazy<Dictionary<(string Group, string Kind), ITablePrinter>> Printers = new(() => new()
    {
        [("", "Namespace")] = Namespace(),
        [("", "Node")] = Node(),
        [("", "PersistentVolume")] = PersistentVolume(),
        [("", "PersistentVolumeClaim")] = PersistentVolumeClaim(),
        [("", "Pod")] = Pod(),
        [("", "ConfigMap")] = ConfigMap(),
        [("", "Secret")] = Secret(),
        [("", "Event")] = CoreEvent(),
        [("", "Service")] = Service(),
        [("", "ServiceAccount")] = ServiceAccount(),
        [("", "Endpoints")] = Endpoints(),
        [("", "ResourceQuota")] = ResourceQuota(),
        [("", "LimitRange")] = CreatedAt(),
        [("events.k8s.io", "Event")] = EventsEvent(),
        [("storage.k8s.io", "StorageClass")] = StorageClass(),
        [("storage.k8s.io", "CSIDriver")] = CsiDriver(),
        [("storage.k8s.io", "CSINode")] = CsiNode(),
        [("storage.k8s.io", "VolumeAttachment")] = VolumeAttachment(),
        [("storage.k8s.io", "CSIStorageCapacity")] = CsiStorageCapacity(),
        [("apps", "Deployment")] = Deployment(),
        [("apps", "ReplicaSet")] = ReplicaSet(),
        [("apps", "StatefulSet")] = StatefulSet(),
        [("apps", "DaemonSet")] = DaemonSet(),
        [("apps", "ControllerRevision")] = ControllerRevision(),
        [("coordination.k8s.io", "Lease")] = Lease(),
        [("rbac.authorization.k8s.io", "Role")] = CreatedAt(),
        [("rbac.authorization.k8s.io", "RoleBinding")] = RoleBinding("roleBinding"),
        [("rbac.authorization.k8s.io", "ClusterRole")] = CreatedAt(),
        [("rbac.authorization.k8s.io", "ClusterRoleBinding")] = RoleBinding("clusterRoleBinding"),
        [("apiextensions.k8s.io", "CustomResourceDefinition")] = CreatedAt(),
    });

    /// <summary>The printer for a built-in kind; <see cref="DefaultPrinter"/> when there is no specific one.</summary>
    public static ITablePrinter For(string group, string kind) => Printers.Value.GetValueOrDefault((group, kind)) ?? DefaultPrinter.Instance;

    /// <summary>
    /// k8s.io/apiserver registry/rest/table.go (defaultTableConvertor): NAME and a "date" column
    /// holding creationTimestamp in UTC RFC 3339 (Go's zero time when unset).
    /// </summary>
    private static ColumnPrinter CreatedAt() => new(
        [Name(), new TableColumn("Created At", "date", "", "When the object was created.")],
        (o, _) => [NameOf(o), Obj.Rfc3339(HumanDuration.ParseNonZero(Str(o, "metadata", "creationTimestamp")) ?? DateTimeOffset.MinValue)]);

    /// <summary>helper.GetAccessModesAsString: abbreviations in a fixed order, duplicates dropped.</summary>
    internal static string AccessModes(JsonNode? modes)
    {
        var set = Array(modes).Select(Obj.AsString).ToHashSet(StringComparer.Ordinal);
        var parts = new List<string>(4);
        foreach (var (mode, abbreviation) in new[] { ("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"), ("ReadWriteOncePod", "RWOP") })
        {
            if (set.Contains(mode))
            {
                parts.Add(abbreviation);
            }
        }

        return string.Join(",", parts);
    }

    /// <summary>labels.FormatLabels: "k=v" pairs sorted by key, "&lt;none&gt;" when empty.</summary>
    internal static string FormatLabels(JsonNode? map)
    {
        var pairs = Obj.StringMap(map).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}").ToList();
        return pairs.Count == 0 ? "<none>" : string.Join(",", pairs);
    }

    /// <summary>layoutContainerCells: container names and images, comma-joined in spec order.</summary>
    internal static (string Names, string Images) LayoutContainers(JsonNode? podSpec)
    {
        var containers = Objects(podSpec, "containers").ToList();
        return (string.Join(",", containers.Select(c => S(c, "name"))), string.Join(",", containers.Select(c => S(c, "image"))));
    }

    /// <summary>A count of map entries or array items (len() of a Go map or slice).</summary>
    internal static long Count(JsonNode? node) => node switch
    {
        JsonObject o => o.Count,
        JsonArray a => a.Count,
        _ => 0,
    };
}
