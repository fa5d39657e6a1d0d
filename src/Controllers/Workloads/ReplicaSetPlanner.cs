using System.Text.Json.Nodes;

namespace Kura.Controllers.Workloads;

/// <summary>What a ReplicaSet should do now: create this many pods, delete these.</summary>
public sealed record ReplicaSetPlan(int Create, IReadOnlyList<JsonObject> Delete);

/// <summary>
/// The ReplicaSet controller's decisions (pkg/controller/replicaset): manageReplicas counts active
/// pods (not terminating, not finished) and creates or deletes the difference; surplus pods go in
/// the ActivePodsWithRanks order; calculateStatus reports the counts.
/// </summary>
public static class ReplicaSetPlanner
{
    /// <param name="desired">spec.replicas.</param>
    /// <param name="ownedPods">Pods this ReplicaSet controls.</param>
    /// <param name="relatedPods">Pods of this ReplicaSet and its siblings (same owner), for the same-node rank; defaults to <paramref name="ownedPods"/>.</param>
    /// <param name="now">The time ages are measured against.</param>
    public static ReplicaSetPlan Plan(int desired, IReadOnlyList<JsonObject> ownedPods, IReadOnlyList<JsonObject>? relatedPods = null, DateTimeOffset? now = null)
    {
        var active = ownedPods.Where(PodTemplates.IsActive).ToList();
        var diff = desired - active.Count;
        if (diff >= 0)
        {
            return new ReplicaSetPlan(diff, []);
        }

        // getPodsToDelete: no need to rank when every active pod goes.
        if (-diff >= active.Count)
        {
            return new ReplicaSetPlan(0, active);
        }

        return new ReplicaSetPlan(0, RankForDeletion(active, relatedPods ?? ownedPods, now ?? DateTimeOffset.UtcNow).Take(-diff).ToList());
    }

    /// <summary>
    /// Pods in deletion order (controller.ActivePodsWithRanks, LogarithmicScaleDown on):
    /// unassigned before assigned; Pending, Unknown, Running; not ready before ready; lower
    /// controller.kubernetes.io/pod-deletion-cost first; more active related pods on the same node
    /// first; ready for less time first and created more recently first (both compared on a log2
    /// scale of their age); more container restarts first; then by uid for a stable order.
    /// </summary>
    public static IEnumerable<JsonObject> RankForDeletion(IReadOnlyList<JsonObject> pods, IReadOnlyList<JsonObject> relatedPods, DateTimeOffset now)
    {
        var onNode = relatedPods.Where(PodTemplates.IsActive)
            .GroupBy(NodeName).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return pods.Order(Comparer<JsonObject>.Create((a, b) => Compare(a, b, onNode, now)));
    }

    /// <summary>calculateStatus: replicas, fullyLabeledReplicas, readyReplicas, availableReplicas, observedGeneration.</summary>
    public static JsonObject Status(JsonObject rs, IReadOnlyList<JsonObject> ownedPods, DateTimeOffset now)
    {
        var active = ownedPods.Where(PodTemplates.IsActive).ToList();
        var templateLabels = rs["spec"]?["template"]?["metadata"]?["labels"] as JsonObject;
        var minReady = MinReadySeconds(rs);
        var status = new JsonObject
        {
            ["replicas"] = active.Count,
            ["fullyLabeledReplicas"] = active.Count(p => templateLabels?.All(l => p["metadata"]?["labels"]?[l.Key]?.GetValue<string>() == l.Value?.GetValue<string>()) ?? true),
            ["readyReplicas"] = active.Count(PodTemplates.IsReady),
            ["availableReplicas"] = active.Count(p => PodTemplates.IsAvailable(p, minReady, now)),
            ["observedGeneration"] = PodTemplates.Num(rs["metadata"]?["generation"]) ?? 1,
        };

        // fullyLabeledReplicas, readyReplicas and availableReplicas are omitempty upstream.
        foreach (var omitEmpty in new[] { "fullyLabeledReplicas", "readyReplicas", "availableReplicas" })
        {
            if (PodTemplates.Num(status[omitEmpty]) == 0)
            {
                status.Remove(omitEmpty);
            }
        }

        // Conditions (ReplicaFailure) are kept as they are: only a failed create sets them.
        if (rs["status"]?["conditions"] is JsonArray conditions && conditions.Count > 0)
        {
            status["conditions"] = conditions.DeepClone();
        }

        return status;
    }

