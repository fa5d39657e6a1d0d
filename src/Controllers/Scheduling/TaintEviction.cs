using System.Text.Json.Nodes;
using Kura.Model.Meta;

namespace Kura.Controllers.Scheduling;

public enum EvictionAction
{
    None,
    DeleteNow,
    DeleteLater,
}

/// <summary>Whether and when a pod on a NoExecute-tainted node goes.</summary>
public sealed record EvictionDecision(EvictionAction Action, DateTimeOffset? At = null)
{
    public static readonly EvictionDecision Keep = new(EvictionAction.None);
}

public enum PodGcAction
{
    None,

    /// <summary>gcOrphaned: the pod's node no longer exists; fail and delete it with grace 0.</summary>
    DeleteOrphan,

    /// <summary>gcTerminating: a terminating pod on a not-ready node with the out-of-service taint; force delete.</summary>
    ForceDeleteOutOfService,
}

/// <summary>
/// The taint eviction controller (pkg/controller/tainteviction) and PodGC (pkg/controller/podgc)
/// decisions. A pod that does not tolerate every NoExecute taint of its node goes at once; one
/// that tolerates them all for a limited time goes when the shortest tolerationSeconds has
/// passed, counted from the taint's timeAdded (so the deadline survives a controller restart).
/// </summary>
public static class TaintEviction
{
    public static EvictionDecision Decide(JsonObject pod, IReadOnlyList<Taint> nodeTaints, DateTimeOffset now, DateTimeOffset observedSince)
    {
        var noExecute = nodeTaints.Where(t => t.Effect == SchedulingNames.NoExecute).ToList();
        if (noExecute.Count == 0)
        {
            return EvictionDecision.Keep;
        }

        var tolerations = Toleration.Of(pod);
        DateTimeOffset? deadline = null;
        foreach (var taint in noExecute)
        {
            // GetMatchingTolerations: the first toleration that tolerates the taint is the one used.
            var used = tolerations.FirstOrDefault(t => t.Tolerates(taint));
            if (used is null)
            {
                return new EvictionDecision(EvictionAction.DeleteNow, now);
            }

            if (used.Seconds is long seconds)
            {
                var at = (taint.TimeAdded ?? observedSince) + TimeSpan.FromSeconds(Math.Max(0, seconds));
                deadline = deadline is null || at < deadline ? at : deadline;
            }
        }

        return deadline switch
        {
            null => EvictionDecision.Keep,
            { } at when at <= now => new EvictionDecision(EvictionAction.DeleteNow, now),
            { } at => new EvictionDecision(EvictionAction.DeleteLater, at),
        };
    }

    public static PodGcAction DecideGc(JsonObject pod, JsonObject? node)
    {
        if (string.IsNullOrEmpty(Obj.GetString(pod, "spec", "nodeName")))
        {
            return PodGcAction.None;
        }

        if (node is null)
        {
            return PodGcAction.DeleteOrphan;
        }

        var terminating = pod["metadata"]?["deletionTimestamp"] is not null;
        var outOfService = Taint.Of(node).Any(t => t.Key == SchedulingNames.TaintOutOfService);
        return terminating && outOfService && NodeLifecycle.ReadyStatus(node) != "True" ? PodGcAction.ForceDeleteOutOfService : PodGcAction.None;
    }
}
