using System.Globalization;
using System.Text.Json.Nodes;
using Kura.ApiServer.Handlers;
using Kura.Controllers.Workloads;
using Kura.Model.Errors;
using Kura.Store;

namespace Kura.ApiServer.Controllers.Workloads;

/// <summary>
/// The StatefulSet controller (pkg/controller/statefulset): pods with stable names
/// `&lt;set&gt;-&lt;ordinal&gt;` and their own claims `&lt;template&gt;-&lt;set&gt;-&lt;ordinal&gt;` made from
/// volumeClaimTemplates (created before the pod, kept on scale-down and deletion unless
/// persistentVolumeClaimRetentionPolicy says Delete); OrderedReady starts ordinal N only once
/// 0..N-1 run and are Ready, and removes from the highest ordinal; Parallel does not wait;
/// RollingUpdate replaces pods of an old revision from the highest ordinal down to the partition.
/// Revisions are ControllerRevisions, as `kubectl rollout history` reads them.
/// </summary>
public sealed class StatefulSetController(ObjectService objects) : WorkloadBase(objects)
{
    private const string Prefix = "/apps/statefulsets/";
    private const string RevisionLabel = "controller-revision-hash";
    private readonly EventRecorder _events = new(objects, "statefulset-controller");

    protected override IReadOnlyList<string> WatchedPrefixes { get; } = [Prefix, "/core/pods/"];

    protected override IEnumerable<string> KeysFor(WatchEvent change) =>
        change.Key.StartsWith(Prefix, StringComparison.Ordinal) ? [change.Key] : OwnerKey(change, "StatefulSet", Prefix);

    protected override async Task ReconcileAsync(string key, CancellationToken ct)
    {
        var set = Store.Get(key)?.Object;
        if (set is null || set["metadata"]?["deletionTimestamp"] is not null)
        {
            return;
        }

        var ns = Ns(set);
        var name = Name(set);
        var podType = Objects.Type("", "Pod");
        var replicas = Replicas(set);
        var revision = await EnsureRevisionAsync(set, ct);
        var ordered = set["spec"]?["podManagementPolicy"]?.GetValue<string>() != "Parallel";
        var pods = Owned("pods", "", ns, set).ToDictionary(p => Ordinal(name, Name(p)), p => p);

        // Create or wait, lowest ordinal first.
        for (var i = 0; i < replicas; i++)
        {
            if (!pods.TryGetValue(i, out var pod))
            {
                await CreateClaimsAsync(set, i, ct);
                var created = await CreatePodAsync(set, i, revision, ct);
                if (created is not null)
                {
                    pods[i] = created;
                }

                if (ordered)
                {
                    break;
                }

                continue;
            }

            if (ordered && (pod["metadata"]?["deletionTimestamp"] is not null || pod["status"]?["phase"]?.GetValue<string>() != "Running" || !PodTemplates.IsReady(pod)))
            {
                break;
            }
        }

        // Scale down from the highest ordinal; OrderedReady one at a time with the rest healthy.
        var condemned = pods.Where(p => p.Key >= replicas && p.Value["metadata"]?["deletionTimestamp"] is null).OrderByDescending(p => p.Key).ToList();
        var healthy = pods.Where(p => p.Key < replicas).All(p => PodTemplates.IsReady(p.Value));
        foreach (var (ordinal, pod) in ordered ? condemned.Take(healthy ? 1 : 0) : condemned)
        {
            await DeleteQuietlyAsync(podType, ns, Name(pod), ct);
            await _events.RecordAsync(set, "Normal", "SuccessfulDelete", $"delete Pod {Name(pod)} in StatefulSet {name} successful", ct);
            if (set["spec"]?["persistentVolumeClaimRetentionPolicy"]?["whenScaled"]?.GetValue<string>() == "Delete")
            {
                foreach (var claim in ClaimNames(set, ordinal))
                {
                    await DeleteQuietlyAsync(Objects.Type("", "PersistentVolumeClaim"), ns, claim, ct);
                }
            }
        }

        // Rolling update: the highest pod of an older revision at or above the partition goes.
        if (set["spec"]?["updateStrategy"]?["type"]?.GetValue<string>() != "OnDelete" && condemned.Count == 0)
        {
            var partition = (int)(set["spec"]?["updateStrategy"]?["rollingUpdate"]?["partition"]?.GetValue<long>() ?? 0);
            var stale = pods.Where(p => p.Key < replicas && p.Key >= partition && p.Value["metadata"]?["labels"]?[RevisionLabel]?.GetValue<string>() != revision
                && p.Value["metadata"]?["deletionTimestamp"] is null).OrderByDescending(p => p.Key).FirstOrDefault();
            if (stale.Value is not null && pods.Where(p => p.Key < replicas).All(p => PodTemplates.IsReady(p.Value)))
            {
                await DeleteQuietlyAsync(podType, ns, Name(stale.Value), ct);
            }
        }

        await ReportAsync(key, revision, ct);
    }

