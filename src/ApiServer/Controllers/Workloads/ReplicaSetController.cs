using System.Text.Json.Nodes;
using Kura.ApiServer.Handlers;
using Kura.Controllers.Workloads;
using Kura.Model.Errors;
using Kura.Model.Selectors;
using Kura.Store;

namespace Kura.ApiServer.Controllers.Workloads;

/// <summary>
/// The ReplicaSet controller (pkg/controller/replicaset): keeps spec.replicas active pods that
/// match the selector, adopting matching orphans, creating pods named `&lt;rs&gt;-&lt;suffix&gt;` and
/// deleting surplus in the upstream order; reports replicas, ready and available counts.
/// </summary>
public sealed class ReplicaSetController(ObjectService objects) : WorkloadBase(objects)
{
    private const string Prefix = "/apps/replicasets/";
    private readonly EventRecorder _events = new(objects, "replicaset-controller");

    protected override IReadOnlyList<string> WatchedPrefixes { get; } = [Prefix, "/core/pods/"];

    protected override IEnumerable<string> KeysFor(WatchEvent change) =>
        change.Key.StartsWith(Prefix, StringComparison.Ordinal) ? [change.Key] : OwnerKey(change, "ReplicaSet", Prefix);

    protected override async Task ReconcileAsync(string key, CancellationToken ct)
    {
        var rs = Store.Get(key)?.Object;
        if (rs is null || rs["metadata"]?["deletionTimestamp"] is not null)
        {
            return;
        }

        var ns = Ns(rs);
        var podType = Objects.Type("", "Pod");
        var selector = LabelSelector.FromJson(rs["spec"]?["selector"] as JsonObject);
        var pods = List($"/core/pods/{ns}/").Where(p => PodTemplates.ControllerUid(p) == Uid(rs)).ToList();
        foreach (var orphan in List($"/core/pods/{ns}/").Where(p => PodTemplates.ControllerUid(p) is null && PodTemplates.IsActive(p) && selector.Matches(p["metadata"]?["labels"] as JsonObject)))
        {
            // Adoption: a matching pod without a controller becomes this ReplicaSet's.
            var adopted = await Objects.GuaranteedUpdateAsync(podType, ns, Name(orphan), p =>
            {
                if (PodTemplates.ControllerUid(p) is not null)
                {
                    return null;
                }

                var refs = p["metadata"]!["ownerReferences"] as JsonArray ?? [];
                refs.Add(PodTemplates.ControllerRef(rs));
                p["metadata"]!["ownerReferences"] = refs;
                return p;
            }, ct: ct);
            if (adopted is not null)
            {
                pods.Add(adopted);
            }
        }

        var plan = ReplicaSetPlanner.Plan(Replicas(rs), pods);
        for (var i = 0; i < plan.Create; i++)
        {
            var pod = PodTemplates.NewPod(rs["spec"]!["template"]!.AsObject(), rs);
            pod["metadata"]!["generateName"] = Name(rs) + "-";
            var created = await Objects.CreateAsync(podType, ns, pod, WriteOptions.Internal with { FieldManager = "kube-controller-manager" }, ct);
            await _events.RecordAsync(rs, "Normal", "SuccessfulCreate", $"Created pod: {Name(created)}", ct);
        }

        foreach (var doomed in plan.Delete)
        {
            await DeleteQuietlyAsync(podType, ns, Name(doomed), ct);
            await _events.RecordAsync(rs, "Normal", "SuccessfulDelete", $"Deleted pod: {Name(doomed)}", ct);
        }

        var current = Store.Get(key)?.Object;
        if (current is null)
        {
            return;
        }

        var owned = List($"/core/pods/{ns}/").Where(p => PodTemplates.ControllerUid(p) == Uid(rs) && PodTemplates.IsActive(p)).ToList();
        var templateLabels = rs["spec"]?["template"]?["metadata"]?["labels"] as JsonObject;
        var status = new JsonObject
        {
            ["replicas"] = owned.Count,
            ["fullyLabeledReplicas"] = owned.Count(p => templateLabels?.All(l => p["metadata"]?["labels"]?[l.Key]?.GetValue<string>() == l.Value?.GetValue<string>()) ?? true),
            ["readyReplicas"] = owned.Count(PodTemplates.IsReady),
            ["availableReplicas"] = owned.Count(PodTemplates.IsReady),
            ["observedGeneration"] = current["metadata"]?["generation"]?.DeepClone() ?? 1,
        };
        await UpdateStatusAsync(Objects.Type("apps", "ReplicaSet"), current, status, ct);
    }
}
