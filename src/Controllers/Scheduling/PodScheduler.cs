using System.Text.Json.Nodes;
using Kura.Model.Meta;

namespace Kura.Controllers.Scheduling;

/// <summary>A pod already on a node (bound, or assumed while its volumes bind).</summary>
public sealed record PlacedPod(JsonObject Pod, string Node);

/// <summary>Everything one scheduling cycle looks at; <see cref="Claims"/> are the pod namespace's claims by name.</summary>
public sealed record SchedulingInput(
    JsonObject Pod,
    IReadOnlyList<JsonObject> Nodes,
    IReadOnlyList<PlacedPod> Placed,
    IReadOnlyDictionary<string, JsonObject> Claims,
    IReadOnlyList<JsonObject> Volumes,
    IReadOnlyDictionary<string, JsonObject> Classes);

/// <summary>Why a node was filtered out: the failing plugin's reasons, and whether preemption could ever help.</summary>
public sealed record NodeVerdict(IReadOnlyList<string> Reasons, bool Resolvable);

/// <summary>
/// The outcome of a cycle: a node (with the volume decisions for it), or the FitError message
/// for the PodScheduled condition and the FailedScheduling event.
/// </summary>
public sealed record ScheduleResult(string? Node, string? Failure, IReadOnlyList<StaticBinding> Bindings, IReadOnlyList<string> ProvisionClaims)
{
    public static ScheduleResult Unschedulable(string message) => new(null, message, [], []);
}

/// <summary>
/// kube-scheduler's scheduling cycle with the default plugins (pkg/scheduler/schedule_one.go):
/// Filter with NodeUnschedulable, TaintToleration, NodeAffinity, NodeResourcesFit and
/// VolumeBinding in that order (the first failing plugin decides a node's reasons), Score with
/// NodeResourcesFit (least allocated), BalancedAllocation, default PodTopologySpread (pods of
/// the same controller), TaintToleration (PreferNoSchedule) and NodeAffinity (preferred terms);
/// ties go to the first node by name, so the outcome is deterministic.
/// </summary>
public static class PodScheduler
{
    public static ScheduleResult Schedule(SchedulingInput input)
    {
        var pod = input.Pod;
        if (input.Nodes.Count == 0)
        {
            return ScheduleResult.Unschedulable(SchedulingNames.NoNodesAvailable);
        }

        var (volumes, preFilterFailure) = VolumeBinding.PreFilter(pod, input.Claims, input.Volumes, input.Classes);
        if (preFilterFailure is not null)
        {
            return ScheduleResult.Unschedulable(FitErrorMessage(pod, input.Nodes.Count, preFilterFailure, new Dictionary<string, NodeVerdict>()));
        }

        var byNode = input.Placed.GroupBy(p => p.Node).ToDictionary(g => g.Key, g => g.Select(p => p.Pod).ToList(), StringComparer.Ordinal);
        var verdicts = new Dictionary<string, NodeVerdict>(StringComparer.Ordinal);
        var feasible = new List<(JsonObject Node, NodeVolumes Volumes)>();
        foreach (var node in input.Nodes.OrderBy(Obj.Name, StringComparer.Ordinal))
        {
            var onNode = byNode.GetValueOrDefault(Obj.Name(node)) ?? [];
            var (verdict, nodeVolumes) = Filter(pod, node, onNode, volumes!);
            if (verdict is null)
            {
                feasible.Add((node, nodeVolumes!));
            }
            else
            {
                verdicts[Obj.Name(node)] = verdict;
            }
        }

        if (feasible.Count == 0)
        {
            return ScheduleResult.Unschedulable(FitErrorMessage(pod, input.Nodes.Count, null, verdicts));
        }

        var scores = Score(pod, [.. feasible.Select(f => f.Node)], byNode);
        var best = feasible.Select((f, i) => (f.Node, f.Volumes, Score: scores[i]))
            .OrderByDescending(x => x.Score).ThenBy(x => Obj.Name(x.Node), StringComparer.Ordinal).First();
        return new ScheduleResult(Obj.Name(best.Node), null, best.Volumes.Bindings, best.Volumes.Provision);
    }

