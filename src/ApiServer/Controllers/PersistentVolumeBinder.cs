using System.Text.Json.Nodes;
using Kura.ApiServer.Admission;
using Kura.ApiServer.Handlers;
using Kura.Controllers.Volumes;
using Kura.Store;

namespace Kura.ApiServer.Controllers;

/// <summary>
/// The PV controller loop (kube-controller-manager's persistentvolume-binder): keys of claims
/// and volumes go through <see cref="ClaimPlanner"/> and <see cref="VolumePlanner"/>, and the
/// plans are carried out with Kubernetes' write order for bind() (reference/kubernetes.md §1.5).
/// </summary>
public sealed class PersistentVolumeBinder(ObjectService objects) : StoreController(objects.Store, objects.Time)
{
    private const string ClaimPrefix = "/core/persistentvolumeclaims/";
    private const string VolumePrefix = "/core/persistentvolumes/";
    private const string ClassPrefix = "/storage.k8s.io/storageclasses/";
    private readonly EventRecorder _events = new(objects, StorageNames.ControllerName);

    protected override IReadOnlyList<string> WatchedPrefixes { get; } = [ClaimPrefix, VolumePrefix, ClassPrefix];

    protected override IEnumerable<string> KeysFor(WatchEvent change)
    {
        if (change.Key.StartsWith(ClaimPrefix, StringComparison.Ordinal))
        {
            var keys = new List<string> { change.Key };
            if (change.Object["spec"]?["volumeName"]?.GetValue<string>() is { Length: > 0 } volume)
            {
                keys.Add(VolumeKey(volume));
            }

            return keys;
        }

        if (change.Key.StartsWith(VolumePrefix, StringComparison.Ordinal))
        {
            var keys = new List<string> { change.Key };
            if (change.Object["spec"]?["claimRef"] is JsonObject claimRef)
            {
                keys.Add($"{ClaimPrefix}{claimRef["namespace"]}/{claimRef["name"]}");
            }

            // A volume that became available may satisfy waiting claims.
            keys.AddRange(PendingClaimKeys());
            return keys;
        }

        return PendingClaimKeys();
    }

    private List<string> PendingClaimKeys() =>
        [.. Store.List(ClaimPrefix).Items.Where(i => i.Object["metadata"]?["annotations"]?[StorageNames.BindCompleted] is null).Select(i => i.Key)];

    private static string VolumeKey(string name) => $"{VolumePrefix}/{name}";

    protected override Task ReconcileAsync(string key, CancellationToken ct) =>
        key.StartsWith(ClaimPrefix, StringComparison.Ordinal) ? SyncClaimAsync(key, ct) : key.StartsWith(VolumePrefix, StringComparison.Ordinal) ? SyncVolumeAsync(key, ct) : Task.CompletedTask;

    private async Task SyncClaimAsync(string key, CancellationToken ct)
    {
        var claim = Store.Get(key)?.Object;
        if (claim is null || claim["metadata"]?["deletionTimestamp"] is not null)
        {
            return;
        }

        var volumes = Store.List(VolumePrefix).Items.Select(i => i.Object).ToList();
        var classes = Store.List(ClassPrefix).Items.ToDictionary(i => i.Object["metadata"]!["name"]!.GetValue<string>(), i => i.Object);
        var plan = ClaimPlanner.Plan(claim, volumes, classes, StorageAdmission.DefaultClassName(objects));
        var pvcType = objects.Type("", "PersistentVolumeClaim");
        var ns = claim["metadata"]!["namespace"]!.GetValue<string>();
        var name = claim["metadata"]!["name"]!.GetValue<string>();

        if (plan.AssignClass is { } cls)
        {
            await objects.GuaranteedUpdateAsync(pvcType, ns, name, c =>
            {
                if (c["spec"]?["storageClassName"] is not null)
                {
                    return null;
                }

                ((JsonObject)c["spec"]!)["storageClassName"] = cls;
                return c;
            }, ct: ct);
            return;
        }

        if (plan.ExternalProvisioner is { } provisioner)
        {
            await objects.GuaranteedUpdateAsync(pvcType, ns, name, c =>
            {
                var annotations = Model.Meta.Obj.EnsureObject(c, "metadata", "annotations");
                if (annotations[StorageNames.StorageProvisioner]?.GetValue<string>() == provisioner && annotations[StorageNames.BetaStorageProvisioner]?.GetValue<string>() == provisioner)
                {
                    return null;
                }

                annotations[StorageNames.StorageProvisioner] = provisioner;
                annotations[StorageNames.BetaStorageProvisioner] = provisioner;
                return c;
            }, ct: ct);
        }

        if (plan.BindVolume is { } volume)
        {
            await BindAsync(claim, volume, plan.ChosenByController, ct);
        }
        else if (plan.Phase is { } phase)
        {
            await SetPhaseAsync(pvcType, ns, name, phase, ct);
        }

        if (plan.Event is { } e)
        {
            await _events.RecordAsync(Store.Get(key)?.Object ?? claim, e.Type, e.Reason, e.Message, ct);
        }
    }

