using System.Globalization;
using System.Text.Json.Nodes;
using Csi.V1;
using Kura.ApiServer.Handlers;
using Kura.Csi;
using Kura.Grpc;
using Kura.Model.Errors;
using Kura.Model.Quantities;

namespace Kura.ApiServer.Controllers;

/// <summary>
/// The snapshot-controller and csi-snapshotter roles for one CSI driver
/// (kubernetes-csi/external-snapshotter; reference/kubernetes.md §1.12): a VolumeSnapshot of a
/// bound claim gets a VolumeSnapshotContent named snapcontent-&lt;uid&gt; and a CSI snapshot;
/// status flows back to the VolumeSnapshot; deletion follows the deletionPolicy.
/// </summary>
public sealed class CsiSnapshotter(ObjectService objects, string driverName, GrpcClient csi) : StoreController(objects.Store, objects.Time)
{
    public const string Group = "snapshot.storage.k8s.io";
    public const string BoundProtection = "snapshot.storage.kubernetes.io/volumesnapshot-bound-protection";
    public const string AsSourceProtection = "snapshot.storage.kubernetes.io/volumesnapshot-as-source-protection";
    public const string ContentProtection = "snapshot.storage.kubernetes.io/volumesnapshotcontent-bound-protection";
    public const string DefaultClassAnnotation = "snapshot.storage.kubernetes.io/is-default-class";
    private const string SnapshotPrefix = "/snapshot.storage.k8s.io/volumesnapshots/";
    private const string ContentPrefix = "/snapshot.storage.k8s.io/volumesnapshotcontents/";
    private readonly EventRecorder _events = new(objects, "snapshot-controller");

    protected override IReadOnlyList<string> WatchedPrefixes { get; } = [SnapshotPrefix, ContentPrefix];

    protected override Task ReconcileAsync(string key, CancellationToken ct) =>
        key.StartsWith(SnapshotPrefix, StringComparison.Ordinal) ? SyncSnapshotAsync(key, ct) : SyncContentAsync(key, ct);

