using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Kura.ApiServer.Hosting;

// API server benchmarks (issue 2 targets): concurrent creates vs the machine's fsync rate,
// listing 10,000 claims, and watch delivery latency under a steady create load.
// Run: dotnet run -c Release --project bench/ApiBench
var root = Directory.CreateTempSubdirectory("kura-apibench-").FullName;
try
{
    var fsyncRate = MeasureFsyncRate(root, TimeSpan.FromSeconds(2));
    Console.WriteLine($"raw fsync rate:                  {fsyncRate,10:0} fsync/s");

    await using var host = await ApiServerHost.StartAsync(new ApiServerOptions { DataDirectory = Path.Combine(root, "server"), Port = 0 });
    using var client = NewClient(host);

    var direct = await MeasureDirectCreatesAsync(host, 8, TimeSpan.FromSeconds(3));
    Console.WriteLine($"creates, 8 writers, no HTTP:     {direct,10:0} objects/s   (registry + store only)");

    var creates = await MeasureCreatesAsync(client, "configmaps", 8, TimeSpan.FromSeconds(3));
    Console.WriteLine($"creates, 8 concurrent clients:   {creates,10:0} objects/s   ratio to fsync rate {creates / fsyncRate:0.00} (target >= 0.5, and >= 1000/s)");

    await CreateClaimsAsync(client, 10_000);
    var list = await MeasureListAsync(client);
    Console.WriteLine($"list 10,000 claims (Table, -A): {list.TotalMilliseconds,10:0} ms server+transfer (target < 300 ms)");

    var p99 = await MeasureWatchLatencyAsync(host, client, 1000, TimeSpan.FromSeconds(3));
    Console.WriteLine($"watch delivery p99 at 1000/s:    {p99.TotalMilliseconds,10:0.0} ms (target < 50 ms)");
}
finally
{
    Directory.Delete(root, recursive: true);
}

static double MeasureFsyncRate(string dir, TimeSpan duration)
{
    var path = Path.Combine(dir, "fsync.probe");
    using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.None);
    var block = new byte[4096];
    var sw = Stopwatch.StartNew();
    var n = 0;
    while (sw.Elapsed < duration)
    {
        file.Position = 0;
        file.Write(block);
        file.Flush(flushToDisk: true);
        n++;
    }

    return n / sw.Elapsed.TotalSeconds;
}

static HttpClient NewClient(ApiServerHost host)
{
    var handler = new SocketsHttpHandler
    {
        SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        MaxConnectionsPerServer = 32,
        EnableMultipleHttp2Connections = true,
    };
    var client = new HttpClient(handler) { BaseAddress = new Uri(host.Url), Timeout = TimeSpan.FromMinutes(2) };
    client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", host.Token);
    return client;
}

static async Task<double> MeasureCreatesAsync(HttpClient client, string resource, int writers, TimeSpan duration)
{
    var count = 0;
    var sw = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
    {
        for (var i = 0; sw.Elapsed < duration; i++)
        {
            var body = $"{{\"metadata\":{{\"name\":\"bench-{w}-{i}\"}},\"data\":{{\"k\":\"v\"}}}}";
            using var r = await client.PostAsync(new Uri($"/api/v1/namespaces/default/{resource}", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
            if (r.StatusCode == HttpStatusCode.Created)
            {
                Interlocked.Increment(ref count);
            }
        }
    })));
    return count / sw.Elapsed.TotalSeconds;
}

static async Task<double> MeasureDirectCreatesAsync(ApiServerHost host, int writers, TimeSpan duration)
{
    var type = host.Objects.Type("", "ConfigMap");
    var count = 0;
    var sw = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
    {
        for (var i = 0; sw.Elapsed < duration; i++)
        {
            var body = new JsonObject { ["metadata"] = new JsonObject { ["name"] = $"direct-{w}-{i}" }, ["data"] = new JsonObject { ["k"] = "v" } };
            await host.Objects.CreateAsync(type, "default", body, new Kura.ApiServer.Handlers.WriteOptions());
            Interlocked.Increment(ref count);
        }
    })));
    return count / sw.Elapsed.TotalSeconds;
}

