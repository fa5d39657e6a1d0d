using Kura.ApiServer.Tests.Fixtures;

namespace Kura.ApiServer.Tests.Workloads;

/// <summary>Deployments through the real kubectl: apply, rollout status/restart/history/undo, scale, delete.</summary>
public sealed class DeploymentKubectlTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static string Manifest(string name, int replicas) => $$$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: {{{name}}} }
        spec:
          replicas: {{{replicas}}}
          selector: {matchLabels: {app: {{{name}}} } }
          template:
            metadata: {labels: {app: {{{name}}} } }
            spec:
              containers: [{name: c, image: busybox, command: [sleep, "3600"]}]
        """;

    private Task<string> PodNamesAsync(string app, Func<string[], bool> done) =>
        server.WaitForOutputAsync(["get", "pods", "-l", $"app={app}", "-o", "jsonpath={range .items[*]}{.metadata.name}{\"\\n\"}{end}"],
            s => done(s.Split('\n', StringSplitOptions.RemoveEmptyEntries)), attempts: 300);

    [Fact]
    public async Task Rollout_StatusRestartHistoryUndo_AsKubernetes()
    {
        (await server.ApplyAsync(Manifest("web", 2))).Ok();
        var rs = await server.WaitForOutputAsync(["get", "rs", "-l", "app=web", "-o", "jsonpath={.items[*].metadata.name}"], s => s.Length > 0);
        Assert.Matches("^web-[bcdfghjklmnpqrstvwxz2456789]+$", rs);
        var pods = await PodNamesAsync("web", p => p.Length == 2);
        Assert.All(pods.Split('\n', StringSplitOptions.RemoveEmptyEntries), p => Assert.StartsWith(rs + "-", p));
        Assert.Equal("1", (await server.KubectlAsync("get", "rs", rs, "-o", "jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}")).Ok().Stdout);

        await using (PodReadiness.Start(server, "app=web"))
        {
            var status = (await server.KubectlAsync(["rollout", "status", "deployment/web", "--timeout=60s"], null, TimeSpan.FromSeconds(90))).Ok();
            Assert.Contains("deployment \"web\" successfully rolled out", status.Stdout);
            var describe = (await server.KubectlAsync("describe", "deployment", "web")).Ok().Stdout;
            Assert.Contains($"Scaled up replica set {rs} from 0 to 2", describe);
            Assert.Contains("NewReplicaSetAvailable", describe);
            Assert.Contains("MinimumReplicasAvailable", describe);

            (await server.KubectlAsync("rollout", "restart", "deployment/web")).Ok();
            var both = await server.WaitForOutputAsync(["get", "rs", "-l", "app=web", "-o", "jsonpath={.items[*].metadata.name}"], s => s.Split(' ').Length == 2);
            var restarted = both.Split(' ').Single(n => n != rs);
            status = (await server.KubectlAsync(["rollout", "status", "deployment/web", "--timeout=60s"], null, TimeSpan.FromSeconds(90))).Ok();
            Assert.Contains("successfully rolled out", status.Stdout);
            Assert.All((await PodNamesAsync("web", p => p.Length == 2 && p.All(n => n.StartsWith(restarted + "-", StringComparison.Ordinal)))).Split('\n', StringSplitOptions.RemoveEmptyEntries), p => Assert.StartsWith(restarted + "-", p));
            Assert.Equal("0", (await server.KubectlAsync("get", "rs", rs, "-o", "jsonpath={.spec.replicas}")).Ok().Stdout);

            var history = (await server.KubectlAsync("rollout", "history", "deployment/web")).Ok().Stdout;
            Assert.Matches(@"(?m)^1\s+<none>", history);
            Assert.Matches(@"(?m)^2\s+<none>", history);

            var undo = (await server.KubectlAsync("rollout", "undo", "deployment/web")).Ok().Stdout;
            Assert.Contains("deployment.apps/web rolled back", undo);
            Assert.Equal("3", await server.WaitForOutputAsync(["get", "rs", rs, "-o", "jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}"], s => s == "3"));
            status = (await server.KubectlAsync(["rollout", "status", "deployment/web", "--timeout=60s"], null, TimeSpan.FromSeconds(90))).Ok();
            Assert.Contains("successfully rolled out", status.Stdout);
            Assert.All((await PodNamesAsync("web", p => p.Length == 2 && p.All(n => n.StartsWith(rs + "-", StringComparison.Ordinal)))).Split('\n', StringSplitOptions.RemoveEmptyEntries), p => Assert.StartsWith(rs + "-", p));
            Assert.Equal("3", (await server.KubectlAsync("get", "deployment", "web", "-o", "jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}")).Ok().Stdout);
            var annotations = (await server.KubectlAsync("get", "rs", rs, "-o", "jsonpath={.metadata.annotations}")).Ok().Stdout;
            Assert.True(annotations.Contains("\"deployment.kubernetes.io/revision-history\":\"1\"", StringComparison.Ordinal), annotations);
        }
    }

    [Fact]
    public async Task Scale_ThenDelete_PodsFollowAndGo()
    {
        (await server.ApplyAsync(Manifest("scaled", 1))).Ok();
        await PodNamesAsync("scaled", p => p.Length == 1);
        (await server.KubectlAsync("scale", "deployment/scaled", "--replicas=3")).Ok();
        Assert.Equal(3, (await PodNamesAsync("scaled", p => p.Length == 3)).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var events = await server.WaitForOutputAsync(["get", "events", "--field-selector", "involvedObject.name=scaled", "-o", "jsonpath={.items[*].message}"], s => s.Contains("from 1 to 3"));
        Assert.Contains("Scaled up replica set scaled-", events);

        (await server.KubectlAsync("scale", "deployment/scaled", "--replicas=1")).Ok();
        await PodNamesAsync("scaled", p => p.Length == 1);

        (await server.KubectlAsync("delete", "deployment", "scaled")).Ok();
        Assert.Equal("", await server.WaitForOutputAsync(["get", "rs", "-l", "app=scaled", "-o", "name"], s => s.Length == 0, attempts: 300));
        Assert.Equal("", await PodNamesAsync("scaled", p => p.Length == 0));
    }

    [Fact]
    public async Task Recreate_NewPodsOnlyAfterOldOnesAreGone()
    {
        (await server.ApplyAsync(Manifest("recreated", 2).Replace("  replicas: 2", "  replicas: 2\n  strategy: {type: Recreate}", StringComparison.Ordinal))).Ok();
        var first = await server.WaitForOutputAsync(["get", "rs", "-l", "app=recreated", "-o", "jsonpath={.items[*].metadata.name}"], s => s.Length > 0);
        await PodNamesAsync("recreated", p => p.Length == 2);
        (await server.KubectlAsync("set", "image", "deployment/recreated", "c=busybox:2")).Ok();
        var pods = await PodNamesAsync("recreated", p => p.Length == 2 && p.All(n => !n.StartsWith(first + "-", StringComparison.Ordinal)));
        Assert.DoesNotContain(first + "-", pods);
        Assert.Equal("0", (await server.KubectlAsync("get", "rs", first, "-o", "jsonpath={.spec.replicas}")).Ok().Stdout);
    }
}
