using System.Globalization;
using Kura.ApiServer.Hosting;
using Kura.ApiServer.Tests.Fixtures;

namespace Kura.ApiServer.Tests.Scheduling;

/// <summary>A server whose nodes go silent after 2 s and whose pods tolerate a dead node for 2 s.</summary>
public sealed class FastLifecycleFixture : ServerFixture
{
    protected override async Task<ApiServerOptions> OptionsAsync() =>
        (await base.OptionsAsync()) with { NodeMonitorGracePeriod = TimeSpan.FromSeconds(2), DefaultTolerationSeconds = 2 };
}

internal static class Nodes
{
    /// <summary>Registers a node as a node agent would: the Node, its Ready status and a fresh Lease.</summary>
    public static async Task CreateAsync(ServerFixture server, string name, string labels = "{}", string cpu = "2")
    {
        (await server.ApplyAsync($$"""
            apiVersion: v1
            kind: Node
            metadata: {name: {{name}}, labels: {{labels}}}
            """)).Ok();
        var now = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var status = $$"""{"status": {"allocatable": {"cpu": "{{cpu}}", "memory": "4Gi", "pods": "110"}, "capacity": {"cpu": "{{cpu}}", "memory": "4Gi", "pods": "110"}, "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status", "lastHeartbeatTime": "{{now}}", "lastTransitionTime": "{{now}}"}] } }""";
        (await server.KubectlAsync("patch", "node", name, "--subresource=status", "--type=merge", "-p", status)).Ok();
        (await server.ApplyAsync($$"""
            apiVersion: coordination.k8s.io/v1
            kind: Lease
            metadata: {name: {{name}}, namespace: kube-node-lease}
            spec: {holderIdentity: {{name}}, leaseDurationSeconds: 40, renewTime: "{{DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)}}"}
            """)).Ok();
    }
}

/// <summary>The scheduler through the real kubectl: placement, FailedScheduling texts, WaitForFirstConsumer.</summary>
public sealed class SchedulingKubectlTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private async Task TwoNodesAsync()
    {
        await Nodes.CreateAsync(server, "node-1", "{disk: ssd}");
        await Nodes.CreateAsync(server, "node-2", "{disk: hdd}");
    }

    [Fact]
    public async Task PodWithNodeSelector_LandsOnMatchingNode()
    {
        await TwoNodesAsync();
        (await server.ApplyAsync("""
            apiVersion: v1
            kind: Pod
            metadata: {name: app-ssd}
            spec:
              nodeSelector: {disk: ssd}
              containers: [{name: c, image: busybox}]
            """)).Ok();
        var node = await server.WaitForOutputAsync(["get", "pod", "app-ssd", "-o", "jsonpath={.spec.nodeName}"], s => s.Length > 0);
        Assert.Equal("node-1", node);
        var wide = (await server.KubectlAsync("get", "pods", "app-ssd", "-o", "wide")).Ok().Stdout;
        Assert.Contains("node-1", wide.Split('\n')[1]);
        var events = await server.WaitForOutputAsync(["get", "events", "--field-selector", "involvedObject.name=app-ssd", "-o", "jsonpath={.items[*].message}"], s => s.Contains("Successfully"));
        Assert.Contains("Successfully assigned default/app-ssd to node-1", events);
        var tolerations = (await server.KubectlAsync("get", "pod", "app-ssd", "-o", "jsonpath={.spec.tolerations[*].tolerationSeconds}")).Ok().Stdout;
        Assert.Equal("300 300", tolerations);
    }

    [Fact]
    public async Task UnsatisfiableSelector_DescribeShowsFailedScheduling()
    {
        await TwoNodesAsync();
        (await server.ApplyAsync("""
            apiVersion: v1
            kind: Pod
            metadata: {name: app-nowhere}
            spec:
              nodeSelector: {disk: tape}
              containers: [{name: c, image: busybox}]
            """)).Ok();
        var describe = await server.WaitForOutputAsync(["describe", "pod", "app-nowhere"], s => s.Contains("FailedScheduling"));
        Assert.Contains("0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.", describe.ReplaceLineEndings(" ").Replace("  ", " ", StringComparison.Ordinal));
        var condition = (await server.KubectlAsync("get", "pod", "app-nowhere", "-o", "jsonpath={.status.conditions[?(@.type=='PodScheduled')].reason}")).Ok().Stdout;
        Assert.Equal("Unschedulable", condition);
    }

    [Fact]
    public async Task WaitForFirstConsumerClaim_GetsSelectedNode()
    {
        await TwoNodesAsync();
        (await server.ApplyAsync("""
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata: {name: wffc}
            provisioner: example.com/nowhere
            volumeBindingMode: WaitForFirstConsumer
            ---
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: wffc-data}
            spec:
              storageClassName: wffc
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: 1Gi}}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: app-wffc}
            spec:
              nodeSelector: {disk: hdd}
              containers: [{name: c, image: busybox}]
              volumes: [{name: d, persistentVolumeClaim: {claimName: wffc-data}}]
            """)).Ok();
        var selected = await server.WaitForOutputAsync(["get", "pvc", "wffc-data", "-o", "jsonpath={.metadata.annotations.volume\\.kubernetes\\.io/selected-node}"], s => s.Length > 0);
        Assert.Equal("node-2", selected);
    }
}