    /// <summary>When the next ready-but-not-yet-available pod becomes available (to check again then).</summary>
    public static TimeSpan? NextAvailabilityCheck(IEnumerable<JsonObject> pods, int minReadySeconds, DateTimeOffset now) =>
        pods.Where(PodTemplates.IsActive).Select(p => PodTemplates.UntilAvailable(p, minReadySeconds, now)).Where(t => t is not null).Min();

    public static int MinReadySeconds(JsonObject obj) => (int)(PodTemplates.Num(obj["spec"]?["minReadySeconds"]) ?? 0);

    private static int Compare(JsonObject a, JsonObject b, Dictionary<string, int> onNode, DateTimeOffset now)
    {
        // 1. Unassigned < assigned.
        var (nodeA, nodeB) = (NodeName(a), NodeName(b));
        if (nodeA != nodeB && (nodeA.Length == 0 || nodeB.Length == 0))
        {
            return nodeA.Length == 0 ? -1 : 1;
        }

        // 2. Pending < Unknown < Running.
        var phase = PhaseOrdinal(a).CompareTo(PhaseOrdinal(b));
        if (phase != 0)
        {
            return phase;
        }

        // 3. Not ready < ready.
        var (readyA, readyB) = (PodTemplates.IsReady(a), PodTemplates.IsReady(b));
        if (readyA != readyB)
        {
            return readyA ? 1 : -1;
        }

        // 4. Lower pod-deletion-cost first.
        var cost = DeletionCost(a).CompareTo(DeletionCost(b));
        if (cost != 0)
        {
            return cost;
        }

        // 5. Doubled up (more related pods on the same node) first.
        var rank = onNode.GetValueOrDefault(nodeA).CompareTo(onNode.GetValueOrDefault(nodeB));
        if (rank != 0)
        {
            return -rank;
        }

        // 6. Ready for less time first (log2 buckets of the time since).
        if (readyA && readyB && PodTemplates.ReadySince(a) is { } ra && PodTemplates.ReadySince(b) is { } rb && ra != rb)
        {
            var byReady = LogRank(ra, now).CompareTo(LogRank(rb, now));
            if (byReady != 0)
            {
                return byReady;
            }
        }

        // 7. More restarts first.
        var restarts = Restarts(b).CompareTo(Restarts(a));
        if (restarts != 0)
        {
            return restarts;
        }

        // 8. Newer first (log2 buckets of age).
        var (ca, cb) = (PodTemplates.Created(a), PodTemplates.Created(b));
        if (ca != cb)
        {
            var byAge = LogRank(ca, now).CompareTo(LogRank(cb, now));
            if (byAge != 0)
            {
                return byAge;
            }
        }

        // 9. Stable tie-break.
        return string.CompareOrdinal(a["metadata"]?["uid"]?.GetValue<string>(), b["metadata"]?["uid"]?.GetValue<string>());
    }

    private static string NodeName(JsonObject pod) => pod["spec"]?["nodeName"]?.GetValue<string>() ?? "";

    private static int PhaseOrdinal(JsonObject pod) => PodTemplates.Phase(pod) switch { "Unknown" => 1, "Running" => 2, _ => 0 };

    private static long DeletionCost(JsonObject pod) =>
        long.TryParse(pod["metadata"]?["annotations"]?["controller.kubernetes.io/pod-deletion-cost"]?.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture, out var c) ? c : 0;

    private static long Restarts(JsonObject pod) =>
        (pod["status"]?["containerStatuses"] as JsonArray)?.OfType<JsonObject>().Select(c => PodTemplates.Num(c["restartCount"]) ?? 0).DefaultIfEmpty(0).Max() ?? 0;

    /// <summary>logarithmicRankDiff: floor(log2(seconds since)), younger ranks lower; a missing time ranks lowest.</summary>
    private static long LogRank(DateTimeOffset since, DateTimeOffset now)
    {
        if (since == DateTimeOffset.MinValue)
        {
            return long.MinValue;
        }

        var seconds = (now - since).TotalSeconds;
        return seconds <= 1 ? 0 : (long)Math.Floor(Math.Log2(seconds));
    }
}
