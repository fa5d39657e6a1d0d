namespace Kura.Controllers.Scheduling;

/// <summary>The taint keys, condition reasons and messages of kube-scheduler and the node lifecycle controllers, spelled once.</summary>
public static class SchedulingNames
{
    public const string DefaultScheduler = "default-scheduler";

    // k8s.io/api/core/v1 well-known taints.
    public const string TaintNotReady = "node.kubernetes.io/not-ready";
    public const string TaintUnreachable = "node.kubernetes.io/unreachable";
    public const string TaintUnschedulable = "node.kubernetes.io/unschedulable";
    public const string TaintMemoryPressure = "node.kubernetes.io/memory-pressure";
    public const string TaintDiskPressure = "node.kubernetes.io/disk-pressure";
    public const string TaintPidPressure = "node.kubernetes.io/pid-pressure";
    public const string TaintNetworkUnavailable = "node.kubernetes.io/network-unavailable";
    public const string TaintOutOfService = "node.kubernetes.io/out-of-service";

    public const string NoSchedule = "NoSchedule";
    public const string PreferNoSchedule = "PreferNoSchedule";
    public const string NoExecute = "NoExecute";

    // Filter reasons (pkg/scheduler/framework/plugins/*), v1.32 wording.
    public const string ReasonUnschedulable = "node(s) were unschedulable";
    public const string ReasonNodeAffinity = "node(s) didn't match Pod's node affinity/selector";
    public const string ReasonTooManyPods = "Too many pods";
    public const string ReasonVolumeNodeConflict = "node(s) had volume node affinity conflict";
    public const string ReasonVolumeBindConflict = "node(s) didn't find available persistent volumes to bind";
    public const string ReasonPvNotExist = "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)";
    public const string ReasonUnboundImmediate = "pod has unbound immediate PersistentVolumeClaims";
    public const string NoNodesAvailable = "no nodes available to schedule pods";
    public const string PreemptionNotHelpful = "Preemption is not helpful for scheduling";
    public const string NoPreemptionVictims = "No preemption victims found for incoming pod";

    // Node lifecycle controller (pkg/controller/nodelifecycle).
    public const string NodeStatusUnknown = "NodeStatusUnknown";
    public const string NodeStatusUnknownMessage = "Kubelet stopped posting node status.";
    public const string NodeStatusNeverUpdated = "NodeStatusNeverUpdated";
    public const string NodeStatusNeverUpdatedMessage = "Kubelet never posted node status.";

    /// <summary>The conditions the lifecycle controller turns Unknown when the kubelet goes silent.</summary>
    public static readonly string[] MonitoredConditions = ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"];

    public static string Untolerated(Taint taint) => $"node(s) had untolerated taint {{{taint.Key}: {taint.Value}}}";

    public static string Insufficient(string resource) => $"Insufficient {resource}";
}