    private async Task<JsonObject?> CreatePodAsync(JsonObject set, int ordinal, string revision, CancellationToken ct)
    {
        var name = $"{Name(set)}-{ordinal}";
        var pod = PodTemplates.NewPod(set["spec"]!["template"]!.AsObject(), set, new Dictionary<string, string>
        {
            ["statefulset.kubernetes.io/pod-name"] = name,
            ["apps.kubernetes.io/pod-index"] = ordinal.ToString(CultureInfo.InvariantCulture),
            [RevisionLabel] = revision,
        });
        pod["metadata"]!["name"] = name;
        var spec = pod["spec"]!.AsObject();
        spec["hostname"] = name;
        if (set["spec"]?["serviceName"]?.GetValue<string>() is { Length: > 0 } service)
        {
            spec["subdomain"] = service;
        }

        // Each claim template becomes a volume of the same name pointing at this pod's own claim.
        var volumes = spec["volumes"] as JsonArray ?? [];
        foreach (var template in Templates(set))
        {
            var templateName = template["metadata"]!["name"]!.GetValue<string>();
            foreach (var same in volumes.OfType<JsonObject>().Where(v => v["name"]?.GetValue<string>() == templateName).ToList())
            {
                volumes.Remove(same);
            }

            volumes.Add(new JsonObject { ["name"] = templateName, ["persistentVolumeClaim"] = new JsonObject { ["claimName"] = $"{templateName}-{Name(set)}-{ordinal}" } });
        }

        if (volumes.Count > 0)
        {
            spec["volumes"] = volumes;
        }

        try
        {
            var created = await Objects.CreateAsync(Objects.Type("", "Pod"), Ns(set), pod, WriteOptions.Internal with { FieldManager = "kube-controller-manager" }, ct);
            await _events.RecordAsync(set, "Normal", "SuccessfulCreate", $"create Pod {name} in StatefulSet {Name(set)} successful", ct);
            return created;
        }
        catch (ApiException e) when (e.Code == 409)
        {
            return null;
        }
    }

