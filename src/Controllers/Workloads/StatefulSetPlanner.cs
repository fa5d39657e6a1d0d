using System.Globalization;
using System.Text.Json.Nodes;

namespace Kura.Controllers.Workloads;

/// <summary>What the StatefulSet planner reads of a StatefulSet.</summary>
public sealed record StatefulSetView(
    string Name,
    int Replicas,
    bool Parallel,
    bool OnDelete,
    int Partition,
    int MinReadySeconds,
    long Generation)
{
    public static StatefulSetView From(JsonObject set)
    {
        var spec = set["spec"] as JsonObject ?? [];
        return new StatefulSetView(
            set["metadata"]?["name"]?.GetValue<string>() ?? "",
            (int)(PodTemplates.Num(spec["replicas"]) ?? 1),
            spec["podManagementPolicy"]?.GetValue<string>() == "Parallel",
            spec["updateStrategy"]?["type"]?.GetValue<string>() == "OnDelete",
            (int)(PodTemplates.Num(spec["updateStrategy"]?["rollingUpdate"]?["partition"]) ?? 0),
            (int)(PodTemplates.Num(spec["minReadySeconds"]) ?? 0),
            PodTemplates.Num(set["metadata"]?["generation"]) ?? 1);
    }
}

/// <summary>One step of a StatefulSet sync, in the order it must happen.</summary>
public abstract record StatefulStep;

/// <summary>Create the claims, then the pod of this ordinal, from the current or the update revision.</summary>
public sealed record CreateStatefulPod(int Ordinal, bool AtUpdateRevision) : StatefulStep;

/// <summary>Delete a pod: "failed" (finished, to be recreated), "scale" (condemned), "update" (old revision).</summary>
public sealed record DeleteStatefulPod(string Name, int Ordinal, string Why) : StatefulStep;

public sealed record StatefulSetPlan(IReadOnlyList<StatefulStep> Steps, JsonObject Status);

/// <summary>
/// The StatefulSet controller's decisions (pkg/controller/statefulset stateful_set_control.go
/// updateStatefulSet): replicas are ordinals [0, replicas), the rest are condemned. OrderedReady
/// (monotonic) stops at the first pod it creates, or that is terminating, not Running and Ready,
/// or not yet available; condemned pods go from the highest ordinal, one at a time, only while
/// the rest are healthy. Parallel does all of it at once. RollingUpdate then deletes the highest
/// pod at or above the partition whose revision is not the update revision, waiting for each
/// replacement to be healthy; OnDelete leaves that to the user.
/// </summary>
public static class StatefulSetPlanner
{
    public const string RevisionLabel = "controller-revision-hash";

    public static StatefulSetPlan Plan(StatefulSetView set, IReadOnlyList<JsonObject> pods, string currentRevision, string updateRevision, long collisionCount, DateTimeOffset now)
    {
        var replicas = new JsonObject?[set.Replicas];
        var condemned = new List<(int Ordinal, JsonObject Pod)>();
        foreach (var pod in pods)
        {
            var ordinal = Ordinal(set.Name, pod["metadata"]?["name"]?.GetValue<string>() ?? "");
            if (ordinal >= 0 && ordinal < set.Replicas)
            {
                replicas[ordinal] = pod;
            }
            else if (ordinal >= 0)
            {
                condemned.Add((ordinal, pod));
            }
        }

        condemned.Sort((a, b) => b.Ordinal.CompareTo(a.Ordinal));
        var monotonic = !set.Parallel;
        var steps = new List<StatefulStep>();
        // In monotonic mode condemned pods are reached only when every replica is healthy, so the
        // first unhealthy pod is then the lowest condemned one that is not.
        var firstUnhealthy = condemned.AsEnumerable().Reverse().Select(c => c.Pod).FirstOrDefault(p => !IsHealthy(p));
        var blocked = ProcessReplicas(set, replicas, steps, monotonic, now);
        if (!blocked)
        {
            blocked = ProcessCondemned(set, condemned, firstUnhealthy, steps, monotonic, now);
        }

        if (!blocked && !set.OnDelete)
        {
            for (var target = replicas.Length - 1; target >= set.Partition && target >= 0; target--)
            {
                // A pod still to be made counts as not healthy: wait for it.
                if (replicas[target] is not { } pod)
                {
                    break;
                }

                if (Revision(pod) != updateRevision && !PodTemplates.IsTerminating(pod))
                {
                    steps.Add(new DeleteStatefulPod(Name(pod), target, "update"));
                    break;
                }

                if (!IsHealthy(pod))
                {
                    break;
                }
            }
        }

        // Pods this plan creates: before the partition (RollingUpdate) from the current revision.
        for (var i = 0; i < steps.Count; i++)
        {
            if (steps[i] is CreateStatefulPod create)
            {
                steps[i] = create with { AtUpdateRevision = set.OnDelete || create.Ordinal >= set.Partition };
            }
        }

        var existing = replicas.Where(p => p is not null).Select(p => p!).Concat(condemned.Select(c => c.Pod)).ToList();
        return new StatefulSetPlan(steps, Status(set, existing, currentRevision, updateRevision, collisionCount, now));
    }

