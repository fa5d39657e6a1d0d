using System.Text.Json.Nodes;
using Kura.Controllers.Workloads;

namespace Kura.Controllers.Tests.Workloads;

/// <summary>Pods, ReplicaSets and Deployments as the workload planners read them.</summary>
internal static class WorkloadFixtures
{
    public static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    public static JsonObject Pod(string name, string? node = "n1", string phase = "Running", bool ready = true, int createdMinutesAgo = 60, int readyMinutesAgo = 30, string? revision = null, bool terminating = false)
    {
        var meta = new JsonObject
        {
            ["name"] = name,
            ["uid"] = "uid-" + name,
            ["creationTimestamp"] = Time(Now.AddMinutes(-createdMinutesAgo)),
            ["labels"] = new JsonObject(),
        };
        if (revision is not null)
        {
            meta["labels"]![StatefulSetPlanner.RevisionLabel] = revision;
        }

        if (terminating)
        {
            meta["deletionTimestamp"] = Time(Now);
        }

        return new JsonObject
        {
            ["metadata"] = meta,
            ["spec"] = new JsonObject { ["nodeName"] = node },
            ["status"] = new JsonObject
            {
                ["phase"] = phase,
                ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = ready ? "True" : "False", ["lastTransitionTime"] = Time(Now.AddMinutes(-readyMinutesAgo)) }),
            },
        };
    }

    public static DeploymentView Deployment(int replicas, string surge = "25%", string unavailable = "25%", bool recreate = false, int? historyLimit = 10) =>
        new("app", replicas, recreate, new JsonObject { ["maxSurge"] = surge, ["maxUnavailable"] = unavailable }, historyLimit, false, 600, 1);

    /// <summary>A ReplicaSet: spec replicas, available (status replicas = spec), revision, created minutes ago.</summary>
    public static ReplicaSetView Rs(string name, int replicas, int available, long revision = 1, int createdMinutesAgo = 60, int? desired = null, int? max = null) =>
        new(name, replicas, replicas, available, available, revision, Now.AddMinutes(-createdMinutesAgo), desired, max);

    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public static string Name(JsonObject o) => o["metadata"]!["name"]!.GetValue<string>();
}
