using Kura.Model.Kinds;
using Kura.Model.Printing;

namespace Kura.Model.Registry;

/// <summary>
/// The built-in kinds Kura serves, with the names, scopes, short names and subresources
/// Kubernetes gives them (the discovery documents of kube-apiserver v1.32).
/// </summary>
public static class BuiltInKinds
{
    private sealed record Row(string Group, string Version, string Kind, string Plural, bool Namespaced, string[] ShortNames, bool Status = false, bool All = false, ScaleSubresource? Scale = null, string[]? Extra = null, string? SchemaPackage = null);

    private static readonly ScaleSubresource ReplicasScale = new(".spec.replicas", ".status.replicas", ".status.labelSelector");

    private static readonly Row[] Rows =
    [
        new("", "v1", "Namespace", "namespaces", false, ["ns"], Status: true, Extra: ["finalize"]),
        new("", "v1", "Node", "nodes", false, ["no"], Status: true, Extra: ["proxy"]),
        new("", "v1", "PersistentVolume", "persistentvolumes", false, ["pv"], Status: true),
        new("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true, ["pvc"], Status: true),
        new("", "v1", "Pod", "pods", true, ["po"], Status: true, All: true, Extra: ["log", "exec", "binding", "eviction", "attach", "portforward", "proxy", "ephemeralcontainers"]),
        new("", "v1", "ConfigMap", "configmaps", true, ["cm"]),
        new("", "v1", "Secret", "secrets", true, []),
        new("", "v1", "Event", "events", true, ["ev"]),
        new("", "v1", "Service", "services", true, ["svc"], Status: true, All: true),
        new("", "v1", "ServiceAccount", "serviceaccounts", true, ["sa"]),
        new("", "v1", "Endpoints", "endpoints", true, ["ep"]),
        new("", "v1", "ResourceQuota", "resourcequotas", true, ["quota"], Status: true),
        new("", "v1", "LimitRange", "limitranges", true, ["limits"]),
        new("storage.k8s.io", "v1", "StorageClass", "storageclasses", false, ["sc"], SchemaPackage: "io.k8s.api.storage.v1"),
        new("storage.k8s.io", "v1", "CSIDriver", "csidrivers", false, [], SchemaPackage: "io.k8s.api.storage.v1"),
        new("storage.k8s.io", "v1", "CSINode", "csinodes", false, [], SchemaPackage: "io.k8s.api.storage.v1"),
        new("storage.k8s.io", "v1", "VolumeAttachment", "volumeattachments", false, [], Status: true, SchemaPackage: "io.k8s.api.storage.v1"),
        new("storage.k8s.io", "v1", "CSIStorageCapacity", "csistoragecapacities", true, [], SchemaPackage: "io.k8s.api.storage.v1"),
        new("apps", "v1", "Deployment", "deployments", true, ["deploy"], Status: true, All: true, Scale: ReplicasScale),
        new("apps", "v1", "ReplicaSet", "replicasets", true, ["rs"], Status: true, All: true, Scale: ReplicasScale),
        new("apps", "v1", "StatefulSet", "statefulsets", true, ["sts"], Status: true, All: true, Scale: ReplicasScale),
        new("apps", "v1", "DaemonSet", "daemonsets", true, ["ds"], Status: true, All: true),
        new("apps", "v1", "ControllerRevision", "controllerrevisions", true, []),
        new("coordination.k8s.io", "v1", "Lease", "leases", true, []),
        new("events.k8s.io", "v1", "Event", "events", true, ["ev"]),
        new("rbac.authorization.k8s.io", "v1", "Role", "roles", true, []),
        new("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true, []),
        new("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false, []),
        new("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false, []),
        new("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false, ["crd", "crds"], Status: true),
    ];

    /// <summary>Creates the resource types of all built-in kinds.</summary>
    public static IReadOnlyList<ResourceType> Create() => [.. Rows.Select(ToType)];

    /// <summary>Kubernetes' OpenAPI definition name for a built-in kind, e.g. io.k8s.api.core.v1.Pod.</summary>
    public static string SchemaNameOf(string group, string version, string kind) => group switch
    {
        "" => $"io.k8s.api.core.{version}.{kind}",
        "apiextensions.k8s.io" => $"io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.{version}.{kind}",
        _ => $"io.k8s.api.{group.Split('.')[0]}.{version}.{kind}",
    };

    private static ResourceType ToType(Row r)
    {
        var categories = r.All ? new[] { "all" } : [];
        var verbs = r.Kind is "Namespace" ? ["create", "delete", "get", "list", "patch", "update", "watch"] : ResourceType.StandardVerbs;
        return new ResourceType
        {
            Group = r.Group,
            Version = r.Version,
            Kind = r.Kind,
            Plural = r.Plural,
            Singular = r.Kind.ToLowerInvariant(),
            Namespaced = r.Namespaced,
            ShortNames = r.ShortNames,
            Categories = categories,
            Verbs = verbs,
            HasStatus = r.Status,
            Scale = r.Scale,
            ExtraSubresources = r.Extra ?? [],
            SchemaName = SchemaNameOf(r.Group, r.Version, r.Kind),
            Strategy = BuiltInStrategies.For(r.Group, r.Kind, r.Status),
            Printer = BuiltInPrinters.For(r.Group, r.Kind),
        };
    }
}
