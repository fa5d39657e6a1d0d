using Kura.ApiServer.Tests.Fixtures;

namespace Kura.ApiServer.Tests.Kubectl;

/// <summary>Dynamic provisioning through the real CSI interface, checked with the real kubectl.</summary>
public sealed class ProvisioningKubectlTests(ProvisioningServerFixture server) : IClassFixture<ProvisioningServerFixture>
{
    private Task<string> WaitForAsync(string[] args, Func<string, bool> done) => server.WaitForOutputAsync(args, done);

    [Fact]
    public async Task ClaimWithoutClass_GetsDefaultClassAndProvisionedVolume()
    {
        var sc = (await server.KubectlAsync("get", "sc")).Ok().Stdout;
        Assert.Contains("kura-local (default)", sc, StringComparison.Ordinal);
        Assert.Contains("local.csi.kura.io", sc, StringComparison.Ordinal);

        // Seed 003: a claim that names no class.
        const string claim = """
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: data}
            spec:
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: 64Mi}}
            """;
        (await server.ApplyAsync(claim)).Ok();
        var phase = await WaitForAsync(["get", "pvc", "data", "-o", "jsonpath={.status.phase}"], s => s == "Bound");
        Assert.Equal("Bound", phase);
        var row = TableText.Row((await server.KubectlAsync("get", "pvc", "data")).Ok().Stdout, "data");
        Assert.StartsWith("pvc-", row["VOLUME"], StringComparison.Ordinal);
        Assert.Equal("64Mi", row["CAPACITY"]);
        Assert.Equal("kura-local", row["STORAGECLASS"]);

        var pvName = row["VOLUME"];
        var describe = (await server.KubectlAsync("describe", "pv", pvName)).Ok().Stdout;
        Assert.Contains("Driver:            local.csi.kura.io", describe, StringComparison.Ordinal);
        Assert.Contains("pv.kubernetes.io/provisioned-by: local.csi.kura.io", describe, StringComparison.Ordinal);
        Assert.Contains("topology.local.csi.kura.io/node in [test-node]", describe, StringComparison.Ordinal);
        var events = (await server.KubectlAsync("describe", "pvc", "data")).Ok().Stdout;
        Assert.Contains("ProvisioningSucceeded", events, StringComparison.Ordinal);

        var handle = (await server.KubectlAsync("get", "pv", pvName, "-o", "jsonpath={.spec.csi.volumeHandle}")).Ok().Stdout;
        var image = Path.Combine(server.DriverData, "volumes", handle + ".img");
        Assert.True(File.Exists(image));

        // Reclaim policy Delete: deleting the claim deletes the volume and its PV.
        (await server.KubectlAsync("delete", "pvc", "data")).Ok();
        var gone = await WaitForAsync(["get", "pv", "-o", "name"], s => !s.Contains(pvName, StringComparison.Ordinal));
        Assert.DoesNotContain(pvName, gone, StringComparison.Ordinal);
        Assert.False(File.Exists(image));
    }