    /// <summary>bind(): PV claimRef, PV phase, PVC volumeName and annotations, PVC phase, in that order.</summary>
    private async Task BindAsync(JsonObject claim, string volumeName, bool chosenByController, CancellationToken ct)
    {
        var pvType = objects.Type("", "PersistentVolume");
        var pvcType = objects.Type("", "PersistentVolumeClaim");
        var ns = claim["metadata"]!["namespace"]!.GetValue<string>();
        var name = claim["metadata"]!["name"]!.GetValue<string>();
        var claimRef = new JsonObject
        {
            ["kind"] = "PersistentVolumeClaim",
            ["namespace"] = ns,
            ["name"] = name,
            ["uid"] = claim["metadata"]!["uid"]!.GetValue<string>(),
            ["apiVersion"] = "v1",
            ["resourceVersion"] = claim["metadata"]!["resourceVersion"]!.GetValue<string>(),
        };
        var pv = await objects.GuaranteedUpdateAsync(pvType, null, volumeName, v =>
        {
            var existing = v["spec"]?["claimRef"] as JsonObject;
            var alreadyOurs = existing is not null && VolumeMatcher.PointsAt(existing, claim);
            if (alreadyOurs && existing!["uid"]?.GetValue<string>() == claimRef["uid"]!.GetValue<string>())
            {
                return null;
            }

            ((JsonObject)v["spec"]!)["claimRef"] = claimRef.DeepClone();
            if (!alreadyOurs)
            {
                Model.Meta.Obj.EnsureObject(v, "metadata", "annotations")[StorageNames.BoundByController] = "yes";
            }

            return v;
        }, ct: ct);
        if (pv is null)
        {
            return;
        }

        await SetPhaseAsync(pvType, null, volumeName, "Bound", ct);
        await objects.GuaranteedUpdateAsync(pvcType, ns, name, c =>
        {
            var changed = false;
            if (c["spec"]?["volumeName"]?.GetValue<string>() != volumeName)
            {
                ((JsonObject)c["spec"]!)["volumeName"] = volumeName;
                changed = true;
            }

            var annotations = Model.Meta.Obj.EnsureObject(c, "metadata", "annotations");
            if (chosenByController && annotations[StorageNames.BoundByController] is null)
            {
                annotations[StorageNames.BoundByController] = "yes";
                changed = true;
            }

            if (annotations[StorageNames.BindCompleted] is null)
            {
                annotations[StorageNames.BindCompleted] = "yes";
                changed = true;
            }

            return changed ? c : null;
        }, ct: ct);
        await objects.GuaranteedUpdateAsync(pvcType, ns, name, c =>
        {
            var status = c["status"] as JsonObject ?? [];
            if (status["phase"]?.GetValue<string>() == "Bound")
            {
                return null;
            }

            // Capacity and access modes come from the volume, set on the transition to Bound.
            status["phase"] = "Bound";
            status["accessModes"] = pv["spec"]?["accessModes"]?.DeepClone();
            var capacity = pv["metadata"]?["annotations"]?["volume.alpha.kubernetes.io/pre-resize-capacity"] is JsonValue pre
                ? new JsonObject { ["storage"] = pre.GetValue<string>() }
                : pv["spec"]?["capacity"]?.DeepClone();
            status["capacity"] = capacity;
            c["status"] = status;
            return c;
        }, "status", ct);
    }

    private async Task SyncVolumeAsync(string key, CancellationToken ct)
    {
        var pv = Store.Get(key)?.Object;
        if (pv is null)
        {
            return;
        }

        var claimRef = pv["spec"]?["claimRef"] as JsonObject;
        var claim = claimRef is null ? null : Store.Get($"{ClaimPrefix}{claimRef["namespace"]}/{claimRef["name"]}")?.Object;
        var plan = VolumePlanner.Plan(pv, claim);
        var pvType = objects.Type("", "PersistentVolume");
        var name = pv["metadata"]!["name"]!.GetValue<string>();
        if (plan.ClaimRef != ClaimRefChange.None)
        {
            await objects.GuaranteedUpdateAsync(pvType, null, name, v =>
            {
                var spec = (JsonObject)v["spec"]!;
                if (plan.ClaimRef == ClaimRefChange.Clear)
                {
                    spec.Remove("claimRef");
                    (v["metadata"]?["annotations"] as JsonObject)?.Remove(StorageNames.BoundByController);
                }
                else if (spec["claimRef"] is JsonObject cr)
                {
                    cr.Remove("uid");
                }

                return v;
            }, ct: ct);
        }

        if (plan.Phase is { } phase)
        {
            await SetPhaseAsync(pvType, null, name, phase, ct);
        }

        if (plan.Event is { } e)
        {
            await _events.RecordAsync(pv, e.Type, e.Reason, e.Message, ct);
        }

        if (plan.EnqueueClaim && claimRef is not null)
        {
            Enqueue($"{ClaimPrefix}{claimRef["namespace"]}/{claimRef["name"]}");
        }
    }

    private async Task SetPhaseAsync(Model.Registry.ResourceType type, string? ns, string name, string phase, CancellationToken ct) =>
        await objects.GuaranteedUpdateAsync(type, ns, name, o =>
        {
            var status = o["status"] as JsonObject ?? [];
            if (status["phase"]?.GetValue<string>() == phase)
            {
                return null;
            }

            status["phase"] = phase;
            if (type.Kind == "PersistentVolume")
            {
                status["lastPhaseTransitionTime"] = Model.Meta.Obj.Rfc3339(Time.GetUtcNow());
            }

            o["status"] = status;
            return o;
        }, "status", ct);

    /// <summary>The store key of a claim (used by tests and other controllers).</summary>
    public static string ClaimKey(string ns, string name) => $"{ClaimPrefix}{ns}/{name}";

}
