using System.Diagnostics;
using System.Text;

namespace Kura.Cli.Tests;

/// <summary>
/// Three embedded nodes and their failures, as a user drives them with `kura node stop|start`
/// and the real kubectl: a stateless pod moves to a live node; a pod whose node-local volume is on
/// a stopped node waits (Pending, with the scheduler's reason) instead of starting empty elsewhere,
/// and gets its data back when the node returns.
/// </summary>
public sealed class NodeFailureTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("kura-nodes-").FullName;
    private ServerProcess _server = null!;

    private string Home => Path.Combine(_root, "home");

    public async Task InitializeAsync()
    {
        _server = new ServerProcess(Home, "--nodes", "3", "--node-monitor-grace-period", "4", "--default-unreachable-toleration-seconds", "2");
        await _server.StartAsync();
        var ca = Convert.ToBase64String(Encoding.UTF8.GetBytes(await File.ReadAllTextAsync(Path.Combine(Home, "server", "pki", "ca.crt"))));
        await File.WriteAllTextAsync(Path.Combine(_root, "kubeconfig"), $"""
            apiVersion: v1
            kind: Config
            clusters: [{"{"}name: kura, cluster: {"{"}server: "{_server.Url}", certificate-authority-data: {ca}{"}"}{"}"}]
            users: [{"{"}name: kura, user: {"{"}token: {_server.Token}{"}"}{"}"}]
            contexts: [{"{"}name: kura, context: {"{"}cluster: kura, user: kura, namespace: default{"}"}{"}"}]
            current-context: kura
            """);
        var archive = Path.Combine(_root, "busybox.tar");
        Node.Tests.Fixtures.TestImages.BuildBusyboxArchive(archive, "busybox:latest");
        var load = await RunAsync("dotnet", ServerProcess.KuraDll, "image", "load", "--home", Home, archive);
        Assert.True(load.Code == 0, load.Output);
    }

    public async Task DisposeAsync()
    {
        // A graceful stop first (serve stops its agents and waits for them), then the hard kill.
        var down = await RunAsync("dotnet", ServerProcess.KuraDll, "down", "--purge", "--home", Home);
        Assert.True(down.Code == 0, down.Output);
        await _server.DisposeAsync();
        for (var attempt = 0; Directory.Exists(_root); attempt++)
        {
            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException) when (attempt < 20)
            {
                await Task.Delay(250);
            }
        }
    }

    [Fact]
    public async Task StoppedNode_StatelessPodOfADeploymentMovesToALiveNode()
    {
        await WaitAsync(["get", "nodes", "--no-headers"], o => o.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.Contains(" Ready ", StringComparison.Ordinal)) == 3);
        (await KubectlAsync(["apply", "-f", "-"], """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 1
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
        var first = await WaitAsync(["get", "pods", "-l", "app=web", "-o", "jsonpath={.items[0].spec.nodeName}"], o => o.StartsWith("kura-node-", StringComparison.Ordinal));
        Assert.StartsWith("kura-node-", first, StringComparison.Ordinal);

        var stop = await RunAsync("dotnet", ServerProcess.KuraDll, "node", "stop", "--home", Home, first);
        Assert.True(stop.Code == 0, stop.Output);
        await WaitAsync(["get", "node", first, "--no-headers"], o => o.Contains("NotReady", StringComparison.Ordinal));
        // The old pod is evicted (it stays Terminating: its node cannot confirm), a replacement runs elsewhere.
        var moved = await WaitAsync(["get", "pods", "-l", "app=web", "-o", "jsonpath={range .items[*]}{.status.phase} {.spec.nodeName}{\"\\n\"}{end}"],
            o => o.Split('\n').Any(l => l.StartsWith("Running kura-node-", StringComparison.Ordinal) && !l.EndsWith(first, StringComparison.Ordinal)), attempts: 600);
        Assert.Contains(moved.Split('\n'), l => l.StartsWith("Running ", StringComparison.Ordinal) && !l.EndsWith(first, StringComparison.Ordinal));
        var events = (await KubectlAsync(["get", "events", "--field-selector", "reason=TaintManagerEviction"], null)).Ok().Stdout;
        Assert.Contains("Marking for deletion Pod default/web-", events, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoppedNode_PodWithALocalVolumeWaitsForItsNodeAndGetsItsDataBack()
    {
        var nodes = await WaitAsync(["get", "nodes", "--no-headers"], o => o.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.Contains(" Ready ", StringComparison.Ordinal)) == 3);
        Assert.Equal(3, nodes.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var early = (await KubectlAsync(["get", "events", "-A"], null)).Stdout;
        Assert.DoesNotContain("FailedScheduling", early, StringComparison.Ordinal);

        // A node-local volume: its pod must wait for its node, never start empty elsewhere.
        (await KubectlAsync(["apply", "-f", "-"], """
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata:
              name: keeper-data
            spec:
              accessModes: [ReadWriteOnce]
              resources:
                requests:
                  storage: 32Mi
            """)).Ok();
        const string keeper = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: keeper
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: app
                image: busybox
                imagePullPolicy: IfNotPresent
                command: [sh, -c, "[ -f /data/out.txt ] || echo $RANDOM$RANDOM$RANDOM > /data/out.txt; cat /data/out.txt; sleep 3600"]
                volumeMounts:
                - {name: data, mountPath: /data}
              volumes:
              - name: data
                persistentVolumeClaim: {claimName: keeper-data}
            """;
        (await KubectlAsync(["apply", "-f", "-"], keeper)).Ok();
        var home = (await WaitAsync(["get", "pod", "keeper", "-o", "jsonpath={.status.phase} {.spec.nodeName}"], o => o.StartsWith("Running kura-node-", StringComparison.Ordinal))).Split(' ')[1];
        var written = await WaitAsync(["logs", "keeper"], o => o.Trim().Length > 0);
        Assert.True((await RunAsync("dotnet", ServerProcess.KuraDll, "node", "stop", "--home", Home, home)).Code == 0);
        await WaitAsync(["get", "node", home, "--no-headers"], o => o.Contains("NotReady", StringComparison.Ordinal));
        (await KubectlAsync(["delete", "pod", "keeper", "--force", "--grace-period=0"], null)).Ok();
        (await KubectlAsync(["apply", "-f", "-"], keeper)).Ok();
        var events = await WaitAsync(["get", "events", "--field-selector", "involvedObject.name=keeper,reason=FailedScheduling", "-o", "jsonpath={.items[*].message}"], o => o.Contains("volume node affinity conflict", StringComparison.Ordinal));
        Assert.Contains("volume node affinity conflict", events, StringComparison.Ordinal);
        Assert.Equal("Pending", (await KubectlAsync(["get", "pod", "keeper", "-o", "jsonpath={.status.phase}"], null)).Ok().Stdout);

        Assert.True((await RunAsync("dotnet", ServerProcess.KuraDll, "node", "start", "--home", Home, home)).Code == 0);
        await WaitAsync(["get", "pod", "keeper", "-o", "jsonpath={.status.phase}"], o => o == "Running", attempts: 600);
        var back = await WaitAsync(["logs", "keeper"], o => o.Trim().Length > 0);
        Assert.Equal(written.Trim(), back.Trim());
        Assert.Equal(home, (await KubectlAsync(["get", "pod", "keeper", "-o", "jsonpath={.spec.nodeName}"], null)).Ok().Stdout);
    }

    private async Task<string> WaitAsync(string[] args, Func<string, bool> done, int attempts = 300)
    {
        var last = "";
        for (var i = 0; i < attempts; i++)
        {
            last = (await KubectlAsync(args, null)).Stdout;
            if (done(last))
            {
                return last;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"kubectl {string.Join(' ', args)} never satisfied the condition; last output:\n{last}");
    }

    private Task<Run> KubectlAsync(string[] args, string? stdin) =>
        RunAsync("kubectl", stdin, ["--kubeconfig", Path.Combine(_root, "kubeconfig"), "--cache-dir", Path.Combine(_root, "cache"), .. args]);

    private static Task<Run> RunAsync(string exe, params string[] args) => RunAsync(exe, null, args);

    private static async Task<Run> RunAsync(string exe, string? stdin, string[] args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin is not null };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await p.StandardInput.WriteAsync(stdin);
            p.StandardInput.Close();
        }

        await p.WaitForExitAsync();
        return new Run(p.ExitCode, await stdout, await stderr);
    }
}

internal sealed record Run(int Code, string Stdout, string Stderr)
{
    public string Output => Stdout + Stderr;

    public Run Ok()
    {
        Assert.True(Code == 0, Output);
        return this;
    }
}