    /// <summary>updateStatus + completeRollingUpdate: counts over the existing pods; a finished rolling update makes the update revision current.</summary>
    public static JsonObject Status(StatefulSetView set, IReadOnlyList<JsonObject> pods, string currentRevision, string updateRevision, long collisionCount, DateTimeOffset now)
    {
        var created = pods.Where(p => PodTemplates.Phase(p).Length > 0).ToList();
        var live = created.Where(p => !PodTemplates.IsTerminating(p)).ToList();
        var ready = created.Count(IsRunningAndReady);
        var current = live.Count(p => Revision(p) == currentRevision);
        var updated = live.Count(p => Revision(p) == updateRevision);
        if (!set.OnDelete && updated == created.Count && ready == created.Count)
        {
            current = updated;
            currentRevision = updateRevision;
        }

        var status = new JsonObject
        {
            ["observedGeneration"] = set.Generation,
            ["replicas"] = created.Count,
            ["readyReplicas"] = ready,
            ["currentReplicas"] = current,
            ["updatedReplicas"] = updated,
            ["currentRevision"] = currentRevision,
            ["updateRevision"] = updateRevision,
            ["collisionCount"] = collisionCount,
            ["availableReplicas"] = created.Count(p => IsRunningAndReady(p) && PodTemplates.IsAvailable(p, set.MinReadySeconds, now)),
        };
        foreach (var omitEmpty in new[] { "readyReplicas", "currentReplicas", "updatedReplicas" })
        {
            if (PodTemplates.Num(status[omitEmpty]) == 0)
            {
                status.Remove(omitEmpty);
            }
        }

        return status;
    }

    /// <summary>The ordinal in a pod name `&lt;set&gt;-&lt;ordinal&gt;`, or -1.</summary>
    public static int Ordinal(string set, string pod) =>
        pod.StartsWith(set + "-", StringComparison.Ordinal) && int.TryParse(pod.AsSpan(set.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;

    public static string Revision(JsonObject pod) => pod["metadata"]?["labels"]?[RevisionLabel]?.GetValue<string>() ?? "";

    public static bool IsRunningAndReady(JsonObject pod) => PodTemplates.Phase(pod) == "Running" && PodTemplates.IsReady(pod);

    public static bool IsHealthy(JsonObject pod) => IsRunningAndReady(pod) && !PodTemplates.IsTerminating(pod);

    private static bool ProcessReplicas(StatefulSetView set, JsonObject?[] replicas, List<StatefulStep> steps, bool monotonic, DateTimeOffset now)
    {
        for (var i = 0; i < replicas.Length; i++)
        {
            var pod = replicas[i];
            if (pod is null)
            {
                steps.Add(new CreateStatefulPod(i, true));
                if (monotonic)
                {
                    return true;
                }

                continue;
            }

            // Finished pods are deleted and made again on a later sync, whatever their exit.
            if (PodTemplates.Phase(pod) is "Failed" or "Succeeded")
            {
                if (!PodTemplates.IsTerminating(pod))
                {
                    steps.Add(new DeleteStatefulPod(Name(pod), i, "failed"));
                }

                if (monotonic)
                {
                    return true;
                }

                continue;
            }

            if (monotonic && (PodTemplates.IsTerminating(pod) || !IsRunningAndReady(pod) || !PodTemplates.IsAvailable(pod, set.MinReadySeconds, now)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool ProcessCondemned(StatefulSetView set, List<(int Ordinal, JsonObject Pod)> condemned, JsonObject? firstUnhealthy, List<StatefulStep> steps, bool monotonic, DateTimeOffset now)
    {
        foreach (var (ordinal, pod) in condemned)
        {
            if (PodTemplates.IsTerminating(pod))
            {
                if (monotonic)
                {
                    return true;
                }

                continue;
            }

            if (monotonic && !ReferenceEquals(pod, firstUnhealthy) && (!IsRunningAndReady(pod) || !PodTemplates.IsAvailable(pod, set.MinReadySeconds, now)))
            {
                return true;
            }

            steps.Add(new DeleteStatefulPod(Name(pod), ordinal, "scale"));
            if (monotonic)
            {
                return true;
            }
        }

        return false;
    }

    private static string Name(JsonObject pod) => pod["metadata"]!["name"]!.GetValue<string>();
}