    /// <summary>Runs the filters on one node: null verdict when the pod fits.</summary>
    public static (NodeVerdict? Verdict, NodeVolumes? Volumes) Filter(JsonObject pod, JsonObject node, IReadOnlyList<JsonObject> podsOnNode, VolumeBinding volumes)
    {
        var tolerations = Toleration.Of(pod);
        if (Obj.GetBool(node, "spec", "unschedulable") == true
            && !tolerations.Any(t => t.Tolerates(new Taint(SchedulingNames.TaintUnschedulable, "", SchedulingNames.NoSchedule))))
        {
            return (Unresolvable(SchedulingNames.ReasonUnschedulable), null);
        }

        if (TaintMatching.FirstUntolerated(EffectiveTaints(node), tolerations, TaintMatching.IsScheduleBlocking) is { } taint)
        {
            return (Unresolvable(SchedulingNames.Untolerated(taint)), null);
        }

        if (!NodeSelection.PodMatchesNode(pod, node))
        {
            return (Unresolvable(SchedulingNames.ReasonNodeAffinity), null);
        }

        var insufficient = InsufficientResources(pod, node, podsOnNode);
        if (insufficient.Count > 0)
        {
            return (new NodeVerdict(insufficient, Resolvable: true), null);
        }

        var nodeVolumes = volumes.HasClaims ? volumes.Filter(node) : NodeVolumes.None;
        return nodeVolumes.Reasons.Count > 0 ? (new NodeVerdict(nodeVolumes.Reasons, false), null) : (null, nodeVolumes);
    }

    /// <summary>
    /// The node's taints, plus the NoSchedule taint the lifecycle controller is about to add when
    /// the Ready condition is False or Unknown (so a freshly failed node is not picked in between).
    /// </summary>
    public static IReadOnlyList<Taint> EffectiveTaints(JsonObject node)
    {
        var taints = Taint.Of(node).ToList();
        var implied = NodeLifecycle.ReadyStatus(node) switch
        {
            "False" => new Taint(SchedulingNames.TaintNotReady, "", SchedulingNames.NoSchedule),
            "Unknown" => new Taint(SchedulingNames.TaintUnreachable, "", SchedulingNames.NoSchedule),
            _ => null,
        };
        if (implied is not null && !taints.Any(t => t.Key == implied.Key))
        {
            taints.Add(implied);
        }

        return taints;
    }

    /// <summary>NodeResourcesFit's fitsRequest: pod count, then cpu, memory, ephemeral storage and extended resources.</summary>
    public static List<string> InsufficientResources(JsonObject pod, JsonObject node, IReadOnlyList<JsonObject> podsOnNode)
    {
        var reasons = new List<string>();
        var allocatable = ResourceAmounts.Allocatable(node);
        var active = podsOnNode.Where(IsActive).ToList();
        if (active.Count + 1 > allocatable[ResourceAmounts.Pods])
        {
            reasons.Add(SchedulingNames.ReasonTooManyPods);
        }

        var request = ResourceAmounts.PodRequests(pod);
        var used = new ResourceAmounts();
        foreach (var p in active)
        {
            used.AddAll(ResourceAmounts.PodRequests(p));
        }

        string[] ordered = [ResourceAmounts.Cpu, ResourceAmounts.Memory, ResourceAmounts.EphemeralStorage];
        foreach (var name in ordered.Concat(request.Names.Where(n => !ordered.Contains(n) && n != ResourceAmounts.Pods).Order(StringComparer.Ordinal)))
        {
            if (request[name] > 0 && request[name] > allocatable[name] - used[name])
            {
                reasons.Add(SchedulingNames.Insufficient(name));
            }
        }

        return reasons;
    }

    /// <summary>Pods that hold resources on their node: not yet Succeeded or Failed.</summary>
    public static bool IsActive(JsonObject pod) => Obj.GetString(pod, "status", "phase") is not ("Succeeded" or "Failed");

