using System.Text.Json.Nodes;
using Csi.V1;
using Kura.ApiServer.Handlers;
using Kura.Controllers.Volumes;
using Kura.Csi;
using Kura.Grpc;
using Kura.Model.Errors;
using Kura.Model.Quantities;
using Kura.Store;

namespace Kura.ApiServer.Controllers;

/// <summary>
/// The external-provisioner role for one CSI driver (kubernetes-csi/external-provisioner;
/// reference/kubernetes.md §1.9): claims handed to the driver get a volume through CSI
/// CreateVolume and a pre-bound PV named after the claim's uid; Released volumes with the Delete
/// policy are deleted through DeleteVolume, then their PV goes.
/// </summary>
public sealed class CsiProvisioner(ObjectService objects, string driverName, GrpcClient csi, DriverInstance? instance = null) : StoreController(objects.Store, objects.Time)
{
    public const string ProvisionerFinalizer = "external-provisioner.volume.kubernetes.io/finalizer";
    private const string ClaimPrefix = "/core/persistentvolumeclaims/";
    private const string VolumePrefix = "/core/persistentvolumes/";
    private static readonly TimeSpan CsiTimeout = TimeSpan.FromMinutes(2);
    private readonly EventRecorder _events = new(objects, $"{driverName}_kura-provisioner");
    private readonly string _identity = $"{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}-8081-{driverName}";

    protected override IReadOnlyList<string> WatchedPrefixes { get; } = [ClaimPrefix, VolumePrefix];

    protected override Task ReconcileAsync(string key, CancellationToken ct) =>
        key.StartsWith(ClaimPrefix, StringComparison.Ordinal) ? ProvisionAsync(key, ct) : DeleteIfReleasedAsync(key, ct);

    private async Task ProvisionAsync(string key, CancellationToken ct)
    {
        var claim = Store.Get(key)?.Object;
        if (claim is null || claim["metadata"]?["deletionTimestamp"] is not null || !string.IsNullOrEmpty(claim["spec"]?["volumeName"]?.GetValue<string>()))
        {
            return;
        }

        var annotations = claim["metadata"]?["annotations"];
        var provisioner = annotations?[StorageNames.StorageProvisioner]?.GetValue<string>() ?? annotations?[StorageNames.BetaStorageProvisioner]?.GetValue<string>();
        if (provisioner != driverName)
        {
            return;
        }

        var className = VolumeMatcher.ClassOf(claim);
        var sc = objects.TryGet(objects.Type("storage.k8s.io", "StorageClass"), null, className)?.Object;
        if (sc is null || sc["provisioner"]?.GetValue<string>() != driverName)
        {
            return;
        }

        var waitForConsumer = sc["volumeBindingMode"]?.GetValue<string>() == "WaitForFirstConsumer";
        var selectedNode = annotations?[StorageNames.SelectedNode]?.GetValue<string>();
        if ((waitForConsumer && string.IsNullOrEmpty(selectedNode)) || !(instance ?? DriverInstance.Single).ServesSelectedNode(selectedNode))
        {
            return;
        }

        var uid = claim["metadata"]!["uid"]!.GetValue<string>();
        var pvName = "pvc-" + uid;
        var pvType = objects.Type("", "PersistentVolume");
        if (objects.TryGet(pvType, null, pvName) is not null)
        {
            return;
        }

        var ns = claim["metadata"]!["namespace"]!.GetValue<string>();
        var name = claim["metadata"]!["name"]!.GetValue<string>();
        if (claim["spec"]?["selector"] is not null)
        {
            await _events.RecordAsync(claim, "Warning", "ProvisioningFailed", "claim Selector is not supported", ct);
            return;
        }

        await _events.RecordAsync(claim, "Normal", "Provisioning", $"External provisioner is provisioning volume for claim \"{ns}/{name}\"", ct);
        var request = CreateRequest(pvName, claim, sc, selectedNode);
        if ((claim["spec"]?["dataSourceRef"] as JsonObject ?? claim["spec"]?["dataSource"] as JsonObject) is { } dataSource)
        {
            var (source, error) = ContentSource(ns, dataSource, request.CapacityRange.RequiredBytes);
            if (error is not null)
            {
                await _events.RecordAsync(claim, "Warning", "ProvisioningFailed", $"failed to provision volume with StorageClass \"{className}\": error getting handle for DataSource Type {dataSource["kind"]} by Name {dataSource["name"]}: {error}", ct);
                throw new InvalidOperationException(error);
            }

            request.VolumeContentSource = source;
        }

        CreateVolumeResponse created;
        try
        {
            created = await csi.UnaryAsync(CsiServices.Controller, "CreateVolume", request, CreateVolumeResponse.Parser, CsiTimeout, ct);
        }
        catch (RpcException e)
        {
            await _events.RecordAsync(claim, "Warning", "ProvisioningFailed", $"failed to provision volume with StorageClass \"{className}\": {e}", ct);
            throw;
        }

        var pv = VolumeFor(pvName, claim, sc, created.Volume);
        try
        {
            await objects.CreateAsync(pvType, null, pv, WriteOptions.Internal with { FieldManager = "csi-provisioner" }, ct);
        }
        catch (ApiException e) when (e.Code == 409)
        {
            // Created by an earlier attempt: CreateVolume was idempotent by name, so nothing leaks.
        }

        await _events.RecordAsync(claim, "Normal", "ProvisioningSucceeded", $"Successfully provisioned volume {pvName}", ct);
    }

