using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Kura.ApiServer.Hosting;
using Kura.Drivers.Local;

// Issue 3 targets with the local driver and Immediate binding: claim created → Bound p50 < 50 ms
// and p99 < 250 ms over 200 claims; a burst of 1,000 claims all Bound within 30 s.
// Run: dotnet run -c Release --project bench/ProvisionBench
var root = Directory.CreateTempSubdirectory("kura-provbench-").FullName;
try
{
    var socket = Path.Combine(root, "csi.sock");
    await using var driver = await LocalDriverHost.StartAsync("unix://" + socket, "bench-node", Path.Combine(root, "volumes"));
    await using var host = await ApiServerHost.StartAsync(new ApiServerOptions
    {
        DataDirectory = Path.Combine(root, "server"),
        Port = 0,
        CsiDrivers = [new CsiDriverEndpoint(LocalDriver.DriverName, "unix://" + socket, "bench-node", LocalDriver.TopologyKey)],
        InstallDefaultStorageClass = true,
        DefaultClassBindingMode = "Immediate",
    });
    var pvcType = host.Objects.Type("", "PersistentVolumeClaim");
    var bound = new ConcurrentDictionary<string, long>();
    using var cts = new CancellationTokenSource();
    var watcher = Task.Run(async () =>
    {
        using var watch = host.Objects.Store.Watch("/core/persistentvolumeclaims/", host.Objects.Store.Revision)!;
        await foreach (var ev in watch.Events.ReadAllAsync(cts.Token))
        {
            if (ev.Object["status"]?["phase"]?.GetValue<string>() == "Bound")
            {
                bound.TryAdd(ev.Object["metadata"]!["name"]!.GetValue<string>(), Stopwatch.GetTimestamp());
            }
        }
    });

    JsonObject Claim(string name) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject { ["accessModes"] = new JsonArray("ReadWriteOnce"), ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["storage"] = "16Mi" } } },
    };

    var latencies = new List<double>();
    for (var i = 0; i < 200; i++)
    {
        var name = $"seq-{i}";
        var start = Stopwatch.GetTimestamp();
        await host.Objects.CreateAsync(pvcType, "default", Claim(name), new Kura.ApiServer.Handlers.WriteOptions());
        while (!bound.ContainsKey(name))
        {
            await Task.Delay(1);
        }

        latencies.Add(Stopwatch.GetElapsedTime(start, bound[name]).TotalMilliseconds);
    }

    latencies.Sort();
    Console.WriteLine($"claim → Bound, 200 sequential:  p50 {latencies[100],7:0.0} ms   p99 {latencies[198],7:0.0} ms   (targets 50 / 250 ms)");

    var burst = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => host.Objects.CreateAsync(pvcType, "default", Claim($"burst-{i}"), new Kura.ApiServer.Handlers.WriteOptions())));
    while (Enumerable.Range(0, 1000).Any(i => !bound.ContainsKey($"burst-{i}")) && burst.Elapsed < TimeSpan.FromSeconds(120))
    {
        await Task.Delay(50);
    }

    var done = Enumerable.Range(0, 1000).Count(i => bound.ContainsKey($"burst-{i}"));
    Console.WriteLine($"burst of 1,000 claims:           {done} Bound in {burst.Elapsed.TotalSeconds:0.0} s   (target: all within 30 s)");
    await cts.CancelAsync();
    await watcher.ContinueWith(_ => { }, TaskScheduler.Default);
}
finally
{
    Directory.Delete(root, recursive: true);
}
