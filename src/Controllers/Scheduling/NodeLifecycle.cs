using System.Text.Json.Nodes;
using Kura.Model.Meta;

namespace Kura.Controllers.Scheduling;

/// <summary>What the node lifecycle controller changes on one node.</summary>
public sealed record NodeHealthPlan(JsonArray? Conditions, IReadOnlyList<Taint> AddTaints, IReadOnlyList<Taint> RemoveTaints, string? ReadyAfter, bool WentSilent)
{
    public bool ChangesTaints => AddTaints.Count > 0 || RemoveTaints.Count > 0;
}

/// <summary>
/// The node lifecycle controller's monitorNodeHealth, doNoScheduleTaintingPass and
/// doNoExecuteTaintingPass (pkg/controller/nodelifecycle/node_lifecycle_controller.go) as one
/// pure function: a node whose kubelet neither renewed its Lease nor posted a Ready heartbeat
/// within the grace period gets its conditions set to Unknown; the Ready condition and the
/// pressure conditions map to the controller's NoSchedule taints, and a Ready condition that is
/// False or Unknown to the not-ready or unreachable NoExecute taint (stamped with timeAdded).
/// </summary>
public static class NodeLifecycle
{
    private static readonly (string Condition, string Status, string Taint)[] NoScheduleTaints =
    [
        ("Ready", "False", SchedulingNames.TaintNotReady),
        ("Ready", "Unknown", SchedulingNames.TaintUnreachable),
        ("MemoryPressure", "True", SchedulingNames.TaintMemoryPressure),
        ("DiskPressure", "True", SchedulingNames.TaintDiskPressure),
        ("PIDPressure", "True", SchedulingNames.TaintPidPressure),
        ("NetworkUnavailable", "True", SchedulingNames.TaintNetworkUnavailable),
    ];

    private static readonly string[] NoScheduleKeys = [.. NoScheduleTaints.Select(t => t.Taint).Distinct(), SchedulingNames.TaintUnschedulable];
    private static readonly string[] NoExecuteKeys = [SchedulingNames.TaintNotReady, SchedulingNames.TaintUnreachable];

    public static string? ReadyStatus(JsonObject node) => Condition(node["status"]?["conditions"] as JsonArray, "Ready") is { } c ? Obj.GetString(c, "status") : null;

    /// <summary>
    /// The last sign of life: the Lease's renewTime, the Ready heartbeat, the node's creation, or
    /// the controller's own start (so a restarted control plane gives every node a fresh grace period).
    /// </summary>
    public static DateTimeOffset LastProbe(JsonObject node, JsonObject? lease, DateTimeOffset monitorStart)
    {
        DateTimeOffset?[] stamps =
        [
            Obj.ParseTime(Obj.GetString(lease, "spec", "renewTime")),
            Obj.ParseTime(Condition(node["status"]?["conditions"] as JsonArray, "Ready") is { } ready ? Obj.GetString(ready, "lastHeartbeatTime") : null),
            Obj.ParseTime(Obj.GetString(node, "metadata", "creationTimestamp")),
            monitorStart,
        ];
        return stamps.OfType<DateTimeOffset>().Max();
    }

    public static NodeHealthPlan Plan(JsonObject node, JsonObject? lease, DateTimeOffset now, TimeSpan gracePeriod, DateTimeOffset monitorStart)
    {
        var original = node["status"]?["conditions"] as JsonArray ?? [];
        var conditions = (JsonArray)original.DeepClone();
        var silent = now > LastProbe(node, lease, monitorStart) + gracePeriod;
        var changed = false;
        var wentSilent = false;
        if (silent)
        {
            var stamp = Obj.Rfc3339(now);
            foreach (var type in SchedulingNames.MonitoredConditions)
            {
                var condition = Condition(conditions, type);
                if (condition is null)
                {
                    conditions.Add(new JsonObject
                    {
                        ["type"] = type,
                        ["status"] = "Unknown",
                        ["lastHeartbeatTime"] = Obj.GetString(node, "metadata", "creationTimestamp"),
                        ["lastTransitionTime"] = stamp,
                        ["reason"] = SchedulingNames.NodeStatusNeverUpdated,
                        ["message"] = SchedulingNames.NodeStatusNeverUpdatedMessage,
                    });
                    changed = true;
                    wentSilent |= type == "Ready";
                }
                else if (Obj.GetString(condition, "status") != "Unknown")
                {
                    condition["status"] = "Unknown";
                    condition["reason"] = SchedulingNames.NodeStatusUnknown;
                    condition["message"] = SchedulingNames.NodeStatusUnknownMessage;
                    condition["lastTransitionTime"] = stamp;
                    changed = true;
                    wentSilent |= type == "Ready";
                }
            }
        }

        var desired = DesiredTaints(conditions, Obj.GetBool(node, "spec", "unschedulable") == true, now);
        var current = Taint.Of(node);
        var add = desired.Where(d => !current.Any(c => c.SameAs(d))).ToList();
        var remove = current.Where(c => IsManaged(c) && !desired.Any(d => d.SameAs(c))).ToList();
        return new NodeHealthPlan(changed ? conditions : null, add, remove, Condition(conditions, "Ready") is { } r ? Obj.GetString(r, "status") : null, wentSilent);
    }

    /// <summary>The controller-managed taints the node should carry given its conditions.</summary>
    public static List<Taint> DesiredTaints(JsonArray conditions, bool unschedulable, DateTimeOffset now)
    {
        var taints = new List<Taint>();
        foreach (var (type, status, key) in NoScheduleTaints)
        {
            if (Condition(conditions, type) is { } c && Obj.GetString(c, "status") == status)
            {
                taints.Add(new Taint(key, "", SchedulingNames.NoSchedule));
            }
        }

        if (unschedulable)
        {
            taints.Add(new Taint(SchedulingNames.TaintUnschedulable, "", SchedulingNames.NoSchedule));
        }

        var ready = Condition(conditions, "Ready") is { } r ? Obj.GetString(r, "status") : null;
        if (ready == "False")
        {
            taints.Add(new Taint(SchedulingNames.TaintNotReady, "", SchedulingNames.NoExecute, now));
        }
        else if (ready == "Unknown")
        {
            taints.Add(new Taint(SchedulingNames.TaintUnreachable, "", SchedulingNames.NoExecute, now));
        }

        return taints;
    }

    /// <summary>Applies a plan's taint changes to a node's spec.taints (keeping timeAdded of taints that stay).</summary>
    public static JsonArray ApplyTaints(JsonArray? existing, NodeHealthPlan plan)
    {
        var result = new JsonArray();
        foreach (var t in existing?.OfType<JsonObject>() ?? [])
        {
            var taint = Taint.FromJson(t);
            if (!plan.RemoveTaints.Any(r => r.SameAs(taint)))
            {
                result.Add(t.DeepClone());
            }
        }

        foreach (var taint in plan.AddTaints)
        {
            if (!result.OfType<JsonObject>().Any(t => Taint.FromJson(t).SameAs(taint)))
            {
                result.Add(taint.ToJson());
            }
        }

        return result;
    }

    private static bool IsManaged(Taint t) =>
        (t.Effect == SchedulingNames.NoSchedule && NoScheduleKeys.Contains(t.Key)) || (t.Effect == SchedulingNames.NoExecute && NoExecuteKeys.Contains(t.Key));

    private static JsonObject? Condition(JsonArray? conditions, string type) =>
        conditions?.OfType<JsonObject>().FirstOrDefault(c => Obj.GetString(c, "type") == type);
}
