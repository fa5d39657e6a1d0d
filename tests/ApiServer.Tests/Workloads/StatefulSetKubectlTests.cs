using Kura.ApiServer.Tests.Fixtures;

namespace Kura.ApiServer.Tests.Workloads;

/// <summary>StatefulSets through the real kubectl: ordered pods, claims from templates, retention, revisions.</summary>
public sealed class StatefulSetKubectlTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static string Manifest(string name, int replicas, string extra = "") => $$$"""
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: {{{name}}} }
        spec:
          serviceName: {{{name}}}
          replicas: {{{replicas}}}
          selector: {matchLabels: {app: {{{name}}} } }
        {{{extra}}}
          template:
            metadata: {labels: {app: {{{name}}} } }
            spec:
              containers:
              - name: c
                image: busybox
                volumeMounts: [{name: {{{name}}}-pvc, mountPath: /data}]
          volumeClaimTemplates:
          - metadata: {name: {{{name}}}-pvc}
            spec:
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: 1Gi}}
        """;

    [Fact]
    public async Task ClaimTemplate_ClaimBeforePod_KeptAfterTheSetIsDeleted()
    {
        (await server.ApplyAsync(Manifest("mongo", 1))).Ok();
        var claim = await server.WaitForOutputAsync(["get", "pvc", "mongo-pvc-mongo-0", "-o", "jsonpath={.metadata.labels.app}"], s => s == "mongo");
        Assert.Equal("mongo", claim);
        var pod = await server.WaitForOutputAsync(["get", "pod", "mongo-0", "-o", "jsonpath={.spec.volumes[0].persistentVolumeClaim.claimName} {.metadata.labels.statefulset\\.kubernetes\\.io/pod-name} {.metadata.labels.apps\\.kubernetes\\.io/pod-index} {.spec.hostname}"], s => s.Length > 0);
        Assert.Equal("mongo-pvc-mongo-0 mongo-0 0 mongo-0", pod);
        var revision = (await server.KubectlAsync("get", "pod", "mongo-0", "-o", "jsonpath={.metadata.labels.controller-revision-hash}")).Ok().Stdout;
        Assert.StartsWith("mongo-", revision);
        var events = await server.WaitForOutputAsync(["get", "events", "--field-selector", "involvedObject.name=mongo", "-o", "jsonpath={.items[*].message}"], s => s.Contains("create Pod"));
        Assert.Contains("create Claim mongo-pvc-mongo-0 Pod mongo-0 in StatefulSet mongo success", events);
        Assert.Contains("create Pod mongo-0 in StatefulSet mongo successful", events);

        (await server.KubectlAsync("delete", "statefulset", "mongo")).Ok();
        await server.WaitForOutputAsync(["get", "pods", "-l", "app=mongo", "-o", "name"], s => s.Length == 0, attempts: 300);
        Assert.Equal("mongo-pvc-mongo-0", (await server.KubectlAsync("get", "pvc", "mongo-pvc-mongo-0", "-o", "jsonpath={.metadata.name}")).Ok().Stdout);
    }

    [Fact]
    public async Task OrderedReady_ScaleUpWaitsForReadiness_ScaleDownDeletesClaimsWhenAsked()
    {
        (await server.ApplyAsync(Manifest("db", 2, "  persistentVolumeClaimRetentionPolicy: {whenScaled: Delete, whenDeleted: Retain}"))).Ok();
        await server.WaitForOutputAsync(["get", "pod", "db-0", "-o", "name"], s => s.Length > 0);
        await Task.Delay(500);
        Assert.NotEqual(0, (await server.KubectlAsync("get", "pod", "db-1")).ExitCode);

        await using (PodReadiness.Start(server, "app=db"))
        {
            var status = (await server.KubectlAsync(["rollout", "status", "statefulset/db", "--timeout=60s"], null, TimeSpan.FromSeconds(90))).Ok();
            // kubectl reports a defaulted partition (0) as a partitioned roll out.
            Assert.Contains("partitioned roll out complete: 2 new pods have been updated...", status.Stdout);
            await server.WaitForOutputAsync(["get", "pvc", "db-pvc-db-1", "-o", "name"], s => s.Length > 0);

            (await server.KubectlAsync("scale", "statefulset/db", "--replicas=1")).Ok();
            await server.WaitForOutputAsync(["get", "pods", "-l", "app=db", "-o", "name"], s => s.Trim() == "pod/db-0", attempts: 300);
            Assert.Equal("", await server.WaitForOutputAsync(["get", "pvc", "-l", "app=db", "--field-selector", "metadata.name=db-pvc-db-1", "-o", "name"], s => s.Length == 0, attempts: 300));
            Assert.Equal("db-pvc-db-0", (await server.KubectlAsync("get", "pvc", "db-pvc-db-0", "-o", "jsonpath={.metadata.name}")).Ok().Stdout);
        }
    }

    [Fact]
    public async Task RolloutHistoryAndUndo_UseControllerRevisions()
    {
        await using (PodReadiness.Start(server, "app=cache"))
        {
            (await server.ApplyAsync(Manifest("cache", 1))).Ok();
            (await server.KubectlAsync(["rollout", "status", "statefulset/cache", "--timeout=60s"], null, TimeSpan.FromSeconds(90))).Ok();
            var first = (await server.KubectlAsync("get", "pod", "cache-0", "-o", "jsonpath={.metadata.labels.controller-revision-hash}")).Ok().Stdout;
            (await server.KubectlAsync("set", "image", "statefulset/cache", "c=busybox:2")).Ok();
            await server.WaitForOutputAsync(["get", "pod", "cache-0", "-o", "jsonpath={.spec.containers[0].image}"], s => s == "busybox:2", attempts: 300);
            (await server.KubectlAsync(["rollout", "status", "statefulset/cache", "--timeout=60s"], null, TimeSpan.FromSeconds(90))).Ok();

            var history = (await server.KubectlAsync("rollout", "history", "statefulset/cache")).Ok().Stdout;
            Assert.Matches(@"(?m)^1\s+<none>", history);
            Assert.Matches(@"(?m)^2\s+<none>", history);

            Assert.Contains("statefulset.apps/cache rolled back", (await server.KubectlAsync("rollout", "undo", "statefulset/cache")).Ok().Stdout);
            await server.WaitForOutputAsync(["get", "pod", "cache-0", "-o", "jsonpath={.spec.containers[0].image}"], s => s == "busybox", attempts: 300);
            Assert.Equal(first, (await server.KubectlAsync("get", "pod", "cache-0", "-o", "jsonpath={.metadata.labels.controller-revision-hash}")).Ok().Stdout);
            Assert.Equal("3", (await server.KubectlAsync("get", "controllerrevision", first, "-o", "jsonpath={.revision}")).Ok().Stdout);
        }
    }
}
