using System.Globalization;
using System.Text.Json.Nodes;

namespace Kura.Controllers.Workloads;

/// <summary>
/// Deployment status and conditions (pkg/controller/deployment/sync.go calculateStatus,
/// progress.go syncRolloutStatus, deploymentutil conditions): the fields `kubectl rollout status`
/// and `kubectl describe deployment` read, with upstream reasons and messages.
/// </summary>
public static class DeploymentStatuses
{
    public const string Available = "Available";
    public const string Progressing = "Progressing";

    /// <summary>calculateStatus: counts from the ReplicaSets, Available from minimum availability; other conditions carried over.</summary>
    public static JsonObject Calculate(DeploymentView d, JsonObject? current, IReadOnlyList<ReplicaSetView> all, ReplicaSetView? newRs, DateTimeOffset now)
    {
        var available = all.Sum(r => r.AvailableReplicas);
        var total = all.Sum(r => r.Replicas);
        var status = new JsonObject
        {
            ["observedGeneration"] = d.Generation,
            ["replicas"] = all.Sum(r => r.StatusReplicas),
            ["updatedReplicas"] = newRs?.StatusReplicas ?? 0,
            ["readyReplicas"] = all.Sum(r => r.ReadyReplicas),
            ["availableReplicas"] = available,
            ["unavailableReplicas"] = Math.Max(0, total - available),
            ["conditions"] = current?["conditions"]?.DeepClone() ?? new JsonArray(),
        };
        if (current?["collisionCount"] is JsonNode collisions)
        {
            status["collisionCount"] = collisions.DeepClone();
        }

        // The counts are omitempty upstream: a zero is absent.
        foreach (var field in new[] { "replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas" })
        {
            if (Int(status, field) == 0)
            {
                status.Remove(field);
            }
        }

        if (available >= d.Replicas - d.MaxUnavailable)
        {
            SetCondition(status, Available, "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", now);
        }
        else
        {
            SetCondition(status, Available, "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", now);
        }

        return status;
    }

    /// <summary>
    /// syncRolloutStatus: Progressing becomes NewReplicaSetAvailable when complete, is refreshed
    /// (ReplicaSetUpdated) on any progress, and turns False (ProgressDeadlineExceeded) once
    /// progressDeadlineSeconds pass without progress.
    /// </summary>
    public static JsonObject WithRolloutProgress(DeploymentView d, JsonObject? current, JsonObject next, string? newRsName, DateTimeOffset now)
    {
        if (!d.HasProgressDeadline)
        {
            RemoveCondition(next, Progressing);
        }

        var currentCond = Condition(current, Progressing);
        var isComplete = Int(next, "replicas") == Int(next, "updatedReplicas") && Reason(currentCond) == "NewReplicaSetAvailable";
        if (!d.HasProgressDeadline || isComplete)
        {
            return next;
        }

        if (Complete(d, next))
        {
            SetCondition(next, Progressing, "True", "NewReplicaSetAvailable",
                newRsName is null ? $"Deployment \"{d.Name}\" has successfully progressed." : $"ReplicaSet \"{newRsName}\" has successfully progressed.", now);
        }
        else if (MadeProgress(current, next))
        {
            // Unlike SetCondition, progress refreshes lastUpdateTime even with the same reason.
            var transition = currentCond?["status"]?.GetValue<string>() == "True" ? currentCond["lastTransitionTime"]?.DeepClone() : null;
            RemoveCondition(next, Progressing);
            var condition = NewCondition(Progressing, "True", "ReplicaSetUpdated",
                newRsName is null ? $"Deployment \"{d.Name}\" is progressing." : $"ReplicaSet \"{newRsName}\" is progressing.", now);
            if (transition is not null)
            {
                condition["lastTransitionTime"] = transition;
            }

            ((JsonArray)next["conditions"]!).Add(condition);
        }
        else if (TimedOut(d, next, now))
        {
            SetCondition(next, Progressing, "False", "ProgressDeadlineExceeded",
                newRsName is null ? $"Deployment \"{d.Name}\" has timed out progressing." : $"ReplicaSet \"{newRsName}\" has timed out progressing.", now);
        }

        return next;
    }

