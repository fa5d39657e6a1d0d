using System.Diagnostics;
using Kura.ApiServer.Tests.Fixtures;

namespace Kura.ApiServer.Tests.Kubectl;

/// <summary>Patches, watches, waits, namespaces, owners and CRDs through the real kubectl.</summary>
public sealed class LifecycleKubectlTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task PatchForms_MergeJsonStrategic_AllApply()
    {
        (await server.KubectlAsync("create", "configmap", "patched", "--from-literal=a=1")).Ok();
        (await server.KubectlAsync("patch", "configmap", "patched", "--type=merge", "-p", "{\"data\":{\"b\":\"2\"}}")).Ok();
        (await server.KubectlAsync("patch", "configmap", "patched", "--type=json", "-p", "[{\"op\":\"remove\",\"path\":\"/data/a\"}]")).Ok();
        (await server.KubectlAsync("patch", "configmap", "patched", "-p", "{\"metadata\":{\"labels\":{\"x\":\"y\"}}}")).Ok();
        var r = (await server.KubectlAsync("get", "cm", "patched", "-o", "jsonpath={.data} {.metadata.labels.x}")).Ok();
        Assert.Equal("{\"b\":\"2\"} y", r.Stdout);
    }

    [Fact]
    public async Task DeploymentReapply_StrategicMergeKeepsContainerList()
    {
        const string deploy = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: 1
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers:
                  - name: c
                    image: busybox:1
                    volumeMounts: [{name: data, mountPath: /data}]
                  volumes:
                  - name: data
                    persistentVolumeClaim: {claimName: data}
            """;
        Assert.Contains("deployment.apps/web created", (await server.ApplyAsync(deploy)).Ok().Stdout, StringComparison.Ordinal);
        var changed = deploy.Replace("busybox:1", "busybox:2", StringComparison.Ordinal);
        Assert.Contains("deployment.apps/web configured", (await server.ApplyAsync(changed)).Ok().Stdout, StringComparison.Ordinal);
        var r = (await server.KubectlAsync("get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[*].image} {.metadata.generation}")).Ok();
        Assert.Equal("busybox:2 2", r.Stdout);
        var restart = (await server.KubectlAsync("rollout", "restart", "deployment", "web")).Ok();
        Assert.Equal("deployment.apps/web restarted", restart.Stdout.Trim());
        (await server.KubectlAsync("scale", "deployment", "web", "--replicas=3")).Ok();
        var replicas = (await server.KubectlAsync("get", "deploy", "web", "-o", "jsonpath={.spec.replicas}")).Ok();
        Assert.Equal("3", replicas.Stdout);
    }

    [Fact]
    public async Task ServerSideApply_CreatesAndUpdates()
    {
        const string cm = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: ssa}
            data: {k: v1}
            """;
        Assert.Contains("configmap/ssa serverside-applied", (await server.ApplyAsync(cm, "--server-side")).Ok().Stdout, StringComparison.Ordinal);
        (await server.ApplyAsync(cm.Replace("v1}", "v2}", StringComparison.Ordinal), "--server-side")).Ok();
        var r = (await server.KubectlAsync("get", "cm", "ssa", "-o", "jsonpath={.data.k}")).Ok();
        Assert.Equal("v2", r.Stdout);
    }

    [Fact]
    public async Task ServerSideApply_ConflictsWithAnotherManagerUnlessForced()
    {
        (await server.KubectlAsync("create", "configmap", "owned", "--from-literal=k=v1")).Ok();
        const string cm = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: owned}
            data: {k: v2}
            """;
        var conflict = await server.ApplyAsync(cm, "--server-side");
        Assert.Equal(1, conflict.ExitCode);
        Assert.Contains("Apply failed with 1 conflict: conflict with \"kubectl-create\" using v1: .data.k", conflict.Stderr, StringComparison.Ordinal);
        (await server.ApplyAsync(cm, "--server-side", "--force-conflicts")).Ok();
        Assert.Equal("v2", (await server.KubectlAsync("get", "cm", "owned", "-o", "jsonpath={.data.k}")).Ok().Stdout);
    }

    [Fact]
    public async Task ClientSideThenServerSideApply_Upgrades()
    {
        const string cm = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: migrated}
            data: {k: v1}
            """;
        (await server.ApplyAsync(cm)).Ok();
        (await server.ApplyAsync(cm.Replace("v1}", "v2}", StringComparison.Ordinal), "--server-side")).Ok();
        Assert.Equal("v2", (await server.KubectlAsync("get", "cm", "migrated", "-o", "jsonpath={.data.k}")).Ok().Stdout);
    }

    [Fact]
    public async Task DryRunServer_ValidatesButStoresNothing()
    {
        var r = (await server.KubectlAsync("create", "configmap", "dry", "--from-literal=a=1", "--dry-run=server")).Ok();
        Assert.Contains("configmap/dry created (server dry run)", r.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, (await server.KubectlAsync("get", "cm", "dry")).ExitCode);
    }

    [Fact]
    public async Task WaitForJsonPath_ReturnsWhenConditionHolds()
    {
        (await server.KubectlAsync("create", "namespace", "waited")).Ok();
        var r = (await server.KubectlAsync("wait", "--for=jsonpath={.status.phase}=Active", "namespace/waited", "--timeout=20s")).Ok();
        Assert.Equal("namespace/waited condition met", r.Stdout.Trim());
    }

    [Fact]
    public async Task GetWatch_StreamsNewObjects()
    {
        var psi = new ProcessStartInfo("kubectl", ["--kubeconfig", server.Kubeconfig, "--cache-dir", Path.Combine(server.WorkDir, "watch-cache"), "get", "configmaps", "--watch", "-l", "watched=yes"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var watch = Process.Start(psi)!;
        var lines = new List<string>();
        var seen = new TaskCompletionSource();
        watch.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (lines)
            {
                lines.Add(e.Data);
                if (e.Data.StartsWith("watched-2", StringComparison.Ordinal))
                {
                    seen.TrySetResult();
                }
            }
        };
        watch.BeginOutputReadLine();
        try
        {
            await Task.Delay(1500);
            (await server.KubectlAsync("create", "configmap", "watched-1", "--from-literal=a=1")).Ok();
            (await server.KubectlAsync("label", "configmap", "watched-1", "watched=yes")).Ok();
            (await server.KubectlAsync("create", "configmap", "watched-2", "--from-literal=a=1")).Ok();
            (await server.KubectlAsync("label", "configmap", "watched-2", "watched=yes")).Ok();
            await seen.Task.WaitAsync(TimeSpan.FromSeconds(20));
            Assert.False(watch.HasExited, "kubectl get --watch must stay open");
        }
        finally
        {
            watch.Kill();
        }

        lock (lines)
        {
            Assert.StartsWith("NAME", lines[0], StringComparison.Ordinal);
            Assert.Contains(lines, l => l.StartsWith("watched-1", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task DeleteNamespace_RemovesItsContent()
    {
        (await server.KubectlAsync("create", "namespace", "doomed")).Ok();
        (await server.KubectlAsync("create", "configmap", "inside", "-n", "doomed", "--from-literal=a=1")).Ok();
        var r = (await server.KubectlAsync(["delete", "namespace", "doomed", "--timeout=30s"], null, TimeSpan.FromSeconds(40))).Ok();
        Assert.Equal("namespace \"doomed\" deleted", r.Stdout.Trim());
        Assert.Equal(1, (await server.KubectlAsync("get", "namespace", "doomed")).ExitCode);
        var system = await server.KubectlAsync("delete", "namespace", "default");
        Assert.Equal("Error from server (Forbidden): namespaces \"default\" is forbidden: this namespace may not be deleted", system.Stderr.Trim());
    }

    [Fact]
    public async Task OwnerDeleted_DependentsCollected()
    {
        (await server.KubectlAsync("create", "configmap", "owner", "--from-literal=a=1")).Ok();
        var uid = (await server.KubectlAsync("get", "cm", "owner", "-o", "jsonpath={.metadata.uid}")).Ok().Stdout;
        var dependent = $$"""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: dependent
              ownerReferences:
              - {apiVersion: v1, kind: ConfigMap, name: owner, uid: "{{uid}}"}
            data: {b: "2"}
            """;
        (await server.ApplyAsync(dependent)).Ok();
        (await server.KubectlAsync("delete", "cm", "owner")).Ok();
        for (var i = 0; i < 100 && (await server.KubectlAsync("get", "cm", "dependent")).ExitCode == 0; i++)
        {
            await Task.Delay(100);
        }

        Assert.Equal(1, (await server.KubectlAsync("get", "cm", "dependent")).ExitCode);
    }

    [Fact]
    public async Task CustomResourceDefinition_PrinterColumnsEndToEnd()
    {
        const string crd = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: widgets.example.com}
            spec:
              group: example.com
              scope: Namespaced
              names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
              versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec:
                        type: object
                        properties:
                          size: {type: integer}
                          color: {type: string, default: blue}
                additionalPrinterColumns:
                - {name: Size, type: integer, jsonPath: .spec.size}
                - {name: Color, type: string, jsonPath: .spec.color}
            """;
        (await server.ApplyAsync(crd)).Ok();
        (await server.KubectlAsync("wait", "--for=condition=established", "crd/widgets.example.com", "--timeout=20s")).Ok();
        const string widget = """
            apiVersion: example.com/v1
            kind: Widget
            metadata: {name: w1}
            spec: {size: 3}
            """;
        (await server.ApplyAsync(widget)).Ok();
        var r = (await server.KubectlAsync("get", "wd")).Ok();
        var row = TableText.Row(r.Stdout, "w1");
        Assert.Equal("3", row["SIZE"]);
        Assert.Equal("blue", row["COLOR"]);
        var invalid = await server.ApplyAsync(widget.Replace("size: 3", "size: big", StringComparison.Ordinal));
        Assert.Equal(1, invalid.ExitCode);
        Assert.Contains("spec.size", invalid.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_ReadsServedSchemas()
    {
        var r = (await server.KubectlAsync("explain", "pvc.spec")).Ok();
        Assert.Contains("storageClassName", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("accessModes", r.Stdout, StringComparison.Ordinal);
    }
}
