namespace Kura.Node.Runtime;

/// <summary>A bind (or special filesystem) mount inside a container.</summary>
public sealed record ContainerMount(string Destination, string Source, bool ReadOnly, string Type = "bind");

/// <summary>Everything runc needs to start one container instance.</summary>
public sealed record ContainerLaunch
{
    /// <summary>runc's container id (unique per instance on this node).</summary>
    public required string Id { get; init; }

    /// <summary>The bundle directory (config.json is written there).</summary>
    public required string BundleDirectory { get; init; }

    /// <summary>The merged root filesystem (an overlay of the image layers).</summary>
    public required string RootfsPath { get; init; }

    public required IReadOnlyList<string> Args { get; init; }

    public required IReadOnlyList<string> Env { get; init; }

    public string WorkingDirectory { get; init; } = "/";

    public string Hostname { get; init; } = "localhost";

    public long Uid { get; init; }

    public long Gid { get; init; }

    public IReadOnlyList<ContainerMount> Mounts { get; init; } = [];

    /// <summary>resources.limits.memory in bytes, when set.</summary>
    public long? MemoryLimitBytes { get; init; }

    /// <summary>resources.limits.cpu in millicores, when set (becomes a CFS quota).</summary>
    public long? CpuLimitMillis { get; init; }

    /// <summary>resources.requests.cpu in millicores (becomes cpu shares, as the kubelet does).</summary>
    public long? CpuRequestMillis { get; init; }

    /// <summary>The node's network namespace (null: the host's, which the node shares).</summary>
    public string? NetworkNamespacePath { get; init; }

    public bool Privileged { get; init; }

    public bool ReadOnlyRootFilesystem { get; init; }

    public IReadOnlyList<string> AddCapabilities { get; init; } = [];

    public IReadOnlyList<string> DropCapabilities { get; init; } = [];

    /// <summary>The cgroup path runc puts the container in.</summary>
    public string CgroupsPath { get; init; } = "";
}
