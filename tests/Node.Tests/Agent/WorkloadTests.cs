namespace Kura.Node.Tests.Agent;

/// <summary>
/// Deployments and StatefulSets running real pods, as seeds 004 and 001 drive them with the real
/// kubectl: data written through one pod is read by the next after `rollout restart` and after
/// delete + apply; a StatefulSet's volumeClaimTemplates give `&lt;template&gt;-&lt;set&gt;-&lt;ordinal&gt;`.
/// </summary>
public sealed class WorkloadTests(NodeClusterFixture cluster) : IClassFixture<NodeClusterFixture>
{
    private const string Deployment = """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: ebs-test-volume-pvc
          namespace: seed-004
        spec:
          accessModes: [ReadWriteOnce]
          resources:
            requests:
              storage: 32Mi
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: app
          namespace: seed-004
        spec:
          replicas: 1
          selector:
            matchLabels: {app: app}
          template:
            metadata:
              labels: {app: app}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: app
                image: busybox
                imagePullPolicy: IfNotPresent
                command: [sh, -c, "sleep 10000"]
                volumeMounts:
                - mountPath: /app/data
                  name: ebs-volume
              volumes:
              - name: ebs-volume
                persistentVolumeClaim:
                  claimName: ebs-test-volume-pvc
        """;

    private async Task<string> RunningPodAsync(string ns, string selector)
    {
        var name = await cluster.WaitForOutputAsync(
            ["-n", ns, "get", "pod", "-l", selector, "-o", "jsonpath={range .items[?(@.status.phase==\"Running\")]}{.metadata.name}{\" \"}{.metadata.deletionTimestamp}{\"\\n\"}{end}"],
            o => o.Split('\n').Any(l => l.Trim().Length > 0 && !l.Trim().Contains(' ', StringComparison.Ordinal)), attempts: 300);
        return name.Split('\n').First(l => l.Trim().Length > 0 && !l.Trim().Contains(' ', StringComparison.Ordinal)).Trim();
    }

    [Fact]
    public async Task Seed004_DataSurvivesRolloutRestartAndDeleteApply()
    {
        (await cluster.KubectlAsync("create", "namespace", "seed-004")).Ok();
        (await cluster.ApplyAsync(Deployment)).Ok();
        var pod = await RunningPodAsync("seed-004", "app=app");
        (await cluster.KubectlAsync("-n", "seed-004", "exec", pod, "--", "sh", "-c", "echo \"hello ebs!\" > /app/data/test.txt")).Ok();
        Assert.Equal("hello ebs!\n", (await cluster.KubectlAsync("-n", "seed-004", "exec", pod, "--", "cat", "/app/data/test.txt")).Ok().Stdout);

        (await cluster.KubectlAsync("-n", "seed-004", "rollout", "restart", "deployment", "app")).Ok();
        var status = await cluster.KubectlAsync(["-n", "seed-004", "rollout", "status", "deployment", "app", "--timeout=90s"], null, TimeSpan.FromSeconds(100));
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("deployment \"app\" successfully rolled out", status.Stdout, StringComparison.Ordinal);
        var restarted = await RunningPodAsync("seed-004", "app=app");
        Assert.NotEqual(pod, restarted);
        Assert.Equal("hello ebs!\n", (await cluster.KubectlAsync("-n", "seed-004", "exec", restarted, "--", "cat", "/app/data/test.txt")).Ok().Stdout);

        var history = (await cluster.KubectlAsync("-n", "seed-004", "rollout", "history", "deployment", "app")).Ok().Stdout;
        Assert.Matches(@"(?m)^1\s", history);
        Assert.Matches(@"(?m)^2\s", history);

        // Back to revision 1's template, which becomes revision 3.
        (await cluster.KubectlAsync("-n", "seed-004", "rollout", "undo", "deployment", "app")).Ok();
        var undone = await cluster.KubectlAsync(["-n", "seed-004", "rollout", "status", "deployment", "app", "--timeout=90s"], null, TimeSpan.FromSeconds(100));
        Assert.True(undone.ExitCode == 0, undone.ToString());
        Assert.Equal("3", await cluster.WaitForOutputAsync(["-n", "seed-004", "get", "deployment", "app", "-o", "jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}"], o => o == "3"));
        Assert.Empty((await cluster.KubectlAsync("-n", "seed-004", "get", "deployment", "app", "-o", "jsonpath={.spec.template.metadata.annotations}")).Ok().Stdout);

        (await cluster.KubectlAsync(["-n", "seed-004", "delete", "deployment", "app", "--wait=true"], null, TimeSpan.FromSeconds(90))).Ok();
        await cluster.WaitForOutputAsync(["-n", "seed-004", "get", "pods", "-o", "name"], o => o.Trim().Length == 0, attempts: 300);
        (await cluster.ApplyAsync(Deployment)).Ok();
        var again = await RunningPodAsync("seed-004", "app=app");
        Assert.Equal("hello ebs!\n", (await cluster.KubectlAsync("-n", "seed-004", "exec", again, "--", "cat", "/app/data/test.txt")).Ok().Stdout);
    }

