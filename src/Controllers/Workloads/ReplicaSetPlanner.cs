using System.Text.Json.Nodes;

namespace Kura.Controllers.Workloads;

/// <summary>What a ReplicaSet should do now: create this many pods, delete these.</summary>
public sealed record ReplicaSetPlan(int Create, IReadOnlyList<JsonObject> Delete);

/// <summary>
/// The ReplicaSet controller's decision (pkg/controller/replicaset manageReplicas): active pods
/// (not terminating, not finished) are counted; surplus pods go in the upstream order — not yet
/// scheduled, then pending, then not ready, then the newest.
/// </summary>
public static class ReplicaSetPlanner
{
    public static ReplicaSetPlan Plan(int desired, IReadOnlyList<JsonObject> ownedPods)
    {
        var active = ownedPods.Where(PodTemplates.IsActive).ToList();
        var diff = desired - active.Count;
        if (diff >= 0)
        {
            return new ReplicaSetPlan(diff, []);
        }

        var doomed = active
            .OrderBy(p => string.IsNullOrEmpty(p["spec"]?["nodeName"]?.GetValue<string>()) ? 0 : 1)
            .ThenBy(p => p["status"]?["phase"]?.GetValue<string>() switch { "Pending" => 0, "Running" => 2, _ => 1 })
            .ThenBy(p => PodTemplates.IsReady(p) ? 1 : 0)
            .ThenByDescending(p => p["metadata"]?["creationTimestamp"]?.GetValue<string>() ?? "", StringComparer.Ordinal)
            .Take(-diff)
            .ToList();
        return new ReplicaSetPlan(0, doomed);
    }
}
