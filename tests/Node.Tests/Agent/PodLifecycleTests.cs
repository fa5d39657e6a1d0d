using Kura.ApiServer.Tests.Fixtures;

namespace Kura.Node.Tests.Agent;

/// <summary>
/// Pods really run, as a user sees them through the real kubectl: seed 000's emptyDir and
/// node-local volume flows, restarts, and the statuses and events of broken manifests.
/// </summary>
public sealed class PodLifecycleTests(NodeClusterFixture cluster) : IClassFixture<NodeClusterFixture>
{
    private static string Pod(string name, string ns, string volume, string command) => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{name}}
          namespace: {{ns}}
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: app
            image: busybox
            imagePullPolicy: IfNotPresent
            command: [sh, -c, "{{command}}"]
            volumeMounts:
            - name: data
              mountPath: /data
          volumes:
          - name: data
        {{volume}}
        """;

    private const string WriteOnce = "[ -f /data/out.txt ] || echo $RANDOM$RANDOM$RANDOM > /data/out.txt; cat /data/out.txt; sleep 3600";

    private async Task<string> RunningOutputAsync(string ns, string name)
    {
        await cluster.WaitForOutputAsync(["-n", ns, "get", "pod", name, "-o", "jsonpath={.status.phase}"], o => o == "Running", attempts: 300);
        return await cluster.WaitForOutputAsync(["-n", ns, "logs", name], o => o.Length > 0, attempts: 100);
    }

    private async Task RecreateAsync(string ns, string name, string yaml)
    {
        (await cluster.KubectlAsync(["-n", ns, "delete", "pod", name, "--wait=true", "--timeout=60s"])).Ok();
        (await cluster.ApplyAsync(yaml)).Ok();
    }

    [Fact]
    public async Task EmptyDir_PodRecreated_DataIsGone()
    {
        (await cluster.KubectlAsync("create", "namespace", "seed-emptydir")).Ok();
        var yaml = Pod("emptydir-app", "seed-emptydir", "    emptyDir: {}", WriteOnce);
        (await cluster.ApplyAsync(yaml)).Ok();
        var first = await RunningOutputAsync("seed-emptydir", "emptydir-app");
        await RecreateAsync("seed-emptydir", "emptydir-app", yaml);
        var second = await RunningOutputAsync("seed-emptydir", "emptydir-app");
        Assert.NotEqual(first.Trim(), second.Trim());
    }

    [Fact]
    public async Task LocalClaim_PodRecreated_DataSurvives()
    {
        (await cluster.KubectlAsync("create", "namespace", "seed-local")).Ok();
        (await cluster.ApplyAsync("""
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata:
              name: local-claim
              namespace: seed-local
            spec:
              accessModes: [ReadWriteOnce]
              resources:
                requests:
                  storage: 64Mi
            """)).Ok();
        var yaml = Pod("local-app", "seed-local", "    persistentVolumeClaim:\n      claimName: local-claim", WriteOnce);
        (await cluster.ApplyAsync(yaml)).Ok();
        var first = await RunningOutputAsync("seed-local", "local-app");
        Assert.Matches(@"^\d+\s*$", first);
        await RecreateAsync("seed-local", "local-app", yaml);
        var second = await RunningOutputAsync("seed-local", "local-app");
        Assert.Equal(first.Trim(), second.Trim());
    }

    [Fact]
    public async Task ScheduledPodWithANewClaim_IsProvisionedOnItsNodeAndRuns()
    {
        (await cluster.KubectlAsync("create", "namespace", "seed-wffc")).Ok();
        (await cluster.ApplyAsync("""
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata:
              name: data
              namespace: seed-wffc
            spec:
              accessModes: [ReadWriteOnce]
              resources:
                requests:
                  storage: 32Mi
            """)).Ok();
        Assert.Equal("Pending", (await cluster.KubectlAsync("-n", "seed-wffc", "get", "pvc", "data", "-o", "jsonpath={.status.phase}")).Ok().Stdout);
        (await cluster.ApplyAsync("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: app
              namespace: seed-wffc
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: app
                image: busybox
                imagePullPolicy: IfNotPresent
                command: [sh, -c, "echo hello > /data/out.txt; cat /data/out.txt; sleep 3600"]
                volumeMounts:
                - {name: data, mountPath: /data}
              volumes:
              - name: data
                persistentVolumeClaim: {claimName: data}
            """)).Ok();
        Assert.Equal("hello\n", await RunningOutputAsync("seed-wffc", "app"));
        var wide = (await cluster.KubectlAsync("-n", "seed-wffc", "get", "pod", "app", "-o", "wide")).Ok().Stdout;
        Assert.Contains(NodeClusterFixture.NodeName, wide, StringComparison.Ordinal);
        var claim = (await cluster.KubectlAsync("-n", "seed-wffc", "get", "pvc", "data", "-o", "jsonpath={.status.phase} {.metadata.annotations.volume\\.kubernetes\\.io/selected-node}")).Ok().Stdout;
        Assert.Equal($"Bound {NodeClusterFixture.NodeName}", claim);
    }

    [Fact]
    public async Task CrashingContainer_IsRestartedAndCounted()
    {
        (await cluster.ApplyAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: crasher
            spec:
              nodeName: {{NodeClusterFixture.NodeName}}
              terminationGracePeriodSeconds: 1
              containers:
              - name: app
                image: busybox
                imagePullPolicy: IfNotPresent
                command: [sh, -c, "echo attempt; exit 1"]
            """)).Ok();
        var restarts = await cluster.WaitForOutputAsync(["get", "pod", "crasher", "-o", "jsonpath={.status.containerStatuses[0].restartCount}"], o => int.TryParse(o, out var n) && n >= 1, attempts: 300);
        Assert.True(int.Parse(restarts, System.Globalization.CultureInfo.InvariantCulture) >= 1, restarts);
        var reason = await cluster.WaitForOutputAsync(["get", "pod", "crasher", "-o", "jsonpath={.status.containerStatuses[0].lastState.terminated.reason}"], o => o == "Error", attempts: 300);
        Assert.Equal("Error", reason);
        var table = (await cluster.KubectlAsync("get", "pod", "crasher")).Ok().Stdout;
        Assert.Matches(@"crasher\s+0/1\s+(CrashLoopBackOff|Error|Running)\s+\d", table);
    }

    [Fact]
    public async Task MissingConfigMap_GivesCreateContainerConfigError()
    {
        (await cluster.ApplyAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: needs-config
            spec:
              nodeName: {{NodeClusterFixture.NodeName}}
              containers:
              - name: app
                image: busybox
                imagePullPolicy: IfNotPresent
                command: [sleep, "3600"]
                env:
                - name: MODE
                  valueFrom:
                    configMapKeyRef:
                      name: absent
                      key: mode
            """)).Ok();
        var reason = await cluster.WaitForOutputAsync(["get", "pod", "needs-config", "-o", "jsonpath={.status.containerStatuses[0].state.waiting.reason}"], o => o == "CreateContainerConfigError", attempts: 200);
        Assert.Equal("CreateContainerConfigError", reason);
        var events = await cluster.WaitForOutputAsync(["get", "events", "--field-selector", "involvedObject.name=needs-config"], o => o.Contains("configmap \"absent\" not found", StringComparison.Ordinal));
        Assert.Contains("Error: configmap \"absent\" not found", events, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigMapVolume_FilesAppearInTheContainer()
    {
        (await cluster.KubectlAsync("create", "configmap", "handson-config", "--from-literal=name=handson", "--from-literal=env=develop")).Ok();
        (await cluster.ApplyAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: reads-config
            spec:
              nodeName: {{NodeClusterFixture.NodeName}}
              terminationGracePeriodSeconds: 1
              containers:
              - name: app
                image: busybox
                imagePullPolicy: IfNotPresent
                command: [sh, -c, "cat /etc/handson/name; echo; cat /etc/handson/env; echo; sleep 3600"]
                volumeMounts:
                - name: config
                  mountPath: /etc/handson
              volumes:
              - name: config
                configMap:
                  name: handson-config
            """)).Ok();
        var output = await RunningOutputAsync("default", "reads-config");
        Assert.Contains("handson", output, StringComparison.Ordinal);
        Assert.Contains("develop", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InitContainers_RunInOrderBeforeTheContainers()
    {
        (await cluster.ApplyAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: with-init
            spec:
              nodeName: {{NodeClusterFixture.NodeName}}
              terminationGracePeriodSeconds: 1
              initContainers:
              - name: first
                image: busybox
                imagePullPolicy: IfNotPresent
                command: [sh, -c, "echo one >> /work/order"]
                volumeMounts:
                - {name: work, mountPath: /work}
              - name: second
                image: busybox
                imagePullPolicy: IfNotPresent
                command: [sh, -c, "echo two >> /work/order"]
                volumeMounts:
                - {name: work, mountPath: /work}
              containers:
              - name: app
                image: busybox
                imagePullPolicy: IfNotPresent
                command: [sh, -c, "cat /work/order; sleep 3600"]
                volumeMounts:
                - {name: work, mountPath: /work}
              volumes:
              - name: work
                emptyDir: {}
            """)).Ok();
        Assert.Equal("one\ntwo\n", await RunningOutputAsync("default", "with-init"));
        Assert.Equal("Completed Completed", (await cluster.KubectlAsync("get", "pod", "with-init", "-o", "jsonpath={.status.initContainerStatuses[*].state.terminated.reason}")).Ok().Stdout);
    }

    [Fact]
    public async Task MissingConfigMapVolume_GivesFailedMountAndWaits()
    {
        (await cluster.ApplyAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: needs-volume
            spec:
              nodeName: {{NodeClusterFixture.NodeName}}
              terminationGracePeriodSeconds: 1
              containers:
              - name: app
                image: busybox
                imagePullPolicy: IfNotPresent
                command: [sleep, "3600"]
                volumeMounts:
                - {name: config, mountPath: /etc/app}
              volumes:
              - name: config
                configMap: {name: not-there}
            """)).Ok();
        var events = await cluster.WaitForOutputAsync(["get", "events", "--field-selector", "involvedObject.name=needs-volume,reason=FailedMount", "-o", "jsonpath={.items[*].message}"], o => o.Length > 0);
        Assert.Equal("MountVolume.SetUp failed for volume \"config\" : configmap \"not-there\" not found", events);
        var table = (await cluster.KubectlAsync("get", "pod", "needs-volume")).Ok().Stdout;
        Assert.Matches(@"needs-volume\s+0/1\s+ContainerCreating", table);

        // Once the ConfigMap exists the pod starts.
        (await cluster.KubectlAsync("create", "configmap", "not-there", "--from-literal=a=b")).Ok();
        Assert.Equal("Running", await cluster.WaitForOutputAsync(["get", "pod", "needs-volume", "-o", "jsonpath={.status.phase}"], o => o == "Running", attempts: 400));
    }

    [Fact]
    public async Task MissingClaim_IsUnschedulableWithTheSchedulersReason()
    {
        (await cluster.ApplyAsync("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: needs-claim
            spec:
              containers:
              - name: app
                image: busybox
                command: [sleep, "3600"]
                volumeMounts:
                - {name: data, mountPath: /data}
              volumes:
              - name: data
                persistentVolumeClaim: {claimName: no-such-claim}
            """)).Ok();
        var message = await cluster.WaitForOutputAsync(["get", "pod", "needs-claim", "-o", "jsonpath={.status.conditions[?(@.type==\"PodScheduled\")].message}"], o => o.Length > 0);
        Assert.Equal("0/1 nodes are available: persistentvolumeclaim \"no-such-claim\" not found. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.", message);
    }

    [Fact]
    public async Task UnknownImage_GivesErrImagePull()
    {
        (await cluster.ApplyAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: bad-image
            spec:
              nodeName: {{NodeClusterFixture.NodeName}}
              containers:
              - name: app
                image: 127.0.0.1:1/nothing/here:v1
            """)).Ok();
        var reason = await cluster.WaitForOutputAsync(["get", "pod", "bad-image", "-o", "jsonpath={.status.containerStatuses[0].state.waiting.reason}"], o => o is "ErrImagePull" or "ImagePullBackOff", attempts: 300);
        Assert.True(reason is "ErrImagePull" or "ImagePullBackOff", reason);
        var events = (await cluster.KubectlAsync("get", "events", "--field-selector", "involvedObject.name=bad-image")).Ok().Stdout;
        Assert.Contains("Failed to pull image \"127.0.0.1:1/nothing/here:v1\"", events, StringComparison.Ordinal);
    }
}

/// <summary>kubectl exec and logs against a running pod (remotecommand over WebSockets, relayed by the API server).</summary>
public sealed class ExecAndLogsTests(NodeClusterFixture cluster) : IClassFixture<NodeClusterFixture>
{
    private async Task RunningAsync(string name, string command = "echo started; sleep 3600")
    {
        (await cluster.ApplyAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: {{name}}
            spec:
              nodeName: {{NodeClusterFixture.NodeName}}
              terminationGracePeriodSeconds: 1
              containers:
              - name: app
                image: busybox
                imagePullPolicy: IfNotPresent
                command: [sh, -c, "{{command}}"]
            """)).Ok();
        await cluster.WaitForOutputAsync(["get", "pod", name, "-o", "jsonpath={.status.phase}"], o => o == "Running", attempts: 300);
    }

    [Fact]
    public async Task Exec_Command_StdoutAndStderrComeBack()
    {
        await RunningAsync("exec-streams");
        var result = await cluster.KubectlAsync("exec", "exec-streams", "--", "sh", "-c", "echo out; echo err >&2");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("out\n", result.Stdout);
        Assert.Contains("err", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exec_NonZeroExit_IsKubectlsExitCode()
    {
        await RunningAsync("exec-exit");
        var result = await cluster.KubectlAsync("exec", "exec-exit", "--", "sh", "-c", "exit 3");
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("command terminated with exit code 3", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exec_Stdin_ReachesTheProcess()
    {
        await RunningAsync("exec-stdin");
        var result = await cluster.KubectlAsync(["exec", "-i", "exec-stdin", "--", "cat"], "hello from stdin\n");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("hello from stdin\n", result.Stdout);
    }

    [Fact]
    public async Task Exec_WritesAFileTheNextExecReads()
    {
        await RunningAsync("exec-write");
        (await cluster.KubectlAsync("exec", "exec-write", "--", "sh", "-c", "echo 'hello ebs!' > /tmp/test.txt")).Ok();
        Assert.Equal("hello ebs!\n", (await cluster.KubectlAsync("exec", "exec-write", "--", "cat", "/tmp/test.txt")).Ok().Stdout);
    }

    [Fact]
    public async Task Logs_TailAndTimestamps_AreApplied()
    {
        await RunningAsync("logs-lines", "echo one; echo two; echo three; sleep 3600");
        await cluster.WaitForOutputAsync(["logs", "logs-lines"], o => o.Contains("three", StringComparison.Ordinal));
        Assert.Equal("three\n", (await cluster.KubectlAsync("logs", "logs-lines", "--tail=1")).Ok().Stdout);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT[\d:.]+Z one\n", (await cluster.KubectlAsync("logs", "logs-lines", "--timestamps")).Ok().Stdout);
    }

    [Fact]
    public async Task Logs_Previous_ShowsTheCrashedInstance()
    {
        await RunningAsync("logs-previous", "if [ -f /tmp/ran ]; then echo second; sleep 3600; else touch /tmp/ran; echo first; exit 1; fi");
        await cluster.WaitForOutputAsync(["get", "pod", "logs-previous", "-o", "jsonpath={.status.containerStatuses[0].restartCount}"], o => o == "1", attempts: 300);
        var previous = await cluster.WaitForOutputAsync(["logs", "logs-previous", "--previous"], o => o.Contains("first", StringComparison.Ordinal));
        Assert.Equal("first\n", previous);
    }

    [Fact]
    public async Task Logs_UnknownContainer_IsRejected()
    {
        await RunningAsync("logs-bad");
        var result = await cluster.KubectlAsync("logs", "logs-bad", "-c", "nope");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("container nope is not valid for pod logs-bad", result.Stderr, StringComparison.Ordinal);
    }
}