    [Fact]
    public async Task Seed001_StatefulSetClaimTemplate_GivesItsOwnClaimKeptAfterDelete()
    {
        (await cluster.KubectlAsync("create", "namespace", "seed-001")).Ok();
        (await cluster.ApplyAsync("""
            apiVersion: apps/v1
            kind: StatefulSet
            metadata:
              name: mongo
              namespace: seed-001
            spec:
              serviceName: mongo
              replicas: 1
              selector:
                matchLabels: {app: mongo}
              template:
                metadata:
                  labels: {app: mongo}
                spec:
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: mongo
                    image: busybox
                    imagePullPolicy: IfNotPresent
                    command: [sh, -c, "hostname > /data/db/host; sleep 3600"]
                    volumeMounts:
                    - name: mongo-pvc
                      mountPath: /data/db
              volumeClaimTemplates:
              - metadata:
                  name: mongo-pvc
                spec:
                  accessModes: [ReadWriteOnce]
                  resources:
                    requests:
                      storage: 32Mi
            """)).Ok();
        await cluster.WaitForOutputAsync(["-n", "seed-001", "get", "pod", "mongo-0", "-o", "jsonpath={.status.phase}"], o => o == "Running", attempts: 300);
        Assert.Equal("Bound", (await cluster.KubectlAsync("-n", "seed-001", "get", "pvc", "mongo-pvc-mongo-0", "-o", "jsonpath={.status.phase}")).Ok().Stdout);
        Assert.Equal("mongo-0\n", (await cluster.KubectlAsync("-n", "seed-001", "exec", "mongo-0", "--", "cat", "/data/db/host")).Ok().Stdout);
        var sts = (await cluster.KubectlAsync("-n", "seed-001", "get", "statefulset", "mongo")).Ok().Stdout;
        Assert.Matches(@"mongo\s+1/1", sts);
        var events = (await cluster.KubectlAsync("-n", "seed-001", "get", "events", "--field-selector", "involvedObject.name=mongo")).Ok().Stdout;
        Assert.Contains("create Claim mongo-pvc-mongo-0 Pod mongo-0 in StatefulSet mongo success", events, StringComparison.Ordinal);

        (await cluster.KubectlAsync(["-n", "seed-001", "delete", "statefulset", "mongo", "--wait=true"], null, TimeSpan.FromSeconds(90))).Ok();
        await cluster.WaitForOutputAsync(["-n", "seed-001", "get", "pods", "-o", "name"], o => o.Trim().Length == 0, attempts: 300);
        Assert.Equal("Bound", (await cluster.KubectlAsync("-n", "seed-001", "get", "pvc", "mongo-pvc-mongo-0", "-o", "jsonpath={.status.phase}")).Ok().Stdout);
    }

    [Fact]
    public async Task ReplicaSetOfADeployment_ScalesAndReplacesDeletedPods()
    {
        (await cluster.KubectlAsync("create", "namespace", "scale")).Ok();
        (await cluster.ApplyAsync("""
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: scale
            spec:
              replicas: 2
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: web
                    image: busybox
                    imagePullPolicy: IfNotPresent
                    command: [sleep, "3600"]
            """)).Ok();
        var ready = await cluster.WaitForOutputAsync(["-n", "scale", "get", "deployment", "web", "-o", "jsonpath={.status.readyReplicas}/{.status.updatedReplicas}"], o => o == "2/2", attempts: 300);
        Assert.Equal("2/2", ready);
        (await cluster.KubectlAsync("-n", "scale", "scale", "deployment", "web", "--replicas=1")).Ok();
        var one = await cluster.WaitForOutputAsync(["-n", "scale", "get", "pods", "-l", "app=web", "--field-selector=status.phase=Running", "-o", "name"], o => o.Trim().Split('\n').Length == 1 && o.Trim().Length > 0, attempts: 300);
        var victim = one.Trim().Split('/')[1];
        (await cluster.KubectlAsync("-n", "scale", "delete", "pod", victim, "--wait=false")).Ok();
        var replaced = await cluster.WaitForOutputAsync(["-n", "scale", "get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].metadata.name}"], o => o.Split(' ').Any(n => n.Length > 0 && n != victim), attempts: 300);
        Assert.Contains(replaced.Split(' '), n => n.StartsWith("web-", StringComparison.Ordinal) && n != victim);
    }
}