    /// <summary>checkPausedConditions: Progressing Unknown with DeploymentPaused / DeploymentResumed; null when nothing changes.</summary>
    public static JsonObject? WithPausedCondition(DeploymentView d, JsonObject? current, DateTimeOffset now)
    {
        if (!d.HasProgressDeadline)
        {
            return null;
        }

        var reason = Reason(Condition(current, Progressing));
        if (reason == "ProgressDeadlineExceeded")
        {
            return null;
        }

        var paused = reason == "DeploymentPaused";
        if (d.Paused == paused)
        {
            return null;
        }

        var next = (JsonObject?)current?.DeepClone() ?? [];
        SetCondition(next, Progressing, "Unknown", d.Paused ? "DeploymentPaused" : "DeploymentResumed", d.Paused ? "Deployment is paused" : "Deployment is resumed", now);
        return next;
    }

    /// <summary>DeploymentComplete: every replica updated and available, and the generation observed.</summary>
    public static bool Complete(DeploymentView d, JsonObject? status) =>
        Int(status, "updatedReplicas") == d.Replicas && Int(status, "replicas") == d.Replicas && Int(status, "availableReplicas") == d.Replicas
        && (PodTemplates.Num(status?["observedGeneration"]) ?? 0) >= d.Generation;

    /// <summary>requeueStuckDeployment: when to look again for a deadline, if a rollout is under way.</summary>
    public static TimeSpan? RecheckDeadlineAfter(DeploymentView d, JsonObject? current, JsonObject next, DateTimeOffset now)
    {
        var cond = Condition(current, Progressing);
        if (!d.HasProgressDeadline || cond is null || Complete(d, next) || Reason(cond) == "ProgressDeadlineExceeded")
        {
            return null;
        }

        var after = Time(cond, "lastUpdateTime").AddSeconds(d.ProgressDeadlineSeconds!.Value) - now;
        return after < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : after + TimeSpan.FromSeconds(1);
    }

    /// <summary>
    /// SetDeploymentCondition: no change for the same status and reason; lastTransitionTime is kept
    /// while the status stays; the condition moves to the end.
    /// </summary>
    public static void SetCondition(JsonObject status, string type, string value, string reason, string message, DateTimeOffset now)
    {
        var conditions = status["conditions"] as JsonArray ?? [];
        status["conditions"] = conditions;
        var existing = conditions.OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == type);
        if (existing is not null && existing["status"]?.GetValue<string>() == value && Reason(existing) == reason)
        {
            return;
        }

        var condition = NewCondition(type, value, reason, message, now);
        if (existing is not null && existing["status"]?.GetValue<string>() == value)
        {
            condition["lastTransitionTime"] = existing["lastTransitionTime"]?.DeepClone();
        }

        if (existing is not null)
        {
            conditions.Remove(existing);
        }

        conditions.Add(condition);
    }

    public static JsonObject? Condition(JsonObject? status, string type) =>
        (status?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == type);

    private static JsonObject NewCondition(string type, string value, string reason, string message, DateTimeOffset now)
    {
        var at = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return new JsonObject { ["type"] = type, ["status"] = value, ["lastUpdateTime"] = at, ["lastTransitionTime"] = at, ["reason"] = reason, ["message"] = message };
    }

    private static void RemoveCondition(JsonObject status, string type)
    {
        if (status["conditions"] is JsonArray conditions && Condition(status, type) is { } existing)
        {
            conditions.Remove(existing);
        }
    }

    /// <summary>DeploymentProgressing: more updated, fewer old, more ready or more available replicas than before.</summary>
    private static bool MadeProgress(JsonObject? before, JsonObject after) =>
        Int(after, "updatedReplicas") > Int(before, "updatedReplicas")
        || Int(after, "replicas") - Int(after, "updatedReplicas") < Int(before, "replicas") - Int(before, "updatedReplicas")
        || Int(after, "readyReplicas") > Int(before, "readyReplicas")
        || Int(after, "availableReplicas") > Int(before, "availableReplicas");

    /// <summary>DeploymentTimedOut.</summary>
    private static bool TimedOut(DeploymentView d, JsonObject next, DateTimeOffset now)
    {
        var cond = Condition(next, Progressing);
        return cond is not null && Reason(cond) switch
        {
            "NewReplicaSetAvailable" => false,
            "ProgressDeadlineExceeded" => true,
            _ => Time(cond, "lastUpdateTime").AddSeconds(d.ProgressDeadlineSeconds!.Value) < now,
        };
    }

    private static string? Reason(JsonObject? condition) => condition?["reason"]?.GetValue<string>();

    private static DateTimeOffset Time(JsonObject condition, string field) =>
        DateTimeOffset.TryParse(condition[field]?.GetValue<string>(), CultureInfo.InvariantCulture, out var t) ? t : DateTimeOffset.MinValue;

    private static long Int(JsonObject? status, string field) => PodTemplates.Num(status?[field]) ?? 0;
}
