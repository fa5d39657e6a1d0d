using System.Text.Json.Nodes;
using Kura.ApiServer.Admission;
using Kura.ApiServer.Catalog;
using Kura.ApiServer.Handlers;
using Kura.Store;

namespace Kura.ApiServer.Controllers;

/// <summary>
/// The pvc-protection and pv-protection controllers: a claim being deleted keeps its finalizer
/// while a scheduled pod in its namespace still names it (phase does not matter); a volume being
/// deleted keeps its finalizer while it is Bound.
/// (pkg/controller/volume/pvcprotection, pkg/controller/volume/pvprotection)
/// </summary>
public sealed class ProtectionController(ObjectService objects) : StoreController(objects.Store, objects.Time)
{
    private const string PvcPrefix = "/core/persistentvolumeclaims/";
    private const string PvPrefix = "/core/persistentvolumes/";
    private const string PodPrefix = "/core/pods/";

    protected override IReadOnlyList<string> WatchedPrefixes { get; } = [PvcPrefix, PvPrefix, PodPrefix];

    protected override IEnumerable<string> KeysFor(WatchEvent change)
    {
        if (!change.Key.StartsWith(PodPrefix, StringComparison.Ordinal))
        {
            return change.Object["metadata"]?["deletionTimestamp"] is null ? [] : [change.Key];
        }

        // A pod changed or went away: the claims it names may be free now.
        var ns = change.Object["metadata"]?["namespace"]?.GetValue<string>() ?? "";
        return ClaimNames(change.Object).Select(c => $"{PvcPrefix}{ns}/{c}").ToList();
    }

    protected override async Task ReconcileAsync(string key, CancellationToken ct)
    {
        var stored = Store.Get(key);
        if (stored?.Object["metadata"]?["deletionTimestamp"] is null)
        {
            return;
        }

        var meta = stored.Object["metadata"]!;
        var name = meta["name"]!.GetValue<string>();
        if (key.StartsWith(PvcPrefix, StringComparison.Ordinal))
        {
            var ns = meta["namespace"]!.GetValue<string>();
            if (InUseByScheduledPod(ns, name))
            {
                return;
            }

            await objects.RemoveFinalizerAsync(objects.Type("", "PersistentVolumeClaim"), ns, name, StorageAdmission.PvcProtectionFinalizer, ct);
        }
        else if (key.StartsWith(PvPrefix, StringComparison.Ordinal))
        {
            if (stored.Object["status"]?["phase"]?.GetValue<string>() == "Bound")
            {
                return;
            }

            await objects.RemoveFinalizerAsync(objects.Type("", "PersistentVolume"), null, name, StorageAdmission.PvProtectionFinalizer, ct);
        }
    }

    private bool InUseByScheduledPod(string ns, string claim)
    {
        var podType = objects.Type("", "Pod");
        return objects.List(podType, ns).Items.Any(p =>
            !string.IsNullOrEmpty(p.Object["spec"]?["nodeName"]?.GetValue<string>()) && ClaimNames(p.Object).Contains(claim));
    }

    /// <summary>Claims a pod uses: persistentVolumeClaim volumes and generic ephemeral volumes (named pod-volume).</summary>
    private static List<string> ClaimNames(JsonObject pod)
    {
        var names = new List<string>();
        var podName = pod["metadata"]?["name"]?.GetValue<string>() ?? "";
        if (pod["spec"]?["volumes"] is JsonArray volumes)
        {
            foreach (var v in volumes.OfType<JsonObject>())
            {
                if (v["persistentVolumeClaim"]?["claimName"]?.GetValue<string>() is { } c)
                {
                    names.Add(c);
                }
                else if (v["ephemeral"] is not null && v["name"]?.GetValue<string>() is { } vn)
                {
                    names.Add($"{podName}-{vn}");
                }
            }
        }

        return names;
    }
}
