using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Csi.V1;
using Kura.ApiServer.Handlers;
using Kura.Csi;
using Kura.Grpc;

namespace Kura.ApiServer.Controllers;

/// <summary>
/// The external-attacher role for one CSI driver (kubernetes-csi/external-attacher; reference
/// kubernetes.md §1.10): VolumeAttachments for the driver get ControllerPublishVolume with the
/// node's CSI node id (or, for drivers without PUBLISH_UNPUBLISH_VOLUME, are simply marked
/// attached, the "trivial handler"), and ControllerUnpublishVolume when they are deleted.
/// </summary>
public sealed partial class CsiAttacher(ObjectService objects, string driverName, GrpcClient csi) : StoreController(objects.Store, objects.Time)
{
    private static readonly TimeSpan CsiTimeout = TimeSpan.FromMinutes(2);
    private bool? _publishes;

    /// <summary>external-attacher/&lt;driver with non-alphanumerics replaced by '-'&gt;.</summary>
    public string Finalizer { get; } = "external-attacher/" + NonAlphanumeric().Replace(driverName, "-");

    protected override IReadOnlyList<string> WatchedPrefixes { get; } = ["/storage.k8s.io/volumeattachments/"];

    protected override async Task ReconcileAsync(string key, CancellationToken ct)
    {
        var va = Store.Get(key)?.Object;
        if (va is null || va["spec"]?["attacher"]?.GetValue<string>() != driverName)
        {
            return;
        }

        var vaType = objects.Type("storage.k8s.io", "VolumeAttachment");
        var name = va["metadata"]!["name"]!.GetValue<string>();
        var pvName = va["spec"]?["source"]?["persistentVolumeName"]?.GetValue<string>();
        var pv = pvName is null ? null : objects.TryGet(objects.Type("", "PersistentVolume"), null, pvName)?.Object;
        var nodeName = va["spec"]?["nodeName"]?.GetValue<string>() ?? "";
        var publishes = _publishes ??= await PublishesAsync(ct);

        if (va["metadata"]?["deletionTimestamp"] is not null)
        {
            if (publishes && pv is not null)
            {
                await csi.UnaryAsync(CsiServices.Controller, "ControllerUnpublishVolume", new ControllerUnpublishVolumeRequest
                {
                    VolumeId = pv["spec"]!["csi"]!["volumeHandle"]!.GetValue<string>(),
                    NodeId = NodeId(nodeName),
                }, ControllerUnpublishVolumeResponse.Parser, CsiTimeout, ct);
            }

            await objects.RemoveFinalizerAsync(vaType, null, name, Finalizer, ct);
            return;
        }

        if (va["status"]?["attached"]?.GetValue<bool>() == true)
        {
            return;
        }

        await objects.GuaranteedUpdateAsync(vaType, null, name, v =>
        {
            var meta = (JsonObject)v["metadata"]!;
            var fin = meta["finalizers"] as JsonArray ?? [];
            if (fin.Any(f => f?.GetValue<string>() == Finalizer))
            {
                return null;
            }

            fin.Add(Finalizer);
            meta["finalizers"] = fin;
            return v;
        }, ct: ct);

        var metadata = new JsonObject();
        if (publishes)
        {
            try
            {
                var response = await csi.UnaryAsync(CsiServices.Controller, "ControllerPublishVolume", new ControllerPublishVolumeRequest
                {
                    VolumeId = pv?["spec"]?["csi"]?["volumeHandle"]?.GetValue<string>() ?? throw new InvalidOperationException($"persistentvolume {pvName} not found"),
                    NodeId = NodeId(nodeName),
                    Readonly = pv["spec"]?["csi"]?["readOnly"]?.GetValue<bool>() == true,
                }, ControllerPublishVolumeResponse.Parser, CsiTimeout, ct);
                foreach (var (k, v) in response.PublishContext)
                {
                    metadata[k] = v;
                }
            }
            catch (Exception e) when (e is RpcException or InvalidOperationException)
            {
                await objects.GuaranteedUpdateAsync(vaType, null, name, v =>
                {
                    v["status"] = new JsonObject { ["attached"] = false, ["attachError"] = new JsonObject { ["time"] = Model.Meta.Obj.Rfc3339(Time.GetUtcNow()), ["message"] = e.Message } };
                    return v;
                }, "status", ct);
                throw;
            }
        }

        await objects.GuaranteedUpdateAsync(vaType, null, name, v =>
        {
            v["status"] = new JsonObject { ["attached"] = true, ["attachmentMetadata"] = metadata.DeepClone() };
            return v;
        }, "status", ct);
    }

    /// <summary>The driver's node id for a Kubernetes node, from its CSINode object.</summary>
    private string NodeId(string nodeName) =>
        (objects.TryGet(objects.Type("storage.k8s.io", "CSINode"), null, nodeName)?.Object["spec"]?["drivers"] as JsonArray)?
            .OfType<JsonObject>().FirstOrDefault(d => d["name"]?.GetValue<string>() == driverName)?["nodeID"]?.GetValue<string>() ?? nodeName;

    private async Task<bool> PublishesAsync(CancellationToken ct)
    {
        var caps = await csi.UnaryAsync(CsiServices.Controller, "ControllerGetCapabilities", new ControllerGetCapabilitiesRequest(), ControllerGetCapabilitiesResponse.Parser, CsiTimeout, ct);
        return caps.Capabilities.Any(c => c.Rpc?.Type == ControllerServiceCapability.Types.RPC.Types.Type.PublishUnpublishVolume);
    }

    [GeneratedRegex("[^a-zA-Z0-9]")]
    private static partial Regex NonAlphanumeric();
}
