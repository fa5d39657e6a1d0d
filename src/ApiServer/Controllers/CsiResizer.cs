using System.Text.Json.Nodes;
using Csi.V1;
using Kura.ApiServer.Handlers;
using Kura.Csi;
using Kura.Grpc;
using Kura.Model.Quantities;

namespace Kura.ApiServer.Controllers;

/// <summary>
/// The external-resizer role for one CSI driver (kubernetes-csi/external-resizer; reference
/// kubernetes.md §1.11): a bound claim whose request grew past its capacity gets
/// ControllerExpandVolume, the PV takes the new size, and the claim either reports it at once or
/// waits with FileSystemResizePending until its filesystem grows on a node.
/// </summary>
public sealed class CsiResizer(ObjectService objects, string driverName, GrpcClient csi, DriverInstance? instance = null) : StoreController(objects.Store, objects.Time)
{
    public const string ResizerAnnotation = "volume.kubernetes.io/storage-resizer";
    private readonly EventRecorder _events = new(objects, "external-resizer " + driverName);

    protected override IReadOnlyList<string> WatchedPrefixes { get; } = ["/core/persistentvolumeclaims/"];

    protected override async Task ReconcileAsync(string key, CancellationToken ct)
    {
        var claim = Store.Get(key)?.Object;
        if (claim is null || claim["status"]?["phase"]?.GetValue<string>() != "Bound" || claim["metadata"]?["deletionTimestamp"] is not null)
        {
            return;
        }

        if (!Quantity.TryParse(claim["spec"]?["resources"]?["requests"]?["storage"]?.ToString(), out var requested)
            || !Quantity.TryParse(claim["status"]?["capacity"]?["storage"]?.ToString(), out var capacity) || requested <= capacity)
        {
            return;
        }

        var pvType = objects.Type("", "PersistentVolume");
        var pvcType = objects.Type("", "PersistentVolumeClaim");
        var pvName = claim["spec"]?["volumeName"]?.GetValue<string>() ?? "";
        var pv = objects.TryGet(pvType, null, pvName)?.Object;
        if (pv?["spec"]?["csi"]?["driver"]?.GetValue<string>() != driverName || !(instance ?? DriverInstance.Single).Holds(pv))
        {
            return;
        }

        var ns = claim["metadata"]!["namespace"]!.GetValue<string>();
        var name = claim["metadata"]!["name"]!.GetValue<string>();
        if (Quantity.TryParse(pv["spec"]?["capacity"]?["storage"]?.ToString(), out var pvSize) && pvSize >= requested
            && HasCondition(claim, "FileSystemResizePending"))
        {
            // Controller expansion is done; the node side finishes it when a pod mounts the volume.
            return;
        }

        await objects.GuaranteedUpdateAsync(pvcType, ns, name, c =>
        {
            var annotations = Model.Meta.Obj.EnsureObject(c, "metadata", "annotations");
            if (annotations[ResizerAnnotation]?.GetValue<string>() == driverName)
            {
                return null;
            }

            annotations[ResizerAnnotation] = driverName;
            return c;
        }, ct: ct);
        await SetConditionAsync(pvcType, ns, name, "Resizing", null, ct);
        await _events.RecordAsync(claim, "Normal", "Resizing", $"External resizer is resizing volume {pvName}", ct);

        ControllerExpandVolumeResponse response;
        try
        {
            response = await csi.UnaryAsync(CsiServices.Controller, "ControllerExpandVolume", new ControllerExpandVolumeRequest
            {
                VolumeId = pv["spec"]!["csi"]!["volumeHandle"]!.GetValue<string>(),
                CapacityRange = new CapacityRange { RequiredBytes = requested.Value },
            }, ControllerExpandVolumeResponse.Parser, TimeSpan.FromMinutes(2), ct);
        }
        catch (RpcException e)
        {
            await _events.RecordAsync(claim, "Warning", "VolumeResizeFailed", $"resize volume \"{pvName}\" by resizer \"{driverName}\" failed: {e}", ct);
            throw;
        }

        var newSize = response.CapacityBytes > 0 ? Quantity.FromBytes(response.CapacityBytes) : requested;
        await objects.GuaranteedUpdateAsync(pvType, null, pvName, v =>
        {
            ((JsonObject)v["spec"]!)["capacity"] = new JsonObject { ["storage"] = newSize.ToString() };
            return v;
        }, ct: ct);

        if (response.NodeExpansionRequired)
        {
            await SetConditionAsync(pvcType, ns, name, "FileSystemResizePending", "Waiting for user to (re-)start a pod to finish file system resize of volume on node.", ct);
            await _events.RecordAsync(claim, "Normal", "FileSystemResizeRequired", "Require file system resize of volume on node", ct);
            return;
        }

        await objects.GuaranteedUpdateAsync(pvcType, ns, name, c =>
        {
            var status = (JsonObject)c["status"]!;
            status["capacity"] = new JsonObject { ["storage"] = newSize.ToString() };
            status.Remove("conditions");
            return c;
        }, "status", ct);
        await _events.RecordAsync(claim, "Normal", "VolumeResizeSuccessful", "Resize volume succeeded", ct);
    }

    private static bool HasCondition(JsonObject claim, string type) =>
        (claim["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().Any(c => c["type"]?.GetValue<string>() == type) == true;

    /// <summary>Replaces the claim's conditions with one condition of <paramref name="type"/>.</summary>
    private Task SetConditionAsync(Model.Registry.ResourceType pvcType, string ns, string name, string type, string? message, CancellationToken ct) =>
        objects.GuaranteedUpdateAsync(pvcType, ns, name, c =>
        {
            if (HasCondition(c, type))
            {
                return null;
            }

            var condition = new JsonObject
            {
                ["type"] = type,
                ["status"] = "True",
                ["lastProbeTime"] = null,
                ["lastTransitionTime"] = Model.Meta.Obj.Rfc3339(Time.GetUtcNow()),
            };
            if (message is not null)
            {
                condition["message"] = message;
            }

            ((JsonObject)c["status"]!)["conditions"] = new JsonArray(condition);
            return c;
        }, "status", ct);
}
