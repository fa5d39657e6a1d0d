namespace Kura.Model.Tests.Printing;

/// <summary>PV, PVC and storage.k8s.io rows (reference/kubernetes.md §2.12).</summary>
public sealed class StoragePrinterTests
{
    private const string Created = "\"creationTimestamp\":\"2025-01-01T11:55:00Z\"";

    public static TheoryData<string, object?[]> PersistentVolumes => new()
    {
        {
            $$$"""{"metadata":{"name":"pv-1",{{{Created}}}},"spec":{"capacity":{"storage":"5Gi"},"accessModes":["ReadWriteOnce"],"persistentVolumeReclaimPolicy":"Delete","storageClassName":"kura-local","volumeMode":"Filesystem","claimRef":{"kind":"PersistentVolumeClaim","namespace":"default","name":"data"}},"status":{"phase":"Bound"}}""",
            ["pv-1", "5Gi", "RWO", "Delete", "Bound", "default/data", "kura-local", "<unset>", "", "5m", "Filesystem"]
        },
        {
            // Access modes in Kubernetes' order whatever the spec order; duplicates dropped.
            $$$"""{"metadata":{"name":"pv-2",{{{Created}}}},"spec":{"capacity":{"storage":"1Ti"},"accessModes":["ReadWriteOncePod","ReadWriteMany","ReadOnlyMany","ReadWriteOnce","ReadOnlyMany"],"persistentVolumeReclaimPolicy":"Retain","volumeAttributesClassName":"gold"},"status":{"phase":"Failed","reason":"VolumeFailedDelete"}}""",
            ["pv-2", "1Ti", "RWO,ROX,RWX,RWOP", "Retain", "Failed", "", "", "gold", "VolumeFailedDelete", "5m", "<unset>"]
        },
        {
            // Deleting: Terminating; the beta storage-class annotation wins over spec.storageClassName.
            $$$"""{"metadata":{"name":"pv-3",{{{Created}}},"deletionTimestamp":"2025-01-01T11:59:00Z","annotations":{"volume.beta.kubernetes.io/storage-class":"legacy"}},"spec":{"capacity":{"storage":"100Mi"},"accessModes":["ReadWriteMany"],"persistentVolumeReclaimPolicy":"Recycle","storageClassName":"modern","volumeMode":"Block"},"status":{"phase":"Released"}}""",
            ["pv-3", "100Mi", "RWX", "Recycle", "Terminating", "", "legacy", "<unset>", "", "5m", "Block"]
        },
        {
            """{"metadata":{"name":"bare"}}""",
            ["bare", "0", "", "", "", "", "", "<unset>", "", "<unknown>", "<unset>"]
        },
    };

    [Theory]
    [MemberData(nameof(PersistentVolumes))]
    public void Row_PersistentVolume_MatchesPrintPersistentVolume(string json, object?[] expected)
    {
        Assert.Equal(expected, PrintingKit.Row("", "PersistentVolume", json));
    }

    public static TheoryData<string, object?[]> PersistentVolumeClaims => new()
    {
        {
            // Pending: no volume, so CAPACITY and ACCESS MODES stay empty even though status carries values.
            $$$"""{"metadata":{"name":"data","namespace":"default",{{{Created}}}},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}},"storageClassName":"kura-local","volumeMode":"Filesystem"},"status":{"phase":"Pending","capacity":{"storage":"9Gi"},"accessModes":["ReadWriteOnce"]}}""",
            ["data", "Pending", "", "", "", "kura-local", "<unset>", "5m", "Filesystem"]
        },
        {
            $$$"""{"metadata":{"name":"data","namespace":"default",{{{Created}}}},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}},"storageClassName":"kura-local","volumeName":"pvc-0d4f","volumeMode":"Filesystem","volumeAttributesClassName":"fast"},"status":{"phase":"Bound","capacity":{"storage":"2Gi"},"accessModes":["ReadOnlyMany","ReadWriteOnce"]}}""",
            ["data", "Bound", "pvc-0d4f", "2Gi", "RWO,ROX", "kura-local", "fast", "5m", "Filesystem"]
        },
        {
            // Bound by name before status is written: capacity is the zero quantity.
            $$$"""{"metadata":{"name":"pre","namespace":"default",{{{Created}}},"deletionTimestamp":"2025-01-01T11:59:00Z","annotations":{"volume.beta.kubernetes.io/storage-class":""}},"spec":{"volumeName":"pv-x","storageClassName":"ignored"},"status":{"phase":"Bound"}}""",
            ["pre", "Terminating", "pv-x", "0", "", "", "<unset>", "5m", "<unset>"]
        },
    };

    [Theory]
    [MemberData(nameof(PersistentVolumeClaims))]
    public void Row_PersistentVolumeClaim_MatchesPrintPersistentVolumeClaim(string json, object?[] expected)
    {
        Assert.Equal(expected, PrintingKit.Row("", "PersistentVolumeClaim", json));
    }

