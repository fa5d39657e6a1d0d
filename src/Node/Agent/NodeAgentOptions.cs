namespace Kura.Node.Agent;

/// <summary>How a node agent is started (`kura agent`, or by `kura serve` for each embedded node).</summary>
public sealed record NodeAgentOptions
{
    /// <summary>The Node's name.</summary>
    public required string NodeName { get; init; }

    /// <summary>The node's own state directory (pods, logs, runc state, CSI sockets).</summary>
    public required string Root { get; init; }

    /// <summary>The image store, shared by the nodes of one machine (like `kind load` into each node).</summary>
    public required string ImagesRoot { get; init; }

    /// <summary>The node's address (InternalIP); the streaming server listens on it.</summary>
    public string Address { get; init; } = "127.0.0.1";

    /// <summary>The streaming (exec/logs) port; 0 picks a free one.</summary>
    public int StreamingPort { get; init; }

    /// <summary>The bearer token the API server presents to this node's streaming endpoints.</summary>
    public required string StreamingToken { get; init; }

    /// <summary>topology.kubernetes.io/zone, when the node has one.</summary>
    public string? Zone { get; init; }

    /// <summary>Extra node labels (`key=value`).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>The node's network namespace (a path under /run/netns), or null for the host's.</summary>
    public string? NetworkNamespacePath { get; init; }

    /// <summary>How often the node renews its Lease (the kubelet's 10 s).</summary>
    public TimeSpan LeaseRenewInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The Lease's duration (the kubelet's 40 s).</summary>
    public int LeaseDurationSeconds { get; init; } = 40;

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
