using System.Diagnostics;
using System.Text.Json.Nodes;
using Kura.ApiServer.Hosting;
using Kura.Client;
using Kura.Drivers.Local;
using Kura.Node.Agent;
using Kura.Node.Images;
using Kura.Node.Tests.Fixtures;

// Issue 4 targets: a pod with a local claim, image present: apply → Running p50 under 1 s;
// `kura up --nodes 3` → all nodes Ready under 5 s. No peer runs here (no kubelet on this
// machine), so the figures are absolute.
// Run: dotnet run -c Release --project bench/PodBench
var root = Directory.CreateTempSubdirectory("kura-podbench-").FullName;
try
{
    await PodLatencyAsync(root);
    await ClusterStartAsync(root);
}
finally
{
    Directory.Delete(root, recursive: true);
}

static async Task PodLatencyAsync(string root)
{
    const string node = "bench-node";
    var nodeRoot = Path.Combine(root, "node");
    await using var host = await ApiServerHost.StartAsync(new ApiServerOptions
    {
        DataDirectory = Path.Combine(root, "server"),
        Port = 0,
        CsiDrivers = [new CsiDriverEndpoint(LocalDriver.DriverName, "unix://" + new NodePaths(nodeRoot).CsiSocket(LocalDriver.DriverName), node, LocalDriver.TopologyKey)],
        InstallDefaultStorageClass = true,
    });
    var archive = Path.Combine(root, "busybox.tar");
    TestImages.BuildBusyboxArchive(archive);
    await new ImageStore(Path.Combine(root, "images")).LoadArchiveAsync(archive, CancellationToken.None);
    using var api = new KubeClient(new ClientConfig(new Uri(host.Url), host.Pki.CaPem, host.Token), "podbench");
    await using var agent = new NodeAgent(new NodeAgentOptions { NodeName = node, Root = nodeRoot, ImagesRoot = Path.Combine(root, "images"), StreamingToken = host.Token }, api);
    await agent.StartAsync(CancellationToken.None);

    var latencies = new List<double>();
    var phases = new List<(double Bound, double Scheduled)>();
    for (var i = 0; i < 21; i++)
    {
        var claim = new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = $"data-{i}" },
            ["spec"] = new JsonObject { ["accessModes"] = new JsonArray("ReadWriteOnce"), ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["storage"] = "16Mi" } } },
        };
        var pod = new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = $"bench-{i}" },
            ["spec"] = new JsonObject
            {
                ["terminationGracePeriodSeconds"] = 1,
                ["containers"] = new JsonArray(new JsonObject
                {
                    ["name"] = "app",
                    ["image"] = "busybox",
                    ["imagePullPolicy"] = "IfNotPresent",
                    ["command"] = new JsonArray("sleep", "3600"),
                    ["volumeMounts"] = new JsonArray(new JsonObject { ["name"] = "data", ["mountPath"] = "/data" }),
                }),
                ["volumes"] = new JsonArray(new JsonObject { ["name"] = "data", ["persistentVolumeClaim"] = new JsonObject { ["claimName"] = $"data-{i}" } }),
            },
        };
        var start = Stopwatch.GetTimestamp();
        await api.CreateAsync(ResourceRef.PersistentVolumeClaims, "default", claim);
        await api.CreateAsync(ResourceRef.Pods, "default", pod);
        double? bound = null, scheduled = null;
        while (true)
        {
            var current = await api.GetAsync(ResourceRef.Pods, "default", $"bench-{i}");
            scheduled ??= current?["spec"]?["nodeName"] is not null ? Stopwatch.GetElapsedTime(start).TotalMilliseconds : null;
            bound ??= (await api.GetAsync(ResourceRef.PersistentVolumeClaims, "default", $"data-{i}"))?["status"]?["phase"]?.GetValue<string>() == "Bound" ? Stopwatch.GetElapsedTime(start).TotalMilliseconds : null;
            if (current?["status"]?["phase"]?.GetValue<string>() == "Running")
            {
                break;
            }

            await Task.Delay(5);
        }

        var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (i > 0)
        {
            latencies.Add(elapsed); // the first pod warms the JIT and the image cache
            phases.Add((bound ?? 0, scheduled ?? 0));
        }
    }

    Console.WriteLine($"  phases (mean): claim Bound at {phases.Average(p => p.Bound):0} ms, pod scheduled at {phases.Average(p => p.Scheduled):0} ms, Running at {latencies.Average():0} ms");
    latencies.Sort();
    Console.WriteLine($"pod with a local claim, apply → Running ({latencies.Count} pods): p50 {latencies[latencies.Count / 2],6:0} ms   max {latencies[^1],6:0} ms   (target p50 < 1000 ms)");
    for (var i = 0; i < 21; i++)
    {
        await api.DeleteAsync(ResourceRef.Pods, "default", $"bench-{i}");
    }

    // Let the node stop the pods and release their volumes before everything is removed.
    while ((await api.ListAsync(ResourceRef.Pods, "default")).Items.Count > 0)
    {
        await Task.Delay(50);
    }

    await agent.DisposeAsync();
    MountSafeDelete.Remove(nodeRoot);
}

static async Task ClusterStartAsync(string root)
{
    var kura = typeof(Kura.Cli.Program).Assembly.Location;
    var home = Path.Combine(root, "home");
    var env = new Dictionary<string, string> { ["KURA_HOME"] = home, ["KUBECONFIG"] = Path.Combine(root, "kubeconfig") };
    var port = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
    port.Start();
    var free = ((System.Net.IPEndPoint)port.LocalEndpoint).Port;
    port.Stop();
    var start = Stopwatch.GetTimestamp();
    var up = await RunAsync("dotnet", [kura, "up", "--nodes", "3", "--port", free.ToString(System.Globalization.CultureInfo.InvariantCulture)], env);
    var upSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
    try
    {
        if (up.Code != 0)
        {
            Console.WriteLine($"kura up failed: {up.Output}");
            return;
        }

        while (true)
        {
            var nodes = await RunAsync("kubectl", ["get", "nodes", "--no-headers"], env);
            if (nodes.Output.Split('\n').Count(l => l.Contains(" Ready ", StringComparison.Ordinal)) == 3)
            {
                break;
            }

            if (Stopwatch.GetElapsedTime(start).TotalSeconds > 120)
            {
                Console.WriteLine($"nodes not Ready after 120 s:\n{nodes.Output}");
                return;
            }

            await Task.Delay(50);
        }

        Console.WriteLine($"kura up --nodes 3 → all 3 nodes Ready: {Stopwatch.GetElapsedTime(start).TotalSeconds:0.00} s (`kura up` itself returned after {upSeconds:0.00} s; target < 5 s)");
    }
    finally
    {
        await RunAsync("dotnet", [kura, "down", "--purge"], env);
    }
}

static async Task<(int Code, string Output)> RunAsync(string exe, string[] args, Dictionary<string, string> env)
{
    var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var a in args)
    {
        psi.ArgumentList.Add(a);
    }

    foreach (var (k, v) in env)
    {
        psi.Environment[k] = v;
    }

    using var p = Process.Start(psi)!;
    var stdout = p.StandardOutput.ReadToEndAsync();
    var stderr = p.StandardError.ReadToEndAsync();
    await p.WaitForExitAsync();
    return (p.ExitCode, await stdout + await stderr);
}
