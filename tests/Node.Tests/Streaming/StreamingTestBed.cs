using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Kura.Node.Runtime;
using Kura.Node.Streaming;

namespace Kura.Node.Tests.Streaming;

/// <summary>A fake node's container directory: whatever the test registers.</summary>
public sealed class FakeContainers : IContainerDirectory
{
    private readonly ConcurrentDictionary<(string, string, string), ContainerHandle> _handles = new();

    public void Set(string ns, string pod, ContainerHandle handle) => _handles[(ns, pod, handle.ContainerName)] = handle;

    public ContainerHandle? Find(string ns, string pod, string container) => _handles.GetValueOrDefault((ns, pod, container));
}

/// <summary>
/// A busybox container run detached by the real runc (rootfs built from /bin/busybox, config from
/// `runc spec`, no network namespace), and a node streaming server over a fake container directory.
/// </summary>
public sealed class StreamingTestBed : IAsyncDisposable
{
    public const string Token = "node-test-token";

    private StreamingTestBed(string root, string containerId, NodeStreamingServer server, FakeContainers containers)
    {
        Root = root;
        ContainerId = containerId;
        Server = server;
        Containers = containers;
    }

    public string Root { get; }

    public string RuncRoot => Path.Combine(Root, "runc");

    public string ContainerId { get; }

    public NodeStreamingServer Server { get; }

    public FakeContainers Containers { get; }

    public string BaseUrl => $"http://127.0.0.1:{Server.Port}";

    public static async Task<StreamingTestBed> StartAsync(string token = Token)
    {
        var root = Directory.CreateTempSubdirectory("kura-stream-").FullName;
        var id = "kura-st-" + Guid.NewGuid().ToString("N")[..10];
        await StartContainerAsync(root, id);
        var containers = new FakeContainers();
        var server = await NodeStreamingServer.StartAsync("127.0.0.1", 0, token, containers, CancellationToken.None);
        return new StreamingTestBed(root, id, server, containers);
    }

    /// <summary>A handle for the running container, with its log directory under the test root.</summary>
    public ContainerHandle Handle(string name = "app", int restartCount = 0, bool running = true, string? id = null) =>
        new("uid-1", name, id ?? ContainerId, RuncRoot, LogDirectory(name), restartCount, running);

    public string LogDirectory(string name)
    {
        var dir = Path.Combine(Root, "logs", name);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static async Task StartContainerAsync(string root, string id)
    {
        var bundle = Path.Combine(root, "bundle");
        var bin = Path.Combine(bundle, "rootfs", "bin");
        Directory.CreateDirectory(bin);
        File.Copy("/bin/busybox", Path.Combine(bin, "busybox"));
        var (_, list, _) = await RunAsync("/bin/busybox", "--list");
        foreach (var applet in list.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(a => a != "busybox"))
        {
            // Relative links: the rootfs is the container's /.
            File.CreateSymbolicLink(Path.Combine(bin, applet), "busybox");
        }

        foreach (var d in new[] { "proc", "sys", "dev", "etc", "tmp" })
        {
            Directory.CreateDirectory(Path.Combine(bundle, "rootfs", d));
        }

        await CheckAsync(RunAsync("runc", "spec", "--bundle", bundle));
        var configPath = Path.Combine(bundle, "config.json");
        var config = JsonNode.Parse(await File.ReadAllTextAsync(configPath))!.AsObject();
        config["process"]!["args"] = new JsonArray("sleep", "3600");
        config["process"]!["terminal"] = false;
        config["root"]!["readonly"] = false;
        var namespaces = config["linux"]!["namespaces"]!.AsArray();
        foreach (var ns in namespaces.Where(n => n?["type"]?.GetValue<string>() == "network").ToList())
        {
            namespaces.Remove(ns);
        }

        await File.WriteAllTextAsync(configPath, config.ToJsonString());
        // Detached, its stdio on /dev/null (the container keeps them open).
        var errors = Path.Combine(root, "runc-run.err");
        var (code, _, _) = await RunAsync("/bin/sh", "-c", "exec \"$@\" </dev/null >/dev/null 2>\"$0\"", errors, "runc", "--root", Path.Combine(root, "runc"), "run", "--detach", "--bundle", bundle, id);
        Assert.True(code == 0, $"runc run failed ({code}): {await File.ReadAllTextAsync(errors)}");
    }

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout, await stderr);
    }

    private static async Task CheckAsync(Task<(int ExitCode, string Stdout, string Stderr)> run)
    {
        var (code, stdout, stderr) = await run;
        Assert.True(code == 0, $"command failed ({code}): {stdout}{stderr}");
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await RunAsync("runc", "--root", RuncRoot, "delete", "--force", ContainerId);
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
