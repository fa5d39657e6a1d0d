namespace Kura.Controllers.Volumes;

/// <summary>The annotations, finalizers and event reasons of Kubernetes' volume controllers, spelled once.</summary>
public static class StorageNames
{
    public const string BindCompleted = "pv.kubernetes.io/bind-completed";
    public const string BoundByController = "pv.kubernetes.io/bound-by-controller";
    public const string ProvisionedBy = "pv.kubernetes.io/provisioned-by";
    public const string StorageProvisioner = "volume.kubernetes.io/storage-provisioner";
    public const string BetaStorageProvisioner = "volume.beta.kubernetes.io/storage-provisioner";
    public const string SelectedNode = "volume.kubernetes.io/selected-node";
    public const string BetaStorageClass = "volume.beta.kubernetes.io/storage-class";
    public const string NoProvisioner = "kubernetes.io/no-provisioner";
    public const string ControllerName = "persistentvolume-controller";
}

/// <summary>An event to record on an object: type (Normal/Warning), reason and message.</summary>
public sealed record PlannedEvent(string Type, string Reason, string Message)
{
    public static PlannedEvent Normal(string reason, string message) => new("Normal", reason, message);

    public static PlannedEvent Warning(string reason, string message) => new("Warning", reason, message);
}