    public static TheoryData<string, object?[]> StorageClasses => new()
    {
        {
            $$$"""{"metadata":{"name":"kura-local",{{{Created}}},"annotations":{"storageclass.kubernetes.io/is-default-class":"true"}},"provisioner":"local.csi.kura.io","reclaimPolicy":"Delete","volumeBindingMode":"WaitForFirstConsumer","allowVolumeExpansion":true}""",
            ["kura-local (default)", "local.csi.kura.io", "Delete", "WaitForFirstConsumer", true, "5m"]
        },
        {
            $$$"""{"metadata":{"name":"old",{{{Created}}},"annotations":{"storageclass.beta.kubernetes.io/is-default-class":"true"}},"provisioner":"example.com/x","reclaimPolicy":"Retain"}""",
            ["old (default)", "example.com/x", "Retain", "Immediate", false, "5m"]
        },
        {
            $$$"""{"metadata":{"name":"manual",{{{Created}}},"annotations":{"storageclass.kubernetes.io/is-default-class":"True"}},"provisioner":"kubernetes.io/no-provisioner","allowVolumeExpansion":false}""",
            ["manual", "kubernetes.io/no-provisioner", "Delete", "Immediate", false, "5m"]
        },
    };

    [Theory]
    [MemberData(nameof(StorageClasses))]
    public void Row_StorageClass_MatchesPrintStorageClass(string json, object?[] expected)
    {
        Assert.Equal(expected, PrintingKit.Row("storage.k8s.io", "StorageClass", json));
    }

    public static TheoryData<string, object?[]> CsiDrivers => new()
    {
        {
            $$$"""{"metadata":{"name":"local.csi.kura.io",{{{Created}}}},"spec":{"attachRequired":false,"podInfoOnMount":true,"storageCapacity":true,"volumeLifecycleModes":["Persistent","Ephemeral"],"tokenRequests":[{"audience":"vault"},{"audience":"gcp","expirationSeconds":3600}],"requiresRepublish":true}}""",
            ["local.csi.kura.io", false, true, true, "vault,gcp", true, "Persistent,Ephemeral", "5m"]
        },
        {
            $$$"""{"metadata":{"name":"plain",{{{Created}}}},"spec":{}}""",
            ["plain", true, false, false, "<unset>", false, "<none>", "5m"]
        },
        {
            $$$"""{"metadata":{"name":"empty-tokens",{{{Created}}}},"spec":{"tokenRequests":[]}}""",
            ["empty-tokens", true, false, false, "", false, "<none>", "5m"]
        },
    };

    [Theory]
    [MemberData(nameof(CsiDrivers))]
    public void Row_CsiDriver_PrintsBooleansAndDefaults(string json, object?[] expected)
    {
        Assert.Equal(expected, PrintingKit.Row("storage.k8s.io", "CSIDriver", json));
    }

    [Fact]
    public void Row_CsiNode_CountsDrivers()
    {
        var json = $$$"""{"metadata":{"name":"node-1",{{{Created}}}},"spec":{"drivers":[{"name":"local.csi.kura.io","nodeID":"node-1"},{"name":"other","nodeID":"n"}]}}""";
        Assert.Equal(["node-1", 2L, "5m"], PrintingKit.Row("storage.k8s.io", "CSINode", json));
    }

    [Theory]
    [InlineData("""{"attached":true}""", true)]
    [InlineData("""{"attached":false,"attachError":{"message":"boom"}}""", false)]
    [InlineData("{}", false)]
    public void Row_VolumeAttachment_PrintsAttachedFlag(string status, bool attached)
    {
        var json = $$$"""{"metadata":{"name":"csi-3f2a",{{{Created}}}},"spec":{"attacher":"local.csi.kura.io","nodeName":"node-1","source":{"persistentVolumeName":"pv-1"}},"status":{{{status}}}}""";
        Assert.Equal(["csi-3f2a", "local.csi.kura.io", "pv-1", "node-1", attached, "5m"], PrintingKit.Row("storage.k8s.io", "VolumeAttachment", json));
    }

    [Fact]
    public void Row_InlineVolumeAttachment_LeavesPvEmpty()
    {
        var json = """{"metadata":{"name":"csi-inline"},"spec":{"attacher":"d","nodeName":"n","source":{"inlineVolumeSpec":{}}}}""";
        Assert.Equal(["csi-inline", "d", "", "n", false, "<unknown>"], PrintingKit.Row("storage.k8s.io", "VolumeAttachment", json));
    }

    [Theory]
    [InlineData(""","capacity":"100Gi" """, "100Gi")]
    [InlineData("", "<unset>")]
    public void Row_CsiStorageCapacity_PrintsCapacityOrUnset(string capacity, string expected)
    {
        var json = $$$"""{"metadata":{"name":"csisc-7x",{{{Created}}}},"storageClassName":"kura-local","nodeTopology":{}{{{capacity}}}}""";
        Assert.Equal(["csisc-7x", "kura-local", expected], PrintingKit.Row("storage.k8s.io", "CSIStorageCapacity", json));
    }
}
