namespace Kura.Node.Pods;

/// <summary>A container's state as the pod status reports it (v1.ContainerState).</summary>
public abstract record ContainerStateView;

public sealed record WaitingState(string Reason, string? Message = null) : ContainerStateView;

public sealed record RunningState(DateTimeOffset StartedAt) : ContainerStateView;

public sealed record TerminatedState(int ExitCode, string Reason, string? Message, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, string? ContainerId) : ContainerStateView;

/// <summary>What the node knows about one container of a pod, for the status.</summary>
public sealed record ContainerView(
    string Name,
    string Image,
    string ImageId,
    ContainerStateView State,
    TerminatedState? LastTerminated,
    int RestartCount,
    bool Ready,
    string? ContainerId);
