using Kura.ApiServer.Tests.Fixtures;

namespace Kura.ApiServer.Tests.Kubectl;

/// <summary>PV, PVC and StorageClass through the real kubectl, as the seeds use them.</summary>
public sealed class StorageKubectlTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string ThreeVolumes = """
        apiVersion: v1
        kind: PersistentVolume
        metadata:
          name: pv-10
          labels: {size: small}
        spec:
          capacity: {storage: 10Gi}
          accessModes: [ReadWriteOnce]
          hostPath: {path: /tmp/kura-pv-10}
        ---
        apiVersion: v1
        kind: PersistentVolume
        metadata:
          name: pv-20
        spec:
          capacity: {storage: 20Gi}
          accessModes: [ReadWriteOnce, ReadOnlyMany]
          persistentVolumeReclaimPolicy: Delete
          hostPath: {path: /tmp/kura-pv-20}
        ---
        apiVersion: v1
        kind: PersistentVolume
        metadata:
          name: pv-50
        spec:
          capacity: {storage: 50Gi}
          accessModes: [ReadWriteOnce]
          storageClassName: manual
          hostPath: {path: /tmp/kura-pv-50}
        """;

    [Fact]
    public async Task ApplyThreeVolumes_GetShowsKubernetesColumns()
    {
        var applied = (await server.ApplyAsync(ThreeVolumes)).Ok();
        Assert.Contains("persistentvolume/pv-10 created", applied.Stdout, StringComparison.Ordinal);
        var r = (await server.KubectlAsync("get", "pv")).Ok();
        var header = TableText.Rows(r.Stdout)[0];
        Assert.Equal(["NAME", "CAPACITY", "ACCESS MODES", "RECLAIM POLICY", "STATUS", "CLAIM", "STORAGECLASS", "VOLUMEATTRIBUTESCLASS", "REASON", "AGE"], header);
        var pv20 = TableText.Row(r.Stdout, "pv-20");
        Assert.Equal("20Gi", pv20["CAPACITY"]);
        Assert.Equal("RWO,ROX", pv20["ACCESS MODES"]);
        Assert.Equal("Delete", pv20["RECLAIM POLICY"]);
        Assert.Equal("Retain", TableText.Row(r.Stdout, "pv-10")["RECLAIM POLICY"]);

        var again = (await server.ApplyAsync(ThreeVolumes)).Ok();
        Assert.Contains("persistentvolume/pv-10 unchanged", again.Stdout, StringComparison.Ordinal);

        var labelled = (await server.KubectlAsync("get", "pv", "-l", "size=small", "-o", "name")).Ok();
        Assert.Equal("persistentvolume/pv-10", labelled.Stdout.Trim());
    }

    [Fact]
    public async Task ReapplyChangedClaim_IsConfigured()
    {
        const string claim = """
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata:
              name: data-reapply
              labels: {app: demo}
            spec:
              accessModes: [ReadWriteOnce]
              storageClassName: no-such-class
              resources: {requests: {storage: 1Gi}}
            """;
        Assert.Contains("persistentvolumeclaim/data-reapply created", (await server.ApplyAsync(claim)).Ok().Stdout, StringComparison.Ordinal);
        var changed = claim.Replace("app: demo", "app: demo2", StringComparison.Ordinal);
        Assert.Contains("persistentvolumeclaim/data-reapply configured", (await server.ApplyAsync(changed)).Ok().Stdout, StringComparison.Ordinal);
        var label = (await server.KubectlAsync("get", "pvc", "data-reapply", "-o", "jsonpath={.metadata.labels.app}")).Ok();
        Assert.Equal("demo2", label.Stdout);
        var table = (await server.KubectlAsync("get", "pvc", "data-reapply")).Ok();
        Assert.Equal("Pending", TableText.Row(table.Stdout, "data-reapply")["STATUS"]);
    }

    [Fact]
    public async Task InvalidVolume_RefusedWithFieldPath()
    {
        const string bad = """
            apiVersion: v1
            kind: PersistentVolume
            metadata: {name: bad}
            spec:
              accessModes: [ReadWriteOnce]
              hostPath: {path: /tmp/bad}
            """;
        var r = await server.ApplyAsync(bad);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("The PersistentVolume \"bad\" is invalid", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("spec.capacity: Required value", r.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, (await server.KubectlAsync("get", "pv", "bad")).ExitCode);
    }

    [Fact]
    public async Task UnknownField_StrictValidationRejects()
    {
        const string typo = """
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: typo}
            spec:
              accessModes: [ReadWriteOnce]
              resourcez: {requests: {storage: 1Gi}}
            """;
        var r = await server.ApplyAsync(typo);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("unknown field \"spec.resourcez\"", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DefaultStorageClass_FilledIntoClaimsWithoutClass()
    {
        const string classes = """
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata:
              name: standard-default
              annotations: {storageclass.kubernetes.io/is-default-class: "true"}
            provisioner: example.com/none
            ---
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: gets-default, namespace: sc-test}
            spec:
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: 1Gi}}
            ---
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: explicit-empty, namespace: sc-test}
            spec:
              accessModes: [ReadWriteOnce]
              storageClassName: ""
              resources: {requests: {storage: 1Gi}}
            """;
        (await server.KubectlAsync("create", "namespace", "sc-test")).Ok();
        (await server.ApplyAsync(classes)).Ok();
        var sc = (await server.KubectlAsync("get", "sc")).Ok();
        var row = TableText.Row(sc.Stdout, "standard-default (default)");
        Assert.Equal("example.com/none", row["PROVISIONER"]);
        Assert.Equal("Delete", row["RECLAIMPOLICY"]);
        Assert.Equal("Immediate", row["VOLUMEBINDINGMODE"]);
        Assert.Equal("false", row["ALLOWVOLUMEEXPANSION"]);
        var classOf = (await server.KubectlAsync("get", "pvc", "-n", "sc-test", "-o", "jsonpath={range .items[*]}{.metadata.name}={.spec.storageClassName};{end}")).Ok();
        Assert.Equal("explicit-empty=;gets-default=standard-default;", classOf.Stdout);
        (await server.KubectlAsync("delete", "sc", "standard-default")).Ok();
    }

    [Fact]
    public async Task DeleteClaim_ProtectionFinalizerReleasedWithoutPods()
    {
        const string claim = """
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: to-delete}
            spec:
              accessModes: [ReadWriteMany]
              storageClassName: ""
              resources: {requests: {storage: 1Gi}}
            """;
        (await server.ApplyAsync(claim)).Ok();
        var fin = (await server.KubectlAsync("get", "pvc", "to-delete", "-o", "jsonpath={.metadata.finalizers}")).Ok();
        Assert.Equal("[\"kubernetes.io/pvc-protection\"]", fin.Stdout);
        var r = (await server.KubectlAsync(["delete", "-f", "-"], claim)).Ok();
        Assert.Equal("persistentvolumeclaim \"to-delete\" deleted", r.Stdout.Trim());
        Assert.Equal(1, (await server.KubectlAsync("get", "pvc", "to-delete")).ExitCode);
    }

    [Fact]
    public async Task DescribeVolume_ShowsSourceAndEvents()
    {
        const string pv = """
            apiVersion: v1
            kind: PersistentVolume
            metadata: {name: ebs-test-volume}
            spec:
              capacity: {storage: 5Gi}
              accessModes: [ReadWriteOnce]
              csi:
                driver: ebs.csi.aws.com
                fsType: ext4
                volumeHandle: vol-0123456789
            """;
        (await server.ApplyAsync(pv)).Ok();
        var r = (await server.KubectlAsync("describe", "pv", "ebs-test-volume")).Ok();
        Assert.Contains("Type:              CSI (a Container Storage Interface (CSI) volume source)", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("VolumeHandle:      vol-0123456789", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("Finalizers:      [kubernetes.io/pv-protection]", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("Events:", r.Stdout, StringComparison.Ordinal);
    }
}