    private async Task SyncSnapshotAsync(string key, CancellationToken ct)
    {
        var vs = Store.Get(key)?.Object;
        if (vs is null)
        {
            return;
        }

        var vsType = objects.Type(Group, "VolumeSnapshot");
        var contentType = objects.Type(Group, "VolumeSnapshotContent");
        var ns = vs["metadata"]!["namespace"]!.GetValue<string>();
        var name = vs["metadata"]!["name"]!.GetValue<string>();
        var uid = vs["metadata"]!["uid"]!.GetValue<string>();
        var contentName = vs["status"]?["boundVolumeSnapshotContentName"]?.GetValue<string>() ?? "snapcontent-" + uid;

        if (vs["metadata"]?["deletionTimestamp"] is not null)
        {
            var content = objects.TryGet(contentType, null, contentName)?.Object;
            if (content is not null && content["spec"]?["deletionPolicy"]?.GetValue<string>() == "Delete" && content["metadata"]?["deletionTimestamp"] is null)
            {
                await objects.DeleteAsync(contentType, null, contentName, new DeleteOptions(), ct);
            }

            if (content is not null && content["spec"]?["deletionPolicy"]?.GetValue<string>() == "Delete")
            {
                throw new InvalidOperationException($"waiting for {contentName} to be deleted");
            }

            await objects.RemoveFinalizerAsync(vsType, ns, name, AsSourceProtection, ct);
            await objects.RemoveFinalizerAsync(vsType, ns, name, BoundProtection, ct);
            return;
        }

        var claimName = vs["spec"]?["source"]?["persistentVolumeClaimName"]?.GetValue<string>();
        if (claimName is null || vs["status"]?["readyToUse"]?.GetValue<bool>() == true)
        {
            return;
        }

        var claim = objects.TryGet(objects.Type("", "PersistentVolumeClaim"), ns, claimName)?.Object;
        var pv = claim?["spec"]?["volumeName"]?.GetValue<string>() is { Length: > 0 } pvName ? objects.TryGet(objects.Type("", "PersistentVolume"), null, pvName)?.Object : null;
        if (pv?["spec"]?["csi"]?["driver"]?.GetValue<string>() != driverName)
        {
            if (claim is null || claim["status"]?["phase"]?.GetValue<string>() != "Bound")
            {
                // The claim may still be binding: record why and look again with back-off.
                await SetErrorAsync(vsType, ns, name, $"Failed to create snapshot content with error snapshot controller failed to update {ns}/{claimName} on API server: cannot get claim from snapshot", ct);
                throw new InvalidOperationException($"claim {ns}/{claimName} is not bound yet");
            }

            return;
        }

        var classType = objects.Type(Group, "VolumeSnapshotClass");
        var className = vs["spec"]?["volumeSnapshotClassName"]?.GetValue<string>();
        var snapshotClass = className is null
            ? objects.List(classType, null).Items.Select(i => i.Object).FirstOrDefault(c => c["driver"]?.GetValue<string>() == driverName && c["metadata"]?["annotations"]?[DefaultClassAnnotation]?.GetValue<string>() == "true")
            : objects.TryGet(classType, null, className)?.Object;
        if (snapshotClass is null)
        {
            await SetErrorAsync(vsType, ns, name, className is null ? "Failed to get default snapshot class with error cannot find default snapshot class" : $"Failed to get snapshot class with error volumesnapshotclass.snapshot.storage.k8s.io \"{className}\" not found", ct);
            return;
        }

        className = snapshotClass["metadata"]!["name"]!.GetValue<string>();
        await objects.GuaranteedUpdateAsync(vsType, ns, name, s =>
        {
            var changed = false;
            if (s["spec"]?["volumeSnapshotClassName"] is null)
            {
                ((JsonObject)s["spec"]!)["volumeSnapshotClassName"] = className;
                changed = true;
            }

            var fin = s["metadata"]?["finalizers"] as JsonArray ?? [];
            foreach (var f in new[] { AsSourceProtection, BoundProtection })
            {
                if (!fin.Any(x => x?.GetValue<string>() == f))
                {
                    fin.Add(f);
                    changed = true;
                }
            }

            ((JsonObject)s["metadata"]!)["finalizers"] = fin;
            return changed ? s : null;
        }, ct: ct);

        // The content is created before the CSI call, so a crash in between cannot leak a snapshot.
        var handle = pv["spec"]!["csi"]!["volumeHandle"]!.GetValue<string>();
        if (objects.TryGet(contentType, null, contentName) is null)
        {
            try
            {
                await objects.CreateAsync(contentType, null, new JsonObject
                {
                    ["apiVersion"] = $"{Group}/v1",
                    ["kind"] = "VolumeSnapshotContent",
                    ["metadata"] = new JsonObject { ["name"] = contentName, ["finalizers"] = new JsonArray(ContentProtection) },
                    ["spec"] = new JsonObject
                    {
                        ["volumeSnapshotRef"] = new JsonObject { ["kind"] = "VolumeSnapshot", ["namespace"] = ns, ["name"] = name, ["uid"] = uid, ["apiVersion"] = $"{Group}/v1", ["resourceVersion"] = vs["metadata"]!["resourceVersion"]!.GetValue<string>() },
                        ["source"] = new JsonObject { ["volumeHandle"] = handle },
                        ["driver"] = driverName,
                        ["deletionPolicy"] = snapshotClass["deletionPolicy"]?.GetValue<string>() ?? "Delete",
                        ["volumeSnapshotClassName"] = className,
                    },
                }, WriteOptions.Internal, ct);
            }
            catch (ApiException e) when (e.Code == 409)
            {
            }
        }

        var request = new CreateSnapshotRequest { Name = "snapshot-" + uid, SourceVolumeId = handle };
        foreach (var (k, v) in snapshotClass["parameters"] as JsonObject ?? [])
        {
            if (!k.StartsWith("csi.storage.k8s.io/", StringComparison.Ordinal))
            {
                request.Parameters[k] = v?.GetValue<string>() ?? "";
            }
        }

        CreateSnapshotResponse created;
        try
        {
            created = await csi.UnaryAsync(CsiServices.Controller, "CreateSnapshot", request, CreateSnapshotResponse.Parser, TimeSpan.FromMinutes(2), ct);
        }
        catch (RpcException e)
        {
            await SetErrorAsync(vsType, ns, name, $"Failed to check and update snapshot content: failed to take snapshot of the volume {handle}: {e}", ct);
            throw;
        }

        var snap = created.Snapshot;
        var createdAt = snap.CreationTime?.ToDateTimeOffset() ?? Time.GetUtcNow();
        await objects.GuaranteedUpdateAsync(contentType, null, contentName, c =>
        {
            c["status"] = new JsonObject
            {
                ["snapshotHandle"] = snap.SnapshotId,
                ["creationTime"] = createdAt.ToUnixTimeMilliseconds() * 1_000_000,
                ["readyToUse"] = snap.ReadyToUse,
                ["restoreSize"] = snap.SizeBytes,
            };
            return c;
        }, "status", ct);
        await objects.GuaranteedUpdateAsync(vsType, ns, name, s =>
        {
            s["status"] = new JsonObject
            {
                ["boundVolumeSnapshotContentName"] = contentName,
                ["creationTime"] = Model.Meta.Obj.Rfc3339(createdAt),
                ["readyToUse"] = snap.ReadyToUse,
                ["restoreSize"] = Quantity.FromBytes(snap.SizeBytes).ToString(),
            };
            return s;
        }, "status", ct);
        await _events.RecordAsync(vs, "Normal", "SnapshotCreated", $"Snapshot {ns}/{name} was successfully created by the CSI driver.", ct);
        await _events.RecordAsync(vs, "Normal", "SnapshotReady", $"Snapshot {ns}/{name} is ready to use.", ct);
    }