static async Task CreateClaimsAsync(HttpClient client, int n)
{
    var next = -1;
    await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
    {
        for (var i = Interlocked.Increment(ref next); i < n; i = Interlocked.Increment(ref next))
        {
            var body = $"{{\"metadata\":{{\"name\":\"claim-{i}\"}},\"spec\":{{\"accessModes\":[\"ReadWriteOnce\"],\"storageClassName\":\"\",\"resources\":{{\"requests\":{{\"storage\":\"1Gi\"}}}}}}}}";
            using var r = await client.PostAsync(new Uri("/api/v1/namespaces/default/persistentvolumeclaims", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
            r.EnsureSuccessStatusCode();
        }
    })));
}

static async Task<TimeSpan> MeasureListAsync(HttpClient client)
{
    var best = TimeSpan.MaxValue;
    for (var round = 0; round < 5; round++)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/persistentvolumeclaims?limit=500", UriKind.Relative));
        request.Headers.Accept.ParseAdd("application/json;as=Table;v=v1;g=meta.k8s.io");
        // kubectl pages with limit=500; time the whole walk, as `kubectl get pvc -A` does it.
        var sw = Stopwatch.StartNew();
        var next = "";
        do
        {
            using var page = new HttpRequestMessage(HttpMethod.Get, new Uri($"/api/v1/persistentvolumeclaims?limit=500{(next.Length > 0 ? "&continue=" + Uri.EscapeDataString(next) : "")}", UriKind.Relative));
            page.Headers.Accept.ParseAdd("application/json;as=Table;v=v1;g=meta.k8s.io");
            using var r = await client.SendAsync(page);
            var doc = JsonNode.Parse(await r.Content.ReadAsStreamAsync())!;
            next = doc["metadata"]?["continue"]?.GetValue<string>() ?? "";
        }
        while (next.Length > 0);
        best = sw.Elapsed < best ? sw.Elapsed : best;
    }

    return best;
}

static async Task<TimeSpan> MeasureWatchLatencyAsync(ApiServerHost host, HttpClient client, int ratePerSecond, TimeSpan duration)
{
    var sent = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
    var latencies = new List<double>();
    using var cts = new CancellationTokenSource();
    var rv = host.Objects.Store.Revision;
    var watchTask = Task.Run(async () =>
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/api/v1/namespaces/default/secrets?watch=true&resourceVersion={rv}", UriKind.Relative));
        using var r = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var reader = new StreamReader(await r.Content.ReadAsStreamAsync(cts.Token));
        while (!cts.IsCancellationRequested && await reader.ReadLineAsync(cts.Token) is { } line)
        {
            var name = JsonNode.Parse(line)!["object"]!["metadata"]!["name"]!.GetValue<string>();
            if (sent.TryGetValue(name, out var t))
            {
                lock (latencies)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                }
            }
        }
    });
    await Task.Delay(200);
    var interval = TimeSpan.FromSeconds(1.0 / ratePerSecond);
    var sw = Stopwatch.StartNew();
    var inflight = new List<Task>();
    for (var i = 0; sw.Elapsed < duration; i++)
    {
        var name = $"watch-{i}";
        var due = interval * i;
        if (due > sw.Elapsed)
        {
            await Task.Delay(due - sw.Elapsed);
        }

        sent[name] = Stopwatch.GetTimestamp();
        inflight.Add(client.PostAsync(new Uri("/api/v1/namespaces/default/secrets", UriKind.Relative), new StringContent($"{{\"metadata\":{{\"name\":\"{name}\"}}}}", Encoding.UTF8, "application/json")));
    }

    await Task.WhenAll(inflight);
    await Task.Delay(500);
    await cts.CancelAsync();
    try
    {
        await watchTask;
    }
    catch (OperationCanceledException)
    {
    }

    lock (latencies)
    {
        latencies.Sort();
        return latencies.Count == 0 ? TimeSpan.MaxValue : TimeSpan.FromMilliseconds(latencies[(int)(latencies.Count * 0.99)]);
    }
}