    [Fact]
    public async Task GrowingABoundClaim_ExpandsTheVolumeAndWaitsForTheNode()
    {
        const string claim = """
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: grows}
            spec:
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: 64Mi}}
            """;
        (await server.ApplyAsync(claim)).Ok();
        Assert.Equal("Bound", await WaitForAsync(["get", "pvc", "grows", "-o", "jsonpath={.status.phase}"], s => s == "Bound"));
        var pv = (await server.KubectlAsync("get", "pvc", "grows", "-o", "jsonpath={.spec.volumeName}")).Ok().Stdout;
        (await server.KubectlAsync("patch", "pvc", "grows", "-p", "{\"spec\":{\"resources\":{\"requests\":{\"storage\":\"128Mi\"}}}}")).Ok();
        Assert.Equal("128Mi", await WaitForAsync(["get", "pv", pv, "-o", "jsonpath={.spec.capacity.storage}"], s => s == "128Mi"));
        var condition = await WaitForAsync(["get", "pvc", "grows", "-o", "jsonpath={.status.conditions[0].type}"], s => s == "FileSystemResizePending");
        Assert.Equal("FileSystemResizePending", condition);
        var describe = (await server.KubectlAsync("describe", "pvc", "grows")).Ok().Stdout;
        Assert.Contains("FileSystemResizeRequired", describe, StringComparison.Ordinal);

        // Shrinking is refused with Kubernetes' message.
        var shrink = await server.KubectlAsync("patch", "pvc", "grows", "-p", "{\"spec\":{\"resources\":{\"requests\":{\"storage\":\"32Mi\"}}}}");
        Assert.Equal(1, shrink.ExitCode);
        Assert.Contains("field can not be less than previous value", shrink.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SnapshotAndRestore_DataSourceGivesANewVolume()
    {
        const string claim = """
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: source}
            spec:
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: 32Mi}}
            """;
        (await server.ApplyAsync(claim)).Ok();
        Assert.Equal("Bound", await WaitForAsync(["get", "pvc", "source", "-o", "jsonpath={.status.phase}"], s => s == "Bound"));
        const string snapshot = """
            apiVersion: snapshot.storage.k8s.io/v1
            kind: VolumeSnapshot
            metadata: {name: snap1}
            spec:
              source: {persistentVolumeClaimName: source}
            """;
        (await server.ApplyAsync(snapshot)).Ok();
        Assert.Equal("true", await WaitForAsync(["get", "vs", "snap1", "-o", "jsonpath={.status.readyToUse}"], s => s == "true"));
        // SOURCESNAPSHOTCONTENT is empty for a dynamic snapshot, so read the fields directly.
        var vs = (await server.KubectlAsync("get", "vs", "snap1", "-o", "jsonpath={.spec.source.persistentVolumeClaimName} {.status.restoreSize} {.spec.volumeSnapshotClassName} {.status.boundVolumeSnapshotContentName}")).Ok().Stdout.Split(' ');
        Assert.Equal("source", vs[0]);
        Assert.Equal("32Mi", vs[1]);
        Assert.Equal("kura-local-snapshots", vs[2]);
        Assert.StartsWith("snapcontent-", vs[3], StringComparison.Ordinal);
        Assert.Contains("snap1", (await server.KubectlAsync("get", "volumesnapshots")).Ok().Stdout, StringComparison.Ordinal);

        const string restore = """
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: restored}
            spec:
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: 64Mi}}
              dataSource: {apiGroup: snapshot.storage.k8s.io, kind: VolumeSnapshot, name: snap1}
            """;
        (await server.ApplyAsync(restore)).Ok();
        Assert.Equal("Bound", await WaitForAsync(["get", "pvc", "restored", "-o", "jsonpath={.status.phase}"], s => s == "Bound"));

        (await server.KubectlAsync("delete", "vs", "snap1")).Ok();
        var contents = await WaitForAsync(["get", "vsc", "-o", "name"], s => !s.Contains("snapcontent", StringComparison.Ordinal));
        Assert.DoesNotContain("snapcontent", contents, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VolumeAttachment_ForADriverWithoutPublish_IsMarkedAttached()
    {
        const string va = """
            apiVersion: storage.k8s.io/v1
            kind: VolumeAttachment
            metadata: {name: csi-test-attachment}
            spec:
              attacher: local.csi.kura.io
              nodeName: test-node
              source: {persistentVolumeName: some-volume}
            """;
        (await server.ApplyAsync(va)).Ok();
        Assert.Equal("true", await WaitForAsync(["get", "volumeattachment", "csi-test-attachment", "-o", "jsonpath={.status.attached}"], s => s == "true"));
        var row = TableText.Row((await server.KubectlAsync("get", "volumeattachments")).Ok().Stdout, "csi-test-attachment");
        Assert.Equal("true", row["ATTACHED"]);
        Assert.Equal("[\"external-attacher/local-csi-kura-io\"]", (await server.KubectlAsync("get", "volumeattachment", "csi-test-attachment", "-o", "jsonpath={.metadata.finalizers}")).Ok().Stdout);
        (await server.KubectlAsync("delete", "volumeattachment", "csi-test-attachment")).Ok();
    }

    [Fact]
    public async Task StorageCapacity_IsPublishedForTheDefaultClass()
    {
        var capacity = await WaitForAsync(["get", "csistoragecapacities", "-n", "kube-system", "-o", "jsonpath={.items[0].storageClassName}"], s => s == "kura-local");
        Assert.Equal("kura-local", capacity);
        var table = (await server.KubectlAsync("get", "csistoragecapacities", "-n", "kube-system")).Ok().Stdout;
        Assert.Contains("kura-local", table, StringComparison.Ordinal);
    }
}