    private async Task CreateClaimsAsync(JsonObject set, int ordinal, CancellationToken ct)
    {
        var claimType = Objects.Type("", "PersistentVolumeClaim");
        var deleteWithSet = set["spec"]?["persistentVolumeClaimRetentionPolicy"]?["whenDeleted"]?.GetValue<string>() == "Delete";
        foreach (var template in Templates(set))
        {
            var claimName = $"{template["metadata"]!["name"]!.GetValue<string>()}-{Name(set)}-{ordinal}";
            if (Objects.TryGet(claimType, Ns(set), claimName) is not null)
            {
                continue;
            }

            var meta = template["metadata"]!.DeepClone().AsObject();
            meta["name"] = claimName;
            meta["namespace"] = Ns(set);
            var labels = meta["labels"] as JsonObject ?? [];
            foreach (var (k, v) in set["spec"]?["selector"]?["matchLabels"] as JsonObject ?? [])
            {
                labels[k] = v?.DeepClone();
            }

            meta["labels"] = labels;
            if (deleteWithSet)
            {
                var owner = PodTemplates.ControllerRef(set);
                owner.Remove("controller");
                meta["ownerReferences"] = new JsonArray(owner);
            }

            var claim = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "PersistentVolumeClaim", ["metadata"] = meta, ["spec"] = template["spec"]!.DeepClone() };
            try
            {
                await Objects.CreateAsync(claimType, Ns(set), claim, WriteOptions.Internal with { FieldManager = "kube-controller-manager" }, ct);
                await _events.RecordAsync(set, "Normal", "SuccessfulCreate", $"create Claim {claimName} Pod {Name(set)}-{ordinal} in StatefulSet {Name(set)} success", ct);
            }
            catch (ApiException e) when (e.Code == 409)
            {
            }
        }
    }

    /// <summary>The ControllerRevision of the current template (`&lt;set&gt;-&lt;hash&gt;`); returns its hash.</summary>
    private async Task<string> EnsureRevisionAsync(JsonObject set, CancellationToken ct)
    {
        var template = set["spec"]!["template"]!;
        var hash = PodTemplates.Hash(template);
        var type = Objects.Type("apps", "ControllerRevision");
        var name = $"{Name(set)}-{hash}";
        if (Objects.TryGet(type, Ns(set), name) is null)
        {
            var revisions = Owned("controllerrevisions", "apps", Ns(set), set).Select(r => r["revision"]?.GetValue<long>() ?? 0).DefaultIfEmpty(0).Max();
            try
            {
                await Objects.CreateAsync(type, Ns(set), new JsonObject
                {
                    ["apiVersion"] = "apps/v1",
                    ["kind"] = "ControllerRevision",
                    ["metadata"] = new JsonObject
                    {
                        ["name"] = name,
                        ["namespace"] = Ns(set),
                        ["labels"] = new JsonObject { [RevisionLabel] = hash },
                        ["ownerReferences"] = new JsonArray(PodTemplates.ControllerRef(set)),
                    },
                    ["data"] = new JsonObject { ["spec"] = new JsonObject { ["template"] = template.DeepClone() } },
                    ["revision"] = revisions + 1,
                }, WriteOptions.Internal with { FieldManager = "kube-controller-manager" }, ct);
            }
            catch (ApiException e) when (e.Code == 409)
            {
            }
        }

        return hash;
    }

    private async Task ReportAsync(string key, string revision, CancellationToken ct)
    {
        var set = Store.Get(key)?.Object;
        if (set is null)
        {
            return;
        }

        var pods = Owned("pods", "", Ns(set), set).Where(PodTemplates.IsActive).ToList();
        var updated = pods.Count(p => p["metadata"]?["labels"]?[RevisionLabel]?.GetValue<string>() == revision);
        var ready = pods.Count(PodTemplates.IsReady);
        var status = new JsonObject
        {
            ["observedGeneration"] = set["metadata"]?["generation"]?.DeepClone() ?? 1,
            ["replicas"] = pods.Count,
            ["readyReplicas"] = ready,
            ["currentReplicas"] = updated,
            ["updatedReplicas"] = updated,
            ["currentRevision"] = $"{Name(set)}-{revision}",
            ["updateRevision"] = $"{Name(set)}-{revision}",
            ["collisionCount"] = 0,
            ["availableReplicas"] = ready,
        };
        await UpdateStatusAsync(Objects.Type("apps", "StatefulSet"), set, status, ct);
    }

    private static IEnumerable<JsonObject> Templates(JsonObject set) => (set["spec"]?["volumeClaimTemplates"] as JsonArray)?.OfType<JsonObject>() ?? [];

    private static IEnumerable<string> ClaimNames(JsonObject set, int ordinal) =>
        Templates(set).Select(t => $"{t["metadata"]!["name"]!.GetValue<string>()}-{Name(set)}-{ordinal}");

    private static int Ordinal(string set, string pod) =>
        pod.StartsWith(set + "-", StringComparison.Ordinal) && int.TryParse(pod[(set.Length + 1)..], CultureInfo.InvariantCulture, out var n) ? n : -1;
}
