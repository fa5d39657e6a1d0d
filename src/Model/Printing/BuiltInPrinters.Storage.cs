using System.Text.Json.Nodes;
using static Kura.Model.Printing.ColumnPrinter;

namespace Kura.Model.Printing;

public static partial class BuiltInPrinters
{
    private static ColumnPrinter PersistentVolume() => new(
        [
            Name(),
            Text("Capacity", "capacity is the description of the persistent volume's resources and capacity."),
            Text("Access Modes", "accessModes contains all ways the volume can be mounted."),
            Text("Reclaim Policy", "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim."),
            Text("Status", "phase indicates if a volume is available, bound to a claim, or released by a claim."),
            Text("Claim", "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim."),
            Text("StorageClass", "storageClassName is the name of StorageClass to which this persistent volume belongs."),
            Text("VolumeAttributesClass", "Name of VolumeAttributesClass to which this persistent volume belongs."),
            Text("Reason", "reason is a brief CamelCase string that describes any failure."),
            Age(),
            Text("VolumeMode", "volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.", 1),
        ],
        (o, now) =>
        {
            var claim = o["spec"]?["claimRef"] is JsonObject c ? $"{Str(c, "namespace")}/{Str(c, "name")}" : "";
            var status = o["metadata"]?["deletionTimestamp"] is not null ? "Terminating" : Str(o, "status", "phase") ?? "";
            return
            [
                NameOf(o), Str(o, "spec", "capacity", "storage") ?? "", AccessModes(o["spec"]?["accessModes"]),
                Str(o, "spec", "persistentVolumeReclaimPolicy") ?? "", status, claim, Str(o, "spec", "storageClassName") ?? "",
                Str(o, "spec", "volumeAttributesClassName") ?? "<unset>", Str(o, "status", "reason") ?? "", AgeOf(o, now),
                Str(o, "spec", "volumeMode") ?? "<unset>",
            ];
        });

    private static ColumnPrinter PersistentVolumeClaim() => new(
        [
            Name(),
            Text("Status", "phase represents the current phase of PersistentVolumeClaim."),
            Text("Volume", "volumeName is the binding reference to the PersistentVolume backing this claim."),
            Text("Capacity", "capacity represents the actual resources of the underlying volume."),
            Text("Access Modes", "accessModes contains the desired access modes the volume should have."),
            Text("StorageClass", "storageClassName is the name of the StorageClass required by the claim."),
            Text("VolumeAttributesClass", "volumeAttributesClassName may be used to set the VolumeAttributesClass used by this claim."),
            Age(),
            Text("VolumeMode", "volumeMode defines what type of volume is required by the claim.", 1),
        ],
        (o, now) =>
        {
            var bound = !string.IsNullOrEmpty(Str(o, "spec", "volumeName"));
            var status = o["metadata"]?["deletionTimestamp"] is not null ? "Terminating" : Str(o, "status", "phase") ?? "";
            return
            [
                NameOf(o), status, Str(o, "spec", "volumeName") ?? "",
                bound ? Str(o, "status", "capacity", "storage") ?? "" : "",
                bound ? AccessModes(o["status"]?["accessModes"]) : "",
                Str(o, "spec", "storageClassName") ?? "", Str(o, "spec", "volumeAttributesClassName") ?? "<unset>", AgeOf(o, now),
                Str(o, "spec", "volumeMode") ?? "<unset>",
            ];
        });

    private static ColumnPrinter StorageClass() => new(
        [
            Name(),
            Text("Provisioner", "provisioner indicates the type of the provisioner."),
            Text("ReclaimPolicy", "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class."),
            Text("VolumeBindingMode", "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound."),
            Text("AllowVolumeExpansion", "allowVolumeExpansion shows whether the storage class allow volume expand."),
            Age(),
        ],
        (o, now) =>
        {
            var annotations = o["metadata"]?["annotations"];
            var isDefault = Str(annotations, "storageclass.kubernetes.io/is-default-class") == "true" || Str(annotations, "storageclass.beta.kubernetes.io/is-default-class") == "true";
            return
            [
                NameOf(o) + (isDefault ? " (default)" : ""), Str(o, "provisioner") ?? "", Str(o, "reclaimPolicy") ?? "Delete",
                Str(o, "volumeBindingMode") ?? "Immediate", Bool(o, "allowVolumeExpansion") == true ? "true" : "false", AgeOf(o, now),
            ];
        });

    private static ColumnPrinter CsiDriver() => new(
        [
            Name(),
            Text("AttachRequired", "Indicates this CSI volume driver requires an attach operation."),
            Text("PodInfoOnMount", "Indicates this CSI volume driver requires additional pod information during mount operations."),
            Text("StorageCapacity", "Indicates this CSI volume driver reports storage capacity."),
            Text("TokenRequests", "Indicates the service account tokens the driver receives."),
            Text("RequiresRepublish", "Indicates this CSI volume driver requires periodic NodePublishVolume calls."),
            Text("Modes", "Indicates the volume lifecycle modes this driver supports."),
            Age(),
        ],
        (o, now) =>
        {
            var tokens = o["spec"]?["tokenRequests"] is JsonArray t && t.Count > 0 ? string.Join(",", t.Select(x => Str(x, "audience") ?? "")) : "<unset>";
            var modes = o["spec"]?["volumeLifecycleModes"] is JsonArray m && m.Count > 0 ? JoinStrings(m) : "<none>";
            return
            [
                NameOf(o), (Bool(o, "spec", "attachRequired") ?? true) ? "true" : "false", Bool(o, "spec", "podInfoOnMount") == true ? "true" : "false",
                Bool(o, "spec", "storageCapacity") == true ? "true" : "false", tokens, Bool(o, "spec", "requiresRepublish") == true ? "true" : "false", modes, AgeOf(o, now),
            ];
        });
}
