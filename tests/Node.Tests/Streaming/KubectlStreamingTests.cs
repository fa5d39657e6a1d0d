using System.Diagnostics;
using System.Text.Json.Nodes;
using Kura.ApiServer.Tests.Fixtures;

namespace Kura.Node.Tests.Streaming;

/// <summary>
/// The API server with a Node whose streaming endpoint is an in-test node streaming server over a
/// real runc container; pods placed on it by spec.nodeName; the real kubectl.
/// </summary>
public sealed class KubectlStreamingFixture : ServerFixture, IAsyncLifetime
{
    public const string NodeName = "stream-node";

    public StreamingTestBed Bed { get; private set; } = null!;

    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Bed = await StreamingTestBed.StartAsync(Host.Token);
        (await ApplyAsync($"""
            apiVersion: v1
            kind: Node
            metadata:
              name: {NodeName}
            """)).Ok();
        var status = new JsonObject
        {
            ["status"] = new JsonObject
            {
                ["addresses"] = new JsonArray(new JsonObject { ["type"] = "InternalIP", ["address"] = "127.0.0.1" }),
                ["daemonEndpoints"] = new JsonObject { ["kubeletEndpoint"] = new JsonObject { ["Port"] = Bed.Server.Port } },
            },
        };
        (await KubectlAsync("patch", "node", NodeName, "--subresource=status", "--type=merge", "-p", status.ToJsonString())).Ok();
    }

    /// <summary>A Running pod on the node with the given containers.</summary>
    public async Task CreatePodAsync(string name, string? node = NodeName, params string[] containers)
    {
        var placement = node is null ? "  schedulerName: no-such-scheduler" : $"  nodeName: {node}";
        (await ApplyAsync($"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: {name}
            spec:
            {placement}
              containers:
            {string.Join("\n", (containers.Length == 0 ? ["app"] : containers).Select(c => $"  - name: {c}\n    image: busybox"))}
            """)).Ok();
        if (node is not null)
        {
            (await KubectlAsync("patch", "pod", name, "--subresource=status", "--type=merge", "-p", """{"status":{"phase":"Running"}}""")).Ok();
        }
    }

    public override async Task DisposeAsync()
    {
        if (Bed is not null)
        {
            await Bed.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}

public sealed class KubectlStreamingTests(KubectlStreamingFixture fixture) : IClassFixture<KubectlStreamingFixture>
{
    private static string Record(int second, string text) => $"2026-03-01T10:00:{second:00}.25Z stdout F {text}\n";

    /// <summary>Pod {name} (container app) on the node: restarted once, its logs written by hand.</summary>
    private async Task<string> LogPodAsync(string name)
    {
        await fixture.CreatePodAsync(name);
        var handle = fixture.Bed.Handle("app", restartCount: 1) with { LogDirectory = fixture.Bed.LogDirectory(name) };
        fixture.Bed.Containers.Set("default", name, handle);
        await File.WriteAllTextAsync(Path.Combine(handle.LogDirectory, "0.log"), Record(1, "before the restart"));
        await File.WriteAllTextAsync(Path.Combine(handle.LogDirectory, "1.log"), Record(2, "one") + Record(3, "two") + Record(4, "three"));
        return handle.LogDirectory;
    }

    [Fact]
    public async Task Logs_All_Tail_Timestamps_Previous_Limit()
    {
        await LogPodAsync("logs-1");
        Assert.Equal("one\ntwo\nthree\n", (await fixture.KubectlAsync("logs", "logs-1")).Ok().Stdout);
        Assert.Equal("three\n", (await fixture.KubectlAsync("logs", "logs-1", "--tail=1")).Ok().Stdout);
        Assert.Equal("2026-03-01T10:00:04.250000000Z three\n", (await fixture.KubectlAsync("logs", "logs-1", "--tail=1", "--timestamps")).Ok().Stdout);
        Assert.Equal("before the restart\n", (await fixture.KubectlAsync("logs", "logs-1", "--previous")).Ok().Stdout);
        Assert.Equal("one\ntw", (await fixture.KubectlAsync("logs", "logs-1", "--limit-bytes=6")).Ok().Stdout);
        Assert.Equal("one\ntwo\nthree\n", (await fixture.KubectlAsync("logs", "pod/logs-1", "-c", "app")).Ok().Stdout);
    }

    [Fact]
    public async Task Logs_Follow_StreamsAppendedLines()
    {
        var dir = await LogPodAsync("logs-f");
        var psi = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--kubeconfig", fixture.Kubeconfig, "logs", "-f", "logs-f", "--tail=1" })
        {
            psi.ArgumentList.Add(a);
        }

        using var kubectl = Process.Start(psi)!;
        try
        {
            Assert.Equal("three", await kubectl.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)));
            await File.AppendAllTextAsync(Path.Combine(dir, "1.log"), Record(5, "four"));
            Assert.Equal("four", await kubectl.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)));
            Assert.False(kubectl.HasExited);
        }
        finally
        {
            kubectl.Kill();
            await kubectl.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Logs_Refusals()
    {
        await fixture.CreatePodAsync("waiting-1");
        fixture.Bed.Containers.Set("default", "waiting-1", fixture.Bed.Handle("app", running: false) with { ContainerId = null, LogDirectory = fixture.Bed.LogDirectory("waiting-1") });
        var waiting = await fixture.KubectlAsync("logs", "waiting-1");
        Assert.NotEqual(0, waiting.ExitCode);
        Assert.Contains("Error from server (BadRequest): container \"app\" in pod \"waiting-1\" is waiting to start: ContainerCreating", waiting.Stderr);

        var previous = await fixture.KubectlAsync("logs", "waiting-1", "--previous");
        Assert.Contains("Error from server (BadRequest): previous terminated container \"app\" in pod \"waiting-1\" not found", previous.Stderr);

        var unknown = await fixture.KubectlAsync("logs", "waiting-1", "-c", "nope");
        Assert.Contains("container nope is not valid for pod waiting-1", unknown.Stderr);

        await fixture.CreatePodAsync("multi-1", KubectlStreamingFixture.NodeName, "a", "b");
        var raw = await fixture.KubectlAsync("get", "--raw", "/api/v1/namespaces/default/pods/multi-1/log");
        Assert.Contains("a container name must be specified for pod multi-1, choose one of: [a b]", raw.Stderr);

        // Not scheduled: an empty log, as upstream answers.
        await fixture.CreatePodAsync("floating-1", node: null);
        Assert.Equal("", (await fixture.KubectlAsync("logs", "floating-1")).Ok().Stdout);
    }

    [Fact]
    public async Task Exec_StdoutAndStderr()
    {
        await ExecPodAsync("exec-1");
        var result = (await fixture.KubectlAsync("exec", "exec-1", "--", "sh", "-c", "echo out; echo err >&2")).Ok();
        Assert.Equal("out\n", result.Stdout);
        Assert.Equal("err\n", result.Stderr);
    }

    [Fact]
    public async Task Exec_ExitCode()
    {
        await ExecPodAsync("exec-2");
        var result = await fixture.KubectlAsync("exec", "exec-2", "--", "sh", "-c", "exit 3");
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("command terminated with exit code 3", result.Stderr);
    }

    [Fact]
    public async Task Exec_Stdin()
    {
        await ExecPodAsync("exec-3");
        var result = (await fixture.KubectlAsync(["exec", "-i", "exec-3", "--", "cat"], "hi\n")).Ok();
        Assert.Equal("hi\n", result.Stdout);
    }

    [Fact]
    public async Task Exec_Refusals()
    {
        await fixture.CreatePodAsync("floating-2", node: null);
        var unscheduled = await fixture.KubectlAsync("exec", "floating-2", "--", "true");
        Assert.NotEqual(0, unscheduled.ExitCode);
        Assert.Contains("Error from server (BadRequest): pod floating-2 does not have a host assigned", unscheduled.Stderr);

        await fixture.CreatePodAsync("stopped-1");
        fixture.Bed.Containers.Set("default", "stopped-1", fixture.Bed.Handle("app", running: false));
        var stopped = await fixture.KubectlAsync("exec", "stopped-1", "--", "true");
        Assert.NotEqual(0, stopped.ExitCode);
        Assert.Contains("unable to upgrade connection: container not found (\"app\")", stopped.Stderr);

        await ExecPodAsync("exec-4");
        var missing = await fixture.KubectlAsync("exec", "exec-4", "--", "/no/such/program");
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("error executing command in container", missing.Stderr);
    }

    [Fact]
    public async Task Exec_Tty_ThroughTheApiServer()
    {
        await ExecPodAsync("exec-tty");
        var uri = new Uri(fixture.Host.Url.Replace("https://", "wss://", StringComparison.Ordinal)
            + "/api/v1/namespaces/default/pods/exec-tty/exec?" + ExecClient.Query(true, true, "sh", "-c", "read x; stty size"));
        var result = await ExecClient.RunAsync(uri, fixture.Host.Token, stdin: "go\n", resize: (120, 40), trustAnyCertificate: true);
        Assert.Contains("40 120", result.Stdout);
        Assert.Equal("Success", result.Status?["status"]?.GetValue<string>());
    }

    private async Task ExecPodAsync(string name)
    {
        await fixture.CreatePodAsync(name);
        fixture.Bed.Containers.Set("default", name, fixture.Bed.Handle("app"));
    }
}