    /// <summary>A claim's data source as a CSI content source: a ready snapshot, or a bound claim to clone.</summary>
    private (VolumeContentSource? Source, string? Error) ContentSource(string ns, JsonObject dataSource, long requestedBytes)
    {
        var kind = dataSource["kind"]?.GetValue<string>();
        var group = dataSource["apiGroup"]?.GetValue<string>() ?? "";
        var name = dataSource["name"]?.GetValue<string>() ?? "";
        if (kind == "VolumeSnapshot" && group == CsiSnapshotter.Group)
        {
            var (handle, restoreBytes, error) = CsiSnapshotter.ResolveSource(objects, ns, name);
            if (error is not null)
            {
                return (null, error);
            }

            return restoreBytes > requestedBytes
                ? (null, $"requested volume size {requestedBytes} is less than the size {restoreBytes} for the source snapshot {name}")
                : (new VolumeContentSource { Snapshot = new VolumeContentSource.Types.SnapshotSource { SnapshotId = handle } }, null);
        }

        if (kind == "PersistentVolumeClaim" && group.Length == 0)
        {
            var source = objects.TryGet(objects.Type("", "PersistentVolumeClaim"), ns, name)?.Object;
            var pvName = source?["spec"]?["volumeName"]?.GetValue<string>();
            var pv = pvName is null ? null : objects.TryGet(objects.Type("", "PersistentVolume"), null, pvName)?.Object;
            if (source?["status"]?["phase"]?.GetValue<string>() != "Bound" || pv?["spec"]?["csi"]?["driver"]?.GetValue<string>() != driverName)
            {
                return (null, $"the source PVC {name} is not Bound to a volume of {driverName}");
            }

            return (new VolumeContentSource { Volume = new VolumeContentSource.Types.VolumeSource { VolumeId = pv["spec"]!["csi"]!["volumeHandle"]!.GetValue<string>() } }, null);
        }

        return (null, $"data source kind {kind} of group \"{group}\" is not supported");
    }

    /// <summary>CreateVolumeRequest as external-provisioner builds it from the claim and its class.</summary>
    private CreateVolumeRequest CreateRequest(string pvName, JsonObject claim, JsonObject sc, string? selectedNode)
    {
        var request = new CreateVolumeRequest { Name = pvName };
        var size = Quantity.TryParse(claim["spec"]?["resources"]?["requests"]?["storage"]?.ToString(), out var q) ? q.Value : 0;
        request.CapacityRange = new CapacityRange { RequiredBytes = size };
        var parameters = sc["parameters"] as JsonObject ?? [];
        var fsType = parameters["csi.storage.k8s.io/fstype"]?.GetValue<string>() ?? parameters["fstype"]?.GetValue<string>() ?? "ext4";
        foreach (var (k, v) in parameters)
        {
            if (!k.StartsWith("csi.storage.k8s.io/", StringComparison.Ordinal))
            {
                request.Parameters[k] = v?.GetValue<string>() ?? "";
            }
        }

        var block = claim["spec"]?["volumeMode"]?.GetValue<string>() == "Block";
        var mountFlags = (sc["mountOptions"] as JsonArray)?.Select(m => m?.GetValue<string>() ?? "").ToList() ?? [];
        foreach (var mode in (claim["spec"]?["accessModes"] as JsonArray)?.Select(m => m?.GetValue<string>()) ?? [])
        {
            var capability = new VolumeCapability
            {
                AccessMode = new VolumeCapability.Types.AccessMode
                {
                    Mode = mode switch
                    {
                        "ReadOnlyMany" => VolumeCapability.Types.AccessMode.Types.Mode.MultiNodeReaderOnly,
                        "ReadWriteMany" => VolumeCapability.Types.AccessMode.Types.Mode.MultiNodeMultiWriter,
                        _ => VolumeCapability.Types.AccessMode.Types.Mode.SingleNodeWriter,
                    },
                },
            };
            if (block)
            {
                capability.Block = new VolumeCapability.Types.BlockVolume();
            }
            else
            {
                capability.Mount = new VolumeCapability.Types.MountVolume { FsType = fsType, MountFlags = { mountFlags } };
            }

            request.VolumeCapabilities.Add(capability);
        }

        if (selectedNode is not null)
        {
            var topology = new Topology { Segments = { ["topology.local.csi.kura.io/node"] = selectedNode } };
            request.AccessibilityRequirements = new TopologyRequirement { Requisite = { topology }, Preferred = { topology } };
        }

        return request;
    }