    /// <summary>A content being deleted: DeleteSnapshot at the driver, then release the finalizer.</summary>
    private async Task SyncContentAsync(string key, CancellationToken ct)
    {
        var content = Store.Get(key)?.Object;
        if (content is null || content["metadata"]?["deletionTimestamp"] is null || content["spec"]?["driver"]?.GetValue<string>() != driverName)
        {
            return;
        }

        if (content["status"]?["snapshotHandle"]?.GetValue<string>() is { Length: > 0 } handle && content["spec"]?["deletionPolicy"]?.GetValue<string>() == "Delete")
        {
            await csi.UnaryAsync(CsiServices.Controller, "DeleteSnapshot", new DeleteSnapshotRequest { SnapshotId = handle }, DeleteSnapshotResponse.Parser, TimeSpan.FromMinutes(2), ct);
        }

        await objects.RemoveFinalizerAsync(objects.Type(Group, "VolumeSnapshotContent"), null, content["metadata"]!["name"]!.GetValue<string>(), ContentProtection, ct);
    }

    /// <summary>The snapshot handle of a ready VolumeSnapshot (for restores), or an error message.</summary>
    public static (string? Handle, long RestoreBytes, string? Error) ResolveSource(ObjectService objects, string ns, string snapshotName)
    {
        var vs = objects.TryGet(objects.Type(Group, "VolumeSnapshot"), ns, snapshotName)?.Object;
        if (vs is null)
        {
            return (null, 0, $"volumesnapshot.snapshot.storage.k8s.io \"{snapshotName}\" not found");
        }

        if (vs["status"]?["readyToUse"]?.GetValue<bool>() != true)
        {
            return (null, 0, $"snapshot {snapshotName} is not Ready");
        }

        var contentName = vs["status"]!["boundVolumeSnapshotContentName"]!.GetValue<string>();
        var content = objects.TryGet(objects.Type(Group, "VolumeSnapshotContent"), null, contentName)?.Object;
        var handle = content?["status"]?["snapshotHandle"]?.GetValue<string>();
        var size = content?["status"]?["restoreSize"]?.GetValue<long>() ?? 0;
        return handle is null ? (null, 0, $"snapshot content {contentName} has no snapshot handle") : (handle, size, null);
    }

    private Task SetErrorAsync(Model.Registry.ResourceType vsType, string ns, string name, string message, CancellationToken ct) =>
        objects.GuaranteedUpdateAsync(vsType, ns, name, s =>
        {
            var status = s["status"] as JsonObject ?? [];
            if (status["error"]?["message"]?.GetValue<string>() == message)
            {
                return null;
            }

            status["readyToUse"] = false;
            status["error"] = new JsonObject { ["time"] = Model.Meta.Obj.Rfc3339(Time.GetUtcNow()), ["message"] = message };
            s["status"] = status;
            return s;
        }, "status", ct);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"CsiSnapshotter({driverName})");
}