/// <summary>Node lifecycle and taint eviction through the real kubectl, with a 2 s grace period.</summary>
public sealed class NodeLifecycleKubectlTests(FastLifecycleFixture server) : IClassFixture<FastLifecycleFixture>
{
    [Fact]
    public async Task SilentNode_TaintedUnreachable_PodEvictedAfterTolerationSeconds()
    {
        await Nodes.CreateAsync(server, "silent-1");
        (await server.ApplyAsync("""
            apiVersion: v1
            kind: Pod
            metadata: {name: victim}
            spec:
              nodeName: silent-1
              containers: [{name: c, image: busybox}]
            """)).Ok();

        var taints = await server.WaitForOutputAsync(["get", "node", "silent-1", "-o", "jsonpath={.spec.taints[*].effect}"], s => s.Contains("NoExecute"));
        Assert.Equal("NoSchedule NoExecute", taints);
        var describe = (await server.KubectlAsync("describe", "node", "silent-1")).Ok().Stdout;
        Assert.Contains("node.kubernetes.io/unreachable:NoExecute", describe);
        Assert.Contains("Kubelet stopped posting node status.", describe);

        var deleting = await server.WaitForOutputAsync(["get", "pod", "victim", "-o", "jsonpath={.metadata.deletionTimestamp}"], s => s.Length > 0);
        Assert.NotEmpty(deleting);
        var events = (await server.KubectlAsync("get", "events", "--field-selector", "involvedObject.name=victim", "-o", "jsonpath={.items[*].message}")).Ok().Stdout;
        Assert.Contains("Marking for deletion Pod default/victim", events);

        // Non-graceful node shutdown: the out-of-service taint lets PodGC force delete it.
        (await server.KubectlAsync("taint", "node", "silent-1", "node.kubernetes.io/out-of-service=nodeshutdown:NoExecute")).Ok();
        var gone = await server.WaitForOutputAsync(["get", "pod", "victim", "--ignore-not-found", "-o", "name"], s => s.Length == 0);
        Assert.Empty(gone);
    }

    [Fact]
    public async Task DeletedNode_ItsPodsAreGarbageCollected()
    {
        await Nodes.CreateAsync(server, "doomed-1");
        (await server.ApplyAsync("""
            apiVersion: v1
            kind: Pod
            metadata: {name: orphan}
            spec:
              nodeName: doomed-1
              tolerations: [{operator: Exists}]
              containers: [{name: c, image: busybox}]
            """)).Ok();
        (await server.KubectlAsync("delete", "node", "doomed-1")).Ok();
        var gone = await server.WaitForOutputAsync(["get", "pod", "orphan", "--ignore-not-found", "-o", "name"], s => s.Length == 0);
        Assert.Empty(gone);
    }
}
