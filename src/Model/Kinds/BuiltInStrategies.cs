using Kura.Model.Registry;

namespace Kura.Model.Kinds;

/// <summary>Create/update strategies (defaulting, validation) for the built-in kinds.</summary>
public static class BuiltInStrategies
{
    public static IResourceStrategy For(string group, string kind, bool hasStatus) => (group, kind) switch
    {
        ("", "PersistentVolume") => new PersistentVolumeStrategy(),
        ("", "PersistentVolumeClaim") => new PersistentVolumeClaimStrategy(),
        ("", "Namespace") => new NamespaceStrategy(),
        ("", "Secret") => new SecretStrategy(),
        ("", "Pod") => new PodStrategy(),
        ("", "Event") => new StrategyBase(hasStatus, namespaced: true, NameRule.PathSegment),
        ("", "Node") => new StrategyBase(hasStatus, namespaced: false),
        ("storage.k8s.io", "StorageClass") => new StorageClassStrategy(),
        ("storage.k8s.io", "CSIDriver") => new CsiDriverStrategy(),
        ("storage.k8s.io", "VolumeAttachment") => new VolumeAttachmentStrategy(),
        ("apps", "Deployment" or "ReplicaSet" or "StatefulSet" or "DaemonSet") => new WorkloadStrategy(kind),
        ("apiextensions.k8s.io", "CustomResourceDefinition") => new CustomResourceDefinitionStrategy(),
        ("rbac.authorization.k8s.io", _) => new StrategyBase(hasStatus, Namespaced(kind), NameRule.PathSegment),
        _ => new StrategyBase(hasStatus, Namespaced(kind)),
    };

    private static bool Namespaced(string kind) => kind is not ("Namespace" or "Node" or "PersistentVolume" or "ClusterRole" or "ClusterRoleBinding"
        or "StorageClass" or "CSIDriver" or "CSINode" or "VolumeAttachment" or "CustomResourceDefinition");
}