    /// <summary>Weighted scores (0..100 per plugin) of the feasible nodes, in their order.</summary>
    public static long[] Score(JsonObject pod, IReadOnlyList<JsonObject> nodes, IReadOnlyDictionary<string, List<JsonObject>> byNode)
    {
        var request = ResourceAmounts.PodRequests(pod, nonZero: true);
        var owner = ControllerUid(pod);
        var ns = Obj.Namespace(pod);
        var tolerations = Toleration.Of(pod).Where(t => t.Effect is "" or SchedulingNames.PreferNoSchedule).ToList();
        var n = nodes.Count;
        var fit = new long[n];
        var balanced = new long[n];
        var spread = new long[n];
        var taints = new long[n];
        var affinity = new long[n];
        for (var i = 0; i < n; i++)
        {
            var onNode = (byNode.GetValueOrDefault(Obj.Name(nodes[i])) ?? []).Where(IsActive).ToList();
            var used = new ResourceAmounts();
            foreach (var p in onNode)
            {
                used.AddAll(ResourceAmounts.PodRequests(p, nonZero: true));
            }

            var allocatable = ResourceAmounts.Allocatable(nodes[i]);
            var cpu = Fraction(used[ResourceAmounts.Cpu] + request[ResourceAmounts.Cpu], allocatable[ResourceAmounts.Cpu]);
            var memory = Fraction(used[ResourceAmounts.Memory] + request[ResourceAmounts.Memory], allocatable[ResourceAmounts.Memory]);
            fit[i] = (long)((1 - cpu) * 100 + (1 - memory) * 100) / 2;
            balanced[i] = (long)((1 - (Math.Abs(cpu - memory) / 2)) * 100);
            spread[i] = owner is null ? 0 : onNode.Count(p => ControllerUid(p) == owner && Obj.Namespace(p) == ns);
            taints[i] = Taint.Of(nodes[i]).Count(t => t.Effect == SchedulingNames.PreferNoSchedule && !tolerations.Any(tol => tol.Tolerates(t)));
            affinity[i] = NodeSelection.PreferredWeight(pod, nodes[i]);
        }

        var spreadMax = spread.Max();
        var spreadMin = spread.Min();
        var taintMax = taints.Max();
        var affinityMax = affinity.Max();
        var total = new long[n];
        for (var i = 0; i < n; i++)
        {
            var spreadScore = spreadMax == 0 ? 100 : 100 * (spreadMax + spreadMin - spread[i]) / spreadMax;
            var taintScore = taintMax == 0 ? 100 : 100 - (100 * taints[i] / taintMax);
            var affinityScore = affinityMax <= 0 ? 0 : 100 * affinity[i] / affinityMax;
            total[i] = fit[i] + balanced[i] + (2 * spreadScore) + (3 * taintScore) + (2 * affinityScore);
        }

        return total;
    }

    /// <summary>
    /// FitError.Error() (pkg/scheduler/framework/types.go) with DefaultPreemption's PostFilter
    /// message: "0/N nodes are available: &lt;prefilter&gt;. | &lt;sorted histogram&gt;. preemption: ...".
    /// </summary>
    public static string FitErrorMessage(JsonObject pod, int numNodes, string? preFilter, IReadOnlyDictionary<string, NodeVerdict> verdicts)
    {
        var message = $"0/{numNodes} nodes are available:";
        message += preFilter is not null ? $" {preFilter}." : $" {Histogram(verdicts.Values.SelectMany(v => v.Reasons))}.";
        return $"{message} {PreemptionMessage(pod, numNodes, preFilter is not null ? new Dictionary<string, NodeVerdict>() : verdicts)}";
    }

    /// <summary>
    /// DefaultPreemption's PostFilter: only nodes that failed with a resolvable status are tried,
    /// and with no lower-priority pods on them nothing can be evicted; the rest are not helped.
    /// </summary>
    private static string PreemptionMessage(JsonObject pod, int numNodes, IReadOnlyDictionary<string, NodeVerdict> verdicts)
    {
        if (Obj.GetString(pod, "spec", "preemptionPolicy") == "Never")
        {
            return "preemption: not eligible due to preemptionPolicy=Never.";
        }

        var tried = verdicts.Values.Count(v => v.Resolvable);
        var reasons = Enumerable.Repeat(SchedulingNames.NoPreemptionVictims, tried)
            .Concat(Enumerable.Repeat(SchedulingNames.PreemptionNotHelpful, numNodes - tried));
        return $"preemption: 0/{numNodes} nodes are available: {Histogram(reasons)}.";
    }

    /// <summary>"count reason" per distinct reason, sorted as Go's sort.Strings does (ordinal).</summary>
    private static string Histogram(IEnumerable<string> reasons) =>
        string.Join(", ", reasons.GroupBy(r => r, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}").Order(StringComparer.Ordinal));

    private static NodeVerdict Unresolvable(string reason) => new([reason], false);

    private static double Fraction(long used, long allocatable) => allocatable <= 0 ? 1 : Math.Min(1, (double)used / allocatable);

    private static string? ControllerUid(JsonObject pod) =>
        (pod["metadata"]?["ownerReferences"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(o => Obj.GetBool(o, "controller") == true) is { } owner ? Obj.GetString(owner, "uid") : null;
}
