using Kura.Model.Printing;

namespace Kura.Model.Tests.Printing;

/// <summary>
/// Column names, types, formats and priorities exactly as printers.go declares them
/// (and the apiserver's default NAME / CREATED AT table for kinds it does not print).
/// </summary>
public sealed class ColumnDefinitionTests
{
    private const string NameCol = "Name|string|name|0";
    private const string AgeCol = "Age|string||0";

    public static TheoryData<string, string, string[]> Kinds => new()
    {
        { "", "Namespace", [NameCol, "Status|string||0", AgeCol] },
        { "", "Node", [NameCol, "Status|string||0", "Roles|string||0", AgeCol, "Version|string||0", "Internal-IP|string||1", "External-IP|string||1", "OS-Image|string||1", "Kernel-Version|string||1", "Container-Runtime|string||1"] },
        { "", "PersistentVolume", [NameCol, "Capacity|string||0", "Access Modes|string||0", "Reclaim Policy|string||0", "Status|string||0", "Claim|string||0", "StorageClass|string||0", "VolumeAttributesClass|string||0", "Reason|string||0", AgeCol, "VolumeMode|string||1"] },
        { "", "PersistentVolumeClaim", [NameCol, "Status|string||0", "Volume|string||0", "Capacity|string||0", "Access Modes|string||0", "StorageClass|string||0", "VolumeAttributesClass|string||0", AgeCol, "VolumeMode|string||1"] },
        { "", "Pod", [NameCol, "Ready|string||0", "Status|string||0", "Restarts|string||0", AgeCol, "IP|string||1", "Node|string||1", "Nominated Node|string||1", "Readiness Gates|string||1"] },
        { "", "ConfigMap", [NameCol, "Data|string||0", AgeCol] },
        { "", "Secret", [NameCol, "Type|string||0", "Data|string||0", AgeCol] },
        { "", "Event", ["Last Seen|string||0", "Type|string||0", "Reason|string||0", "Object|string||0", "Subobject|string||1", "Source|string||1", "Message|string||0", "First Seen|string||1", "Count|string||1", "Name|string|name|1"] },
        { "events.k8s.io", "Event", ["Last Seen|string||0", "Type|string||0", "Reason|string||0", "Object|string||0", "Subobject|string||1", "Source|string||1", "Message|string||0", "First Seen|string||1", "Count|string||1", "Name|string|name|1"] },
        { "", "Service", [NameCol, "Type|string||0", "Cluster-IP|string||0", "External-IP|string||0", "Port(s)|string||0", AgeCol, "Selector|string||1"] },
        { "", "ServiceAccount", [NameCol, "Secrets|string||0", AgeCol] },
        { "", "Endpoints", [NameCol, "Endpoints|string||0", AgeCol] },
        { "", "ResourceQuota", [NameCol, "Request|string||0", "Limit|string||0", AgeCol] },
        { "", "LimitRange", [NameCol, "Created At|date||0"] },
        { "storage.k8s.io", "StorageClass", [NameCol, "Provisioner|string||0", "ReclaimPolicy|string||0", "VolumeBindingMode|string||0", "AllowVolumeExpansion|string||0", AgeCol] },
        { "storage.k8s.io", "CSIDriver", [NameCol, "AttachRequired|boolean||0", "PodInfoOnMount|boolean||0", "StorageCapacity|boolean||0", "TokenRequests|string||0", "RequiresRepublish|boolean||0", "Modes|string||0", AgeCol] },
        { "storage.k8s.io", "CSINode", [NameCol, "Drivers|integer||0", AgeCol] },
        { "storage.k8s.io", "VolumeAttachment", [NameCol, "Attacher|string|name|0", "PV|string||0", "Node|string||0", "Attached|boolean||0", AgeCol] },
        { "storage.k8s.io", "CSIStorageCapacity", [NameCol, "StorageClassName|string||0", "Capacity|string||0"] },
        { "apps", "Deployment", [NameCol, "Ready|string||0", "Up-to-date|string||0", "Available|string||0", AgeCol, "Containers|string||1", "Images|string||1", "Selector|string||1"] },
        { "apps", "ReplicaSet", [NameCol, "Desired|integer||0", "Current|integer||0", "Ready|integer||0", AgeCol, "Containers|string||1", "Images|string||1", "Selector|string||1"] },
        { "apps", "StatefulSet", [NameCol, "Ready|string||0", AgeCol, "Containers|string||1", "Images|string||1"] },
        { "apps", "DaemonSet", [NameCol, "Desired|integer||0", "Current|integer||0", "Ready|integer||0", "Up-to-date|integer||0", "Available|integer||0", "Node Selector|string||0", AgeCol, "Containers|string||1", "Images|string||1", "Selector|string||1"] },
        { "apps", "ControllerRevision", [NameCol, "Controller|string||0", "Revision|string||0", AgeCol] },
        { "coordination.k8s.io", "Lease", [NameCol, "Holder|string||0", AgeCol] },
        { "rbac.authorization.k8s.io", "Role", [NameCol, "Created At|date||0"] },
        { "rbac.authorization.k8s.io", "RoleBinding", [NameCol, "Role|string||0", AgeCol, "Users|string||1", "Groups|string||1", "ServiceAccounts|string||1"] },
        { "rbac.authorization.k8s.io", "ClusterRole", [NameCol, "Created At|date||0"] },
        { "rbac.authorization.k8s.io", "ClusterRoleBinding", [NameCol, "Role|string||0", AgeCol, "Users|string||1", "Groups|string||1", "ServiceAccounts|string||1"] },
        { "apiextensions.k8s.io", "CustomResourceDefinition", [NameCol, "Created At|date||0"] },
        { "example.com", "Widget", [NameCol, AgeCol] },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Columns_BuiltInKind_MatchPrintersGo(string group, string kind, string[] expected)
    {
        Assert.Equal(expected, PrintingKit.Columns(group, kind));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Columns_BuiltInKind_HaveDescriptions(string group, string kind, string[] expected)
    {
        _ = expected;
        Assert.All(BuiltInPrinters.For(group, kind).Columns, c => Assert.False(string.IsNullOrWhiteSpace(c.Description), c.Name));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Row_EmptyObject_HasOneCellPerColumn(string group, string kind, string[] expected)
    {
        var row = PrintingKit.Row(group, kind, """{"metadata":{"name":"x"}}""");
        Assert.Equal(expected.Length, row.Length);
    }

    [Fact]
    public void For_UnknownKind_ReturnsDefaultPrinter()
    {
        Assert.Same(DefaultPrinter.Instance, BuiltInPrinters.For("", "Widget"));
        Assert.Same(DefaultPrinter.Instance, BuiltInPrinters.For("apps", "Pod"));
    }
}
