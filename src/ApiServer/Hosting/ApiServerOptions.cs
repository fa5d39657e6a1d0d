namespace Kura.ApiServer.Hosting;

/// <summary>Everything needed to start the embedded API server. Defaults are for one machine.</summary>
public sealed record ApiServerOptions
{
    /// <summary>Where the store, PKI and token live ($KURA_HOME/server).</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Address to listen on: loopback unless told otherwise.</summary>
    public string BindAddress { get; init; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free one (tests).</summary>
    public int Port { get; init; } = 6443;

    /// <summary>More addresses to listen on with the same port (e.g. the bridge the nodes' namespaces reach).</summary>
    public IReadOnlyList<string> AdditionalListenAddresses { get; init; } = [];

    /// <summary>Extra names or addresses for the serving certificate.</summary>
    public IReadOnlyList<string> ExtraSans { get; init; } = [];

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>CSI drivers the embedded control plane provisions with (driver name → endpoint).</summary>
    public IReadOnlyList<CsiDriverEndpoint> CsiDrivers { get; init; } = [];

    /// <summary>Install a default StorageClass for the first driver (what `kura up` does, like k3s and kind).</summary>
    public bool InstallDefaultStorageClass { get; init; }

    /// <summary>The default class's volumeBindingMode: WaitForFirstConsumer (nodes run pods), or
    /// Immediate for a control plane without nodes.</summary>
    public string DefaultClassBindingMode { get; init; } = "WaitForFirstConsumer";

    /// <summary>How long a node may stay silent (no Lease renewal) before it is marked NotReady/Unknown
    /// (kube-controller-manager --node-monitor-grace-period, 40 s by default).</summary>
    public TimeSpan NodeMonitorGracePeriod { get; init; } = TimeSpan.FromSeconds(40);

    /// <summary>The tolerationSeconds the DefaultTolerationSeconds admission plugin gives pods for the
    /// not-ready and unreachable taints (300 s in Kubernetes; `kura up` may choose a shorter one).</summary>
    public long DefaultTolerationSeconds { get; init; } = 300;
}

/// <summary>A CSI driver reachable by the control plane, and the node it serves.</summary>
public sealed record CsiDriverEndpoint(string Name, string Endpoint, string NodeId, string TopologyKey);
