namespace Kura.Node.Runtime;

/// <summary>
/// Where a container of a pod on this node lives, for the streaming server (logs, exec).
/// Log files are CRI-format (`{RFC3339Nano} {stdout|stderr} {F|P} {text}` per line, the kubelet's
/// format) at <c>{LogDirectory}/{restartCount}.log</c>; the running instance is
/// <see cref="RestartCount"/>, the previous one <c>RestartCount - 1</c>.
/// </summary>
/// <param name="PodUid">metadata.uid of the pod.</param>
/// <param name="ContainerName">The container's name in the pod spec.</param>
/// <param name="ContainerId">runc's id for the current instance (null when it never started).</param>
/// <param name="RuncRoot">The runc state directory of this node (`runc --root`).</param>
/// <param name="LogDirectory">Directory of this container's log files.</param>
/// <param name="RestartCount">How many times it has been restarted (the current log file's number).</param>
/// <param name="Running">Whether the current instance is running (exec needs that).</param>
public sealed record ContainerHandle(
    string PodUid,
    string ContainerName,
    string? ContainerId,
    string RuncRoot,
    string LogDirectory,
    int RestartCount,
    bool Running);

/// <summary>Finds the containers of the pods this node runs.</summary>
public interface IContainerDirectory
{
    /// <summary>The container, or null when this node runs no such pod or container.</summary>
    ContainerHandle? Find(string ns, string pod, string container);
}
