using Kura.ApiServer.Tests.Fixtures;

namespace Kura.ApiServer.Tests.Kubectl;

/// <summary>Static binding with the real kubectl: the seeds' PV/PVC flows.</summary>
public sealed class BindingKubectlTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private Task<string> WaitForAsync(string[] getArgs, string expected) => server.WaitForOutputAsync(getArgs, s => s == expected);

    [Fact]
    public async Task ThreeVolumesAnd35GiClaim_BindsThe50GiVolume()
    {
        const string manifests = """
            apiVersion: v1
            kind: PersistentVolume
            metadata: {name: bind-10}
            spec: {capacity: {storage: 10Gi}, accessModes: [ReadWriteOnce], hostPath: {path: /tmp/bind-10}}
            ---
            apiVersion: v1
            kind: PersistentVolume
            metadata: {name: bind-20}
            spec: {capacity: {storage: 20Gi}, accessModes: [ReadWriteOnce], hostPath: {path: /tmp/bind-20}}
            ---
            apiVersion: v1
            kind: PersistentVolume
            metadata: {name: bind-50}
            spec: {capacity: {storage: 50Gi}, accessModes: [ReadWriteOnce], hostPath: {path: /tmp/bind-50}}
            """;
        (await server.ApplyAsync(manifests)).Ok();
        Assert.Equal("Available", await WaitForAsync(["get", "pv", "bind-10", "-o", "jsonpath={.status.phase}"], "Available"));

        const string claim = """
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: claim-35}
            spec:
              accessModes: [ReadWriteOnce]
              storageClassName: ""
              resources: {requests: {storage: 35Gi}}
            """;
        (await server.ApplyAsync(claim)).Ok();
        Assert.Equal("Bound", await WaitForAsync(["get", "pvc", "claim-35", "-o", "jsonpath={.status.phase}"], "Bound"));
        var pvc = TableText.Row((await server.KubectlAsync("get", "pvc", "claim-35")).Ok().Stdout, "claim-35");
        Assert.Equal("bind-50", pvc["VOLUME"]);
        Assert.Equal("50Gi", pvc["CAPACITY"]);
        Assert.Equal("RWO", pvc["ACCESS MODES"]);
        var pv = TableText.Row((await server.KubectlAsync("get", "pv", "bind-50")).Ok().Stdout, "bind-50");
        Assert.Equal("Bound", pv["STATUS"]);
        Assert.Equal("default/claim-35", pv["CLAIM"]);
        var annotations = (await server.KubectlAsync("get", "pvc", "claim-35", "-o", "jsonpath={.metadata.annotations}")).Ok().Stdout;
        Assert.Contains("\"pv.kubernetes.io/bind-completed\":\"yes\"", annotations, StringComparison.Ordinal);
        Assert.Contains("\"pv.kubernetes.io/bound-by-controller\":\"yes\"", annotations, StringComparison.Ordinal);

        // Retain: deleting the claim leaves the volume Released with its claimRef; clearing it makes it Available.
        (await server.KubectlAsync("delete", "pvc", "claim-35")).Ok();
        Assert.Equal("Released", await WaitForAsync(["get", "pv", "bind-50", "-o", "jsonpath={.status.phase}"], "Released"));
        (await server.KubectlAsync("patch", "pv", "bind-50", "--type=json", "-p", "[{\"op\":\"remove\",\"path\":\"/spec/claimRef\"}]")).Ok();
        Assert.Equal("Available", await WaitForAsync(["get", "pv", "bind-50", "-o", "jsonpath={.status.phase}"], "Available"));
    }

    [Fact]
    public async Task StaticCsiVolumeAndClaim_GoesAvailableThenBound()
    {
        // Seed 004: a static PV with a csi source and a claim with storageClassName "".
        const string pv = """
            apiVersion: v1
            kind: PersistentVolume
            metadata: {name: ebs-static}
            spec:
              capacity: {storage: 5Gi}
              volumeMode: Filesystem
              accessModes: [ReadWriteOnce]
              persistentVolumeReclaimPolicy: Retain
              csi: {driver: ebs.csi.aws.com, fsType: ext4, volumeHandle: vol-0a1b2c}
            """;
        (await server.ApplyAsync(pv)).Ok();
        Assert.Equal("Available", await WaitForAsync(["get", "pv", "ebs-static", "-o", "jsonpath={.status.phase}"], "Available"));
        const string claim = """
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: ebs-static-pvc}
            spec:
              accessModes: [ReadWriteOnce]
              storageClassName: ""
              resources: {requests: {storage: 5Gi}}
            """;
        (await server.ApplyAsync(claim)).Ok();
        Assert.Equal("Bound", await WaitForAsync(["get", "pvc", "ebs-static-pvc", "-o", "jsonpath={.status.phase}"], "Bound"));
        var describe = (await server.KubectlAsync("describe", "pvc", "ebs-static-pvc")).Ok().Stdout;
        Assert.Contains("Volume:        ebs-static", describe, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClaimWithoutMatch_PendingWithFailedBindingEvent()
    {
        const string claim = """
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: lonely}
            spec:
              accessModes: [ReadWriteMany]
              storageClassName: ""
              resources: {requests: {storage: 1Ti}}
            """;
        (await server.ApplyAsync(claim)).Ok();
        var describe = await server.WaitForOutputAsync(["describe", "pvc", "lonely"], s => s.Contains("FailedBinding", StringComparison.Ordinal));

        Assert.Contains("FailedBinding", describe, StringComparison.Ordinal);
        Assert.Contains("no persistent volumes available for this claim and no storage class is set", describe, StringComparison.Ordinal);
        Assert.Contains("persistentvolume-controller", describe, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClaimNamingMissingClass_ProvisioningFailedUntilClassAppears()
    {
        const string claim = """
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: wants-gold}
            spec:
              accessModes: [ReadWriteOnce]
              storageClassName: gold
              resources: {requests: {storage: 1Gi}}
            """;
        (await server.ApplyAsync(claim)).Ok();
        var events = await server.WaitForOutputAsync(["get", "events", "--field-selector", "involvedObject.name=wants-gold", "-o", "jsonpath={.items[*].reason}"], s => s.Contains("ProvisioningFailed", StringComparison.Ordinal));

        Assert.Contains("ProvisioningFailed", events, StringComparison.Ordinal);
        const string sc = """
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata: {name: gold}
            provisioner: vendor.example.com/gold
            """;
        (await server.ApplyAsync(sc)).Ok();
        var provisioner = await WaitForAsync(["get", "pvc", "wants-gold", "-o", "jsonpath={.metadata.annotations.volume\\.kubernetes\\.io/storage-provisioner}"], "vendor.example.com/gold");
        Assert.Equal("vendor.example.com/gold", provisioner);
    }
}
