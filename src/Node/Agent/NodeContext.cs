using System.Text.Json.Nodes;
using Kura.Client;
using Kura.Node.Images;
using Kura.Node.Pods;
using Kura.Node.Runtime;
using Kura.Node.Volumes;

namespace Kura.Node.Agent;

/// <summary>What every pod worker on a node shares: the API, the runtime, images, volumes, events, paths.</summary>
public sealed class NodeContext
{
    public required string NodeName { get; init; }

    public required string NodeIp { get; init; }

    public required NodePaths Paths { get; init; }

    public required KubeClient Api { get; init; }

    public required Informer Pods { get; init; }

    public required RuncRuntime Runtime { get; init; }

    public required ImageStore Images { get; init; }

    public required VolumeManager Volumes { get; init; }

    public required ContainerEnvironment Environment { get; init; }

    public required NodeEvents Events { get; init; }

    public required TimeProvider Time { get; init; }

    /// <summary>The node's network namespace, when it has its own (null: the host's).</summary>
    public string? NetworkNamespacePath { get; init; }

    /// <summary>Whether any pod on this node other than <paramref name="exceptPodUid"/> still has the CSI volume published.</summary>
    public Func<CsiPublication, string, bool> VolumeInUseByOthers { get; set; } = (_, _) => false;

    /// <summary>Registries that could not be reached lately (until when), so pods with an image already
    /// on the node do not wait for them again at every start.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> UnreachableRegistries { get; } = new(StringComparer.Ordinal);

    public JsonObject? GetPod(string ns, string name) => Pods.Get(ns, name);
}
