using System.Globalization;
using System.Text.Json.Nodes;

namespace Kura.Controllers.Workloads;

/// <summary>What the Deployment planner reads of a Deployment.</summary>
public sealed record DeploymentView(
    string Name,
    int Replicas,
    bool Recreate,
    JsonObject? RollingUpdate,
    int? RevisionHistoryLimit,
    bool Paused,
    int? ProgressDeadlineSeconds,
    long Generation)
{
    public const string RevisionAnnotation = "deployment.kubernetes.io/revision";
    public const string RevisionHistoryAnnotation = "deployment.kubernetes.io/revision-history";
    public const string DesiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas";
    public const string MaxReplicasAnnotation = "deployment.kubernetes.io/max-replicas";

    /// <summary>deploymentutil.MaxSurge: 0 unless RollingUpdate.</summary>
    public int MaxSurge => Recreate ? 0 : Workloads.RollingUpdate.Limits(RollingUpdate, Replicas).MaxSurge;

    /// <summary>deploymentutil.MaxUnavailable: 0 unless RollingUpdate or when scaled to 0; at most the replicas.</summary>
    public int MaxUnavailable => Recreate || Replicas == 0 ? 0 : Math.Min(Replicas, Workloads.RollingUpdate.Limits(RollingUpdate, Replicas).MaxUnavailable);

    /// <summary>HasProgressDeadline: set and not MaxInt32.</summary>
    public bool HasProgressDeadline => ProgressDeadlineSeconds is int s && s != int.MaxValue;

    public static DeploymentView From(JsonObject d)
    {
        var spec = d["spec"] as JsonObject ?? [];
        return new DeploymentView(
            d["metadata"]?["name"]?.GetValue<string>() ?? "",
            (int)(PodTemplates.Num(spec["replicas"]) ?? 1),
            spec["strategy"]?["type"]?.GetValue<string>() == "Recreate",
            spec["strategy"]?["rollingUpdate"] as JsonObject,
            spec["revisionHistoryLimit"] is JsonNode limit ? (int)PodTemplates.Num(limit)!.Value : null,
            spec["paused"]?.GetValue<bool>() == true,
            spec["progressDeadlineSeconds"] is JsonNode deadline ? (int)PodTemplates.Num(deadline)!.Value : null,
            PodTemplates.Num(d["metadata"]?["generation"]) ?? 1);
    }
}

/// <summary>What the Deployment planner reads of one of its ReplicaSets.</summary>
public sealed record ReplicaSetView(
    string Name,
    int Replicas,
    int StatusReplicas,
    int ReadyReplicas,
    int AvailableReplicas,
    long Revision,
    DateTimeOffset Created,
    int? DesiredReplicasAnnotation,
    int? MaxReplicasAnnotation,
    long Generation = 1,
    long ObservedGeneration = 1,
    bool Deleting = false)
{
    public static ReplicaSetView From(JsonObject rs)
    {
        var annotations = rs["metadata"]?["annotations"] as JsonObject;
        return new ReplicaSetView(
            rs["metadata"]?["name"]?.GetValue<string>() ?? "",
            (int)(PodTemplates.Num(rs["spec"]?["replicas"]) ?? 1),
            Int(rs["status"]?["replicas"]),
            Int(rs["status"]?["readyReplicas"]),
            Int(rs["status"]?["availableReplicas"]),
            long.TryParse(annotations?[DeploymentView.RevisionAnnotation]?.GetValue<string>(), CultureInfo.InvariantCulture, out var r) ? r : 0,
            PodTemplates.Created(rs),
            ParseInt(annotations?[DeploymentView.DesiredReplicasAnnotation]),
            ParseInt(annotations?[DeploymentView.MaxReplicasAnnotation]),
            PodTemplates.Num(rs["metadata"]?["generation"]) ?? 1,
            PodTemplates.Num(rs["status"]?["observedGeneration"]) ?? 0,
            rs["metadata"]?["deletionTimestamp"] is not null);
    }

    private static int Int(JsonNode? n) => (int)(PodTemplates.Num(n) ?? 0);

    private static int? ParseInt(JsonNode? n) => int.TryParse(n?.GetValue<string>(), CultureInfo.InvariantCulture, out var v) ? v : null;
}

/// <summary>Set a ReplicaSet's spec.replicas; "up" or "down" names it in the ScalingReplicaSet event.</summary>
public sealed record ScaleAction(string Name, int From, int To)
{
    public string Operation => To > From ? "up" : "down";
}
