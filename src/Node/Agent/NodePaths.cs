namespace Kura.Node.Agent;

/// <summary>
/// Where a node keeps its state, mirroring the kubelet's /var/lib/kubelet and /var/log/pods
/// layout under one root per node, so several nodes can share a machine.
/// </summary>
public sealed record NodePaths(string Root)
{
    /// <summary>runc's state directory (`runc --root`): exactly this node's containers.</summary>
    public string RuncRoot => Path.Combine(Root, "runc");

    public string PodsDirectory => Path.Combine(Root, "pods");

    public string LogsDirectory => Path.Combine(Root, "logs");

    /// <summary>Where this node's CSI driver listens (the kubelet's plugins directory).</summary>
    public string CsiSocket(string driver) => Path.Combine(Root, "plugins", driver, "csi.sock");

    public string CsiDataDirectory(string driver) => Path.Combine(Root, "plugins-data", driver);

    public string PodDirectory(string uid) => Path.Combine(PodsDirectory, uid);

    /// <summary>/var/log/pods/{namespace}_{name}_{uid}/{container}</summary>
    public string ContainerLogDirectory(string ns, string pod, string uid, string container) =>
        Path.Combine(LogsDirectory, $"{ns}_{pod}_{uid}", container);

    public string PidFile => Path.Combine(Root, "agent.pid");

    /// <summary>Present while the node is stopped on purpose (`kura node stop`): nobody restarts it.</summary>
    public string StoppedMarker => Path.Combine(Root, "stopped");
}
