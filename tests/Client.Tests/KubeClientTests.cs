using System.Text.Json.Nodes;
using Kura.ApiServer.Hosting;
using Kura.Model.Errors;

namespace Kura.Client.Tests;

/// <summary>The REST client and informer against a real in-process Kura API server.</summary>
public sealed class KubeClientTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("kura-client-").FullName;
    private ApiServerHost _host = null!;
    private KubeClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await ApiServerHost.StartAsync(new ApiServerOptions { DataDirectory = Path.Combine(_root, "server"), Port = 0 });
        var kubeconfig = Path.Combine(_root, "kubeconfig");
        var ca = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(_host.Pki.CaPem));
        await File.WriteAllTextAsync(kubeconfig, $$"""
            apiVersion: v1
            kind: Config
            clusters: [{name: c, cluster: {server: "{{_host.Url}}", certificate-authority-data: "{{ca}}" } }]
            users: [{name: u, user: {token: "{{_host.Token}}" } }]
            contexts: [{name: k, context: {cluster: c, user: u, namespace: default} }]
            current-context: k
            """);
        _client = new KubeClient(ClientConfig.FromKubeconfig(kubeconfig));
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private static JsonObject ConfigMap(string name, string value) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["data"] = new JsonObject { ["k"] = value },
    };

    [Fact]
    public async Task Crud_RoundTripsThroughTheServer()
    {
        var created = await _client.CreateAsync(ResourceRef.ConfigMaps, "default", ConfigMap("a", "1"));
        Assert.Equal("default", created["metadata"]!["namespace"]!.GetValue<string>());
        created["data"]!["k"] = "2";
        var updated = await _client.UpdateAsync(ResourceRef.ConfigMaps, created);
        Assert.Equal("2", updated["data"]!["k"]!.GetValue<string>());
        var patched = await _client.PatchAsync(ResourceRef.ConfigMaps, "default", "a", JsonNode.Parse("""{"data":{"j":"3"}}""")!);
        Assert.Equal("3", patched["data"]!["j"]!.GetValue<string>());
        Assert.True(await _client.DeleteAsync(ResourceRef.ConfigMaps, "default", "a"));
        Assert.Null(await _client.GetAsync(ResourceRef.ConfigMaps, "default", "a"));
        Assert.False(await _client.DeleteAsync(ResourceRef.ConfigMaps, "default", "a"));
    }

    [Fact]
    public async Task StaleUpdate_IsConflictWithKubernetesMessage()
    {
        var created = await _client.CreateAsync(ResourceRef.ConfigMaps, "default", ConfigMap("b", "1"));
        var changed = (JsonObject)created.DeepClone();
        changed["data"]!["k"] = "2";
        await _client.UpdateAsync(ResourceRef.ConfigMaps, changed);
        created["data"]!["k"] = "3";
        var e = await Assert.ThrowsAsync<ApiException>(() => _client.UpdateAsync(ResourceRef.ConfigMaps, created));
        Assert.Equal(409, e.Code);
        Assert.Equal("Operation cannot be fulfilled on configmaps \"b\": the object has been modified; please apply your changes to the latest version and try again", e.Message);
    }

    [Fact]
    public async Task Informer_SeesListThenLiveChanges()
    {
        await _client.CreateAsync(ResourceRef.ConfigMaps, "default", ConfigMap("before", "1"));
        var informer = new Informer(_client, ResourceRef.ConfigMaps, "default");
        var seen = new List<string>();
        var deleted = new TaskCompletionSource();
        informer.Changed += (type, obj, _) =>
        {
            lock (seen)
            {
                seen.Add($"{type} {obj["metadata"]!["name"]}");
            }

            if (type == "DELETED")
            {
                deleted.TrySetResult();
            }
        };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var run = informer.RunAsync(cts.Token);
        await informer.Synced.WaitAsync(cts.Token);
        Assert.NotNull(informer.Get("default", "before"));
        await _client.CreateAsync(ResourceRef.ConfigMaps, "default", ConfigMap("after", "1"));
        await _client.DeleteAsync(ResourceRef.ConfigMaps, "default", "after");
        await deleted.Task.WaitAsync(cts.Token);
        await cts.CancelAsync();
        await run.ContinueWith(_ => { }, TaskScheduler.Default);
        lock (seen)
        {
            Assert.Equal(["ADDED before", "ADDED after", "DELETED after"], seen);
        }
    }

    [Fact]
    public async Task WorkQueue_RetriesFailuresWithBackoff()
    {
        var queue = new WorkQueue(TimeProvider.System);
        var attempts = 0;
        var done = new TaskCompletionSource();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var run = queue.RunAsync((key, _) =>
        {
            if (Interlocked.Increment(ref attempts) < 3)
            {
                throw new InvalidOperationException("not yet");
            }

            done.TrySetResult();
            return Task.CompletedTask;
        }, cts.Token);
        queue.Add("k");
        await done.Task.WaitAsync(cts.Token);
        await cts.CancelAsync();
        await run;
        Assert.Equal(3, attempts);
    }
}
