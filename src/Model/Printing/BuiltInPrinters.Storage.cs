using System.Text.Json.Nodes;
using Kura.Model.Meta;
using static Kura.Model.Printing.ColumnPrinter;

namespace Kura.Model.Printing;

/// <summary>
/// PersistentVolume, PersistentVolumeClaim and the storage.k8s.io kinds (printers.go
/// printPersistentVolume … printCSIStorageCapacity). Quantities print as stored; an absent one is
/// the zero Quantity, "0".
/// </summary>
public static partial class BuiltInPrinters
{
    // core.BetaStorageClassAnnotation: still read before spec.storageClassName (helper.GetPersistentVolumeClass).
    private const string BetaStorageClassAnnotation = "volume.beta.kubernetes.io/storage-class";

    private static ColumnPrinter PersistentVolume() => new(
        [
            Name(),
            Text("Capacity", "Storage capacity of the volume."),
            Text("Access Modes", "Ways the volume can be mounted."),
            Text("Reclaim Policy", "What happens to the volume when its claim is released."),
            Text("Status", "Lifecycle phase of the volume."),
            Text("Claim", "Namespace/name of the claim bound to the volume."),
            Text("StorageClass", "Storage class the volume belongs to."),
            Text("VolumeAttributesClass", "Volume attributes class of the volume."),
            Text("Reason", "Short reason for a failed phase."),
            Age(),
            Text("VolumeMode", "Filesystem or Block.", 1),
        ],
        (o, now) =>
        [
            NameOf(o), QuantityText(o["spec"]?["capacity"]?["storage"]), AccessModes(o["spec"]?["accessModes"]),
            S(o, "spec", "persistentVolumeReclaimPolicy"), PhaseOrTerminating(o), o["spec"]?["claimRef"] is JsonObject c ? $"{S(c, "namespace")}/{S(c, "name")}" : "",
            StorageClassOf(o), Str(o, "spec", "volumeAttributesClassName") ?? "<unset>", S(o, "status", "reason"), AgeOf(o, now),
            Str(o, "spec", "volumeMode") ?? "<unset>",
        ]);

    private static ColumnPrinter PersistentVolumeClaim() => new(
        [
            Name(),
            Text("Status", "Lifecycle phase of the claim."),
            Text("Volume", "Name of the volume bound to the claim."),
            Text("Capacity", "Storage capacity of the bound volume."),
            Text("Access Modes", "Access modes of the bound volume."),
            Text("StorageClass", "Storage class the claim asks for."),
            Text("VolumeAttributesClass", "Volume attributes class the claim asks for."),
            Age(),
            Text("VolumeMode", "Filesystem or Block.", 1),
        ],
        (o, now) =>
        {
            // Capacity and access modes come from status, and only once the claim names a volume.
            var volume = S(o, "spec", "volumeName");
            var bound = volume.Length > 0;
            return
            [
                NameOf(o), PhaseOrTerminating(o), volume,
                bound ? QuantityText(o["status"]?["capacity"]?["storage"]) : "", bound ? AccessModes(o["status"]?["accessModes"]) : "",
                StorageClassOf(o), Str(o, "spec", "volumeAttributesClassName") ?? "<unset>", AgeOf(o, now), Str(o, "spec", "volumeMode") ?? "<unset>",
            ];
        });

    private static ColumnPrinter StorageClass() => new(
        [
            Name(),
            Text("Provisioner", "Driver that provisions volumes of the class."),
            Text("ReclaimPolicy", "Reclaim policy given to provisioned volumes."),
            Text("VolumeBindingMode", "When claims of the class are bound and provisioned."),
            Text("AllowVolumeExpansion", "Whether claims of the class may grow."),
            Age(),
        ],
        (o, now) =>
        {
            // storageutil.IsDefaultAnnotation: the GA or the beta annotation, exactly "true".
            var annotations = o["metadata"]?["annotations"];
            var isDefault = Str(annotations, "storageclass.kubernetes.io/is-default-class") == "true" || Str(annotations, "storageclass.beta.kubernetes.io/is-default-class") == "true";
            return
            [
                NameOf(o) + (isDefault ? " (default)" : ""), S(o, "provisioner"), Str(o, "reclaimPolicy") ?? "Delete",
                Str(o, "volumeBindingMode") ?? "Immediate", Bool(o, "allowVolumeExpansion") ?? false, AgeOf(o, now),
            ];
        });

    private static ColumnPrinter CsiDriver() => new(
        [
            Name(),
            Boolean("AttachRequired", "Whether volumes need a ControllerPublish (attach) step."),
            Boolean("PodInfoOnMount", "Whether the driver receives pod details on mount."),
            Boolean("StorageCapacity", "Whether the driver publishes storage capacity."),
            Text("TokenRequests", "Audiences of the service account tokens passed to the driver."),
            Boolean("RequiresRepublish", "Whether the driver wants NodePublishVolume called periodically."),
            Text("Modes", "Volume lifecycle modes the driver supports."),
            Age(),
        ],
        (o, now) =>
        {
            var tokens = o["spec"]?["tokenRequests"] is JsonArray t ? string.Join(",", t.Select(x => S(x, "audience"))) : "<unset>";
            var modes = string.Join(",", Array(o, "spec", "volumeLifecycleModes").Select(Obj.AsString));
            return
            [
                NameOf(o), Bool(o, "spec", "attachRequired") ?? true, Bool(o, "spec", "podInfoOnMount") ?? false, Bool(o, "spec", "storageCapacity") ?? false,
                tokens, Bool(o, "spec", "requiresRepublish") ?? false, modes.Length == 0 ? "<none>" : modes, AgeOf(o, now),
            ];
        });

    private static ColumnPrinter CsiNode() => new(
        [Name(), Integer("Drivers", "Number of CSI drivers registered on the node."), Age()],
        (o, now) => [NameOf(o), Count(o["spec"]?["drivers"]), AgeOf(o, now)]);

    // printers.go gives the Attacher column format "name" as well.
    private static ColumnPrinter VolumeAttachment() => new(
        [
            Name(),
            new TableColumn("Attacher", "string", "name", "Driver that attaches the volume."),
            Text("PV", "Persistent volume to attach."),
            Text("Node", "Node the volume is attached to."),
            Boolean("Attached", "Whether the attach operation succeeded."),
            Age(),
        ],
        (o, now) => [NameOf(o), S(o, "spec", "attacher"), S(o, "spec", "source", "persistentVolumeName"), S(o, "spec", "nodeName"), Bool(o, "status", "attached") ?? false, AgeOf(o, now)]);

    private static ColumnPrinter CsiStorageCapacity() => new(
        [Name(), Text("StorageClassName", "Storage class the capacity applies to."), Text("Capacity", "Capacity reported for the topology segment.")],
        (o, _) => [NameOf(o), S(o, "storageClassName"), o["capacity"] is { } c ? Obj.AsString(c) : "<unset>"]);

    private static string PhaseOrTerminating(JsonObject o) => Has(o, "metadata", "deletionTimestamp") ? "Terminating" : S(o, "status", "phase");

    /// <summary>helper.GetPersistentVolume(Claim)Class: the beta annotation when present, else spec.storageClassName.</summary>
    private static string StorageClassOf(JsonObject o) =>
        o["metadata"]?["annotations"] is JsonObject a && a.ContainsKey(BetaStorageClassAnnotation) ? Obj.AsString(a[BetaStorageClassAnnotation]) : S(o, "spec", "storageClassName");

    private static string QuantityText(JsonNode? quantity) => quantity is null ? "0" : Obj.AsString(quantity);
}
