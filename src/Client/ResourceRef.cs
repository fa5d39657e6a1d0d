namespace Kura.Client;

/// <summary>Where a resource lives in the REST API: group, version, plural and scope.</summary>
public sealed record ResourceRef(string Group, string Version, string Plural, bool Namespaced)
{
    public static readonly ResourceRef Namespaces = new("", "v1", "namespaces", false);
    public static readonly ResourceRef PersistentVolumes = new("", "v1", "persistentvolumes", false);
    public static readonly ResourceRef PersistentVolumeClaims = new("", "v1", "persistentvolumeclaims", true);
    public static readonly ResourceRef Pods = new("", "v1", "pods", true);
    public static readonly ResourceRef Events = new("", "v1", "events", true);
    public static readonly ResourceRef Nodes = new("", "v1", "nodes", false);
    public static readonly ResourceRef ConfigMaps = new("", "v1", "configmaps", true);
    public static readonly ResourceRef Secrets = new("", "v1", "secrets", true);
    public static readonly ResourceRef StorageClasses = new("storage.k8s.io", "v1", "storageclasses", false);
    public static readonly ResourceRef CsiDrivers = new("storage.k8s.io", "v1", "csidrivers", false);
    public static readonly ResourceRef CsiNodes = new("storage.k8s.io", "v1", "csinodes", false);
    public static readonly ResourceRef VolumeAttachments = new("storage.k8s.io", "v1", "volumeattachments", false);
    public static readonly ResourceRef Leases = new("coordination.k8s.io", "v1", "leases", true);

    /// <summary>The collection path, e.g. /api/v1/namespaces/ns/persistentvolumeclaims.</summary>
    public string CollectionPath(string? ns)
    {
        var root = Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}";
        return Namespaced && !string.IsNullOrEmpty(ns) ? $"{root}/namespaces/{Uri.EscapeDataString(ns)}/{Plural}" : $"{root}/{Plural}";
    }

    public string ItemPath(string? ns, string name, string? subresource = null) =>
        $"{CollectionPath(ns)}/{Uri.EscapeDataString(name)}{(subresource is null ? "" : "/" + subresource)}";
}