    private JsonObject VolumeFor(string pvName, JsonObject claim, JsonObject sc, Volume volume)
    {
        var requested = Quantity.TryParse(claim["spec"]?["resources"]?["requests"]?["storage"]?.ToString(), out var q) ? q : Quantity.FromBytes(0);
        var capacity = volume.CapacityBytes > 0 ? Quantity.FromBytes(volume.CapacityBytes) : requested;
        var attributes = new JsonObject();
        foreach (var (k, v) in volume.VolumeContext)
        {
            attributes[k] = v;
        }

        attributes["storage.kubernetes.io/csiProvisionerIdentity"] = _identity;
        var block = claim["spec"]?["volumeMode"]?.GetValue<string>() == "Block";
        var csiSource = new JsonObject { ["driver"] = driverName, ["volumeHandle"] = volume.VolumeId, ["volumeAttributes"] = attributes };
        if (!block)
        {
            csiSource["fsType"] = (sc["parameters"]?["csi.storage.k8s.io/fstype"] ?? sc["parameters"]?["fstype"])?.GetValue<string>() ?? "ext4";
        }

        var spec = new JsonObject
        {
            ["accessModes"] = claim["spec"]?["accessModes"]?.DeepClone(),
            ["capacity"] = new JsonObject { ["storage"] = capacity.ToString() },
            ["claimRef"] = new JsonObject
            {
                ["kind"] = "PersistentVolumeClaim",
                ["namespace"] = claim["metadata"]!["namespace"]!.GetValue<string>(),
                ["name"] = claim["metadata"]!["name"]!.GetValue<string>(),
                ["uid"] = claim["metadata"]!["uid"]!.GetValue<string>(),
                ["apiVersion"] = "v1",
                ["resourceVersion"] = claim["metadata"]!["resourceVersion"]!.GetValue<string>(),
            },
            ["csi"] = csiSource,
            ["persistentVolumeReclaimPolicy"] = sc["reclaimPolicy"]?.GetValue<string>() ?? "Delete",
            ["storageClassName"] = VolumeMatcher.ClassOf(claim),
            ["volumeMode"] = block ? "Block" : "Filesystem",
        };
        if (sc["mountOptions"] is JsonArray mountOptions)
        {
            spec["mountOptions"] = mountOptions.DeepClone();
        }

        if (volume.AccessibleTopology.Count > 0)
        {
            // Each accessible topology becomes one term (ORed); each segment an In expression (ANDed).
            var terms = new JsonArray();
            foreach (var t in volume.AccessibleTopology)
            {
                var expressions = new JsonArray();
                foreach (var (k, v) in t.Segments.OrderBy(s => s.Key, StringComparer.Ordinal))
                {
                    expressions.Add(new JsonObject { ["key"] = k, ["operator"] = "In", ["values"] = new JsonArray(v) });
                }

                terms.Add(new JsonObject { ["matchExpressions"] = expressions });
            }

            spec["nodeAffinity"] = new JsonObject { ["required"] = new JsonObject { ["nodeSelectorTerms"] = terms } };
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "PersistentVolume",
            ["metadata"] = new JsonObject
            {
                ["name"] = pvName,
                ["annotations"] = new JsonObject
                {
                    [StorageNames.ProvisionedBy] = driverName,
                    ["volume.kubernetes.io/provisioner-deletion-secret-name"] = "",
                    ["volume.kubernetes.io/provisioner-deletion-secret-namespace"] = "",
                },
                ["finalizers"] = new JsonArray(ProvisionerFinalizer),
            },
            ["spec"] = spec,
        };
    }

    /// <summary>shouldDelete: a Released volume of this driver with the Delete policy.</summary>
    private async Task DeleteIfReleasedAsync(string key, CancellationToken ct)
    {
        var pv = Store.Get(key)?.Object;
        if (pv is null || pv["metadata"]?["annotations"]?[StorageNames.ProvisionedBy]?.GetValue<string>() != driverName
            || pv["spec"]?["persistentVolumeReclaimPolicy"]?.GetValue<string>() != "Delete"
            || pv["status"]?["phase"]?.GetValue<string>() is not ("Released" or "Failed")
            || !(instance ?? DriverInstance.Single).Holds(pv))
        {
            return;
        }

        var handle = pv["spec"]?["csi"]?["volumeHandle"]?.GetValue<string>() ?? "";
        try
        {
            await csi.UnaryAsync(CsiServices.Controller, "DeleteVolume", new DeleteVolumeRequest { VolumeId = handle }, DeleteVolumeResponse.Parser, CsiTimeout, ct);
        }
        catch (RpcException e)
        {
            await _events.RecordAsync(pv, "Warning", "VolumeFailedDelete", e.ToString(), ct);
            throw;
        }

        var pvType = objects.Type("", "PersistentVolume");
        var name = pv["metadata"]!["name"]!.GetValue<string>();
        await objects.RemoveFinalizerAsync(pvType, null, name, ProvisionerFinalizer, ct);
        try
        {
            await objects.DeleteAsync(pvType, null, name, new DeleteOptions(), ct);
        }
        catch (ApiException e) when (e.Code == 404)
        {
        }
    }
}
