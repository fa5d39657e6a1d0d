using System.Text.Json.Nodes;
using Kura.ApiServer.Handlers;
using Kura.Controllers.Workloads;
using Kura.Model.Errors;
using Kura.Model.Selectors;
using Kura.Store;

namespace Kura.ApiServer.Controllers.Workloads;

/// <summary>
/// The ReplicaSet controller (pkg/controller/replicaset): claims the pods that match its selector
/// (adopting orphans, releasing owned pods that no longer match), keeps spec.replicas active pods —
/// creating `&lt;rs&gt;-&lt;suffix&gt;` pods from the template, deleting surplus in the upstream order —
/// and reports replicas, fullyLabeled, ready and available (minReadySeconds) counts.
/// </summary>
public sealed class ReplicaSetController(ObjectService objects) : WorkloadBase(objects)
{
    private const string Prefix = "/apps/replicasets/";
    private readonly EventRecorder _events = new(objects, "replicaset-controller");

    protected override IReadOnlyList<string> WatchedPrefixes { get; } = [Prefix, "/core/pods/"];

    protected override IEnumerable<string> KeysFor(WatchEvent change)
    {
        if (change.Key.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return [change.Key];
        }

        var owner = OwnerKey(change, "ReplicaSet", Prefix).ToList();
        if (owner.Count > 0 || change.Type == WatchEventType.Deleted)
        {
            return owner;
        }

        // An orphan pod: every ReplicaSet whose selector matches it may adopt it.
        var ns = change.Object["metadata"]?["namespace"]?.GetValue<string>() ?? "";
        var labels = change.Object["metadata"]?["labels"] as JsonObject;
        return List($"{Prefix}{ns}/").Where(rs => LabelSelector.FromJson(rs["spec"]?["selector"] as JsonObject).Matches(labels))
            .Select(rs => $"{Prefix}{ns}/{Name(rs)}").ToList();
    }

    protected override async Task ReconcileAsync(string key, CancellationToken ct)
    {
        var rs = Store.Get(key)?.Object;
        if (rs is null)
        {
            return;
        }

        var ns = Ns(rs);
        var podType = Objects.Type("", "Pod");
        var pods = await ClaimPodsAsync(rs, ct);
        var now = Time.GetUtcNow();
        if (rs["metadata"]?["deletionTimestamp"] is null)
        {
            var siblings = PodTemplates.ControllerUid(rs) is { } parent
                ? List($"{Prefix}{ns}/").Where(r => PodTemplates.ControllerUid(r) == parent).Select(Uid).ToHashSet(StringComparer.Ordinal)
                : [Uid(rs)];
            var related = List($"/core/pods/{ns}/").Where(p => PodTemplates.ControllerUid(p) is { } c && siblings.Contains(c)).ToList();
            var plan = ReplicaSetPlanner.Plan(Replicas(rs), pods, related, now);
            for (var i = 0; i < plan.Create; i++)
            {
                var pod = PodTemplates.NewPod(rs["spec"]!["template"]!.AsObject(), rs);
                pod["metadata"]!["generateName"] = Name(rs) + "-";
                try
                {
                    var created = await Objects.CreateAsync(podType, ns, pod, ControllerWrite, ct);
                    await _events.RecordAsync(rs, "Normal", "SuccessfulCreate", $"Created pod: {Name(created)}", ct);
                }
                catch (ApiException e) when (e.Code is 403 or 422)
                {
                    await _events.RecordAsync(rs, "Warning", "FailedCreate", $"Error creating: {e.Message}", ct);
                    throw;
                }
            }

            foreach (var doomed in plan.Delete)
            {
                await DeleteQuietlyAsync(podType, ns, Name(doomed), ct);
                await _events.RecordAsync(rs, "Normal", "SuccessfulDelete", $"Deleted pod: {Name(doomed)}", ct);
            }
        }

        var current = Store.Get(key)?.Object;
        if (current is null)
        {
            return;
        }

        var owned = List($"/core/pods/{ns}/").Where(p => PodTemplates.ControllerUid(p) == Uid(current)).ToList();
        await UpdateStatusAsync(Objects.Type("apps", "ReplicaSet"), current, ReplicaSetPlanner.Status(current, owned, now), ct);

        // minReadySeconds: look again when the next ready pod becomes available.
        if (ReplicaSetPlanner.NextAvailabilityCheck(owned, ReplicaSetPlanner.MinReadySeconds(current), now) is { } after)
        {
            EnqueueAfter(key, after + TimeSpan.FromMilliseconds(100), ct);
        }
    }

    /// <summary>ClaimPods: owned pods that still match, plus adopted orphans that match; owned pods that stopped matching are released.</summary>
    private async Task<List<JsonObject>> ClaimPodsAsync(JsonObject rs, CancellationToken ct)
    {
        var ns = Ns(rs);
        var podType = Objects.Type("", "Pod");
        var selector = LabelSelector.FromJson(rs["spec"]?["selector"] as JsonObject);
        var deleting = rs["metadata"]?["deletionTimestamp"] is not null;
        var claimed = new List<JsonObject>();
        foreach (var pod in List($"/core/pods/{ns}/"))
        {
            var controller = PodTemplates.ControllerUid(pod);
            var matches = selector.Matches(pod["metadata"]?["labels"] as JsonObject);
            if (controller == Uid(rs))
            {
                if (matches || deleting)
                {
                    claimed.Add(pod);
                    continue;
                }

                await SetOwnerRefsAsync(podType, ns, Name(pod), p => new JsonArray([.. OwnerRefs(p).Where(r => r["uid"]?.GetValue<string>() != Uid(rs)).Select(r => r.DeepClone())]), ct);
            }
            else if (controller is null && matches && !deleting && !PodTemplates.IsTerminating(pod))
            {
                var adopted = await Objects.GuaranteedUpdateAsync(podType, ns, Name(pod), p =>
                {
                    if (PodTemplates.ControllerUid(p) is not null || PodTemplates.IsTerminating(p))
                    {
                        return null;
                    }

                    p["metadata"]!["ownerReferences"] = new JsonArray([.. OwnerRefs(p).Select(r => r.DeepClone()), PodTemplates.ControllerRef(rs)]);
                    return p;
                }, ct: ct);
                if (adopted is not null && PodTemplates.ControllerUid(adopted) == Uid(rs))
                {
                    claimed.Add(adopted);
                }
            }
        }

        return claimed;
    }

    private static IEnumerable<JsonObject> OwnerRefs(JsonObject o) => (o["metadata"]?["ownerReferences"] as JsonArray)?.OfType<JsonObject>() ?? [];
}
