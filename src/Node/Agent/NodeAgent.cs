using System.Text.Json.Nodes;
using Kura.Client;
using Kura.Grpc;
using Kura.Model.Errors;
using Kura.Model.Meta;
using Kura.Node.Images;
using Kura.Node.Pods;
using Kura.Node.Runtime;
using Kura.Node.Streaming;
using Kura.Node.Volumes;

namespace Kura.Node.Agent;

/// <summary>
/// One node (the kubelet role): hosts this node's CSI driver, registers the Node, renews its Lease,
/// runs the pods bound to it with runc, and serves their logs and exec sessions to the API server.
/// Starting it is a node boot: containers left from an earlier run are killed first.
/// </summary>
public sealed class NodeAgent : IAsyncDisposable, IContainerDirectory
{
    private readonly NodeAgentOptions _options;
    private readonly KubeClient _api;
    private readonly Dictionary<string, (PodWorker Worker, Task Run)> _workers = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<IAsyncDisposable> _services = [];
    private readonly List<Task> _loops = [];
    private NodeContext? _context;
    private int _streamingPort;
    private bool _disposed;

    public NodeAgent(NodeAgentOptions options, KubeClient api)
    {
        _options = options;
        _api = api;
    }

    public string NodeName => _options.NodeName;

    public NodePaths Paths => new(_options.Root);

    public async Task StartAsync(CancellationToken ct)
    {
        var paths = Paths;
        Directory.CreateDirectory(paths.Root);
        var runtime = new RuncRuntime(paths.RuncRoot, _options.Time);
        await runtime.KillAllAsync();

        // This node's CSI driver (node-local volumes live on the node's own disk).
        var driverSocket = paths.CsiSocket(Drivers.Local.LocalDriver.DriverName);
        Directory.CreateDirectory(Path.GetDirectoryName(driverSocket)!);
        var driver = await Drivers.Local.LocalDriverHost.StartAsync("unix://" + driverSocket, _options.NodeName, paths.CsiDataDirectory(Drivers.Local.LocalDriver.DriverName), ct);
        _services.Add(driver);
        var driverClient = new GrpcClient("unix://" + driverSocket);
        _services.Add(new DisposeAdapter(driverClient));

        var streaming = await NodeStreamingServer.StartAsync(_options.Address, _options.StreamingPort, _options.StreamingToken, this, ct);
        _services.Add(streaming);
        _streamingPort = streaming.Port;

        var pods = new Informer(_api, ResourceRef.Pods, null, $"spec.nodeName={_options.NodeName}");
        var context = new NodeContext
        {
            NodeName = _options.NodeName,
            NodeIp = _options.Address,
            Paths = paths,
            Api = _api,
            Pods = pods,
            Runtime = runtime,
            Images = new ImageStore(_options.ImagesRoot),
            Volumes = new VolumeManager(_api, new CsiVolumes(paths.Root, new Dictionary<string, GrpcClient> { [Drivers.Local.LocalDriver.DriverName] = driverClient }), _options.Time),
            Environment = new ContainerEnvironment(_api),
            Events = new NodeEvents(_api, _options.NodeName, _options.Time),
            Time = _options.Time,
            NetworkNamespacePath = _options.NetworkNamespacePath,
        };
        context.VolumeInUseByOthers = (publication, exceptUid) =>
        {
            lock (_workers)
            {
                return _workers.Values.Any(w => w.Worker.Uid != exceptUid && w.Worker.Publications.Any(p => p.Driver == publication.Driver && p.VolumeHandle == publication.VolumeHandle));
            }
        };
        _context = context;

        await RegisterWhenReachableAsync(ct);
        pods.Changed += (type, pod, _) => OnPodChanged(type, pod);
        _loops.Add(Task.Run(() => pods.RunAsync(_stopping.Token), CancellationToken.None));
        _loops.Add(Task.Run(() => HeartbeatAsync(_stopping.Token), CancellationToken.None));
        await pods.Synced.WaitAsync(ct);
        CleanOrphans(pods.List());
    }

    /// <summary>Finds a container for the streaming server.</summary>
    public ContainerHandle? Find(string ns, string pod, string container)
    {
        lock (_workers)
        {
            return _workers.Values.Select(w => w.Worker).FirstOrDefault(w => w.Namespace == ns && w.Name == pod)?.Handle(container);
        }
    }

    private void OnPodChanged(string type, JsonObject pod)
    {
        var uid = pod["metadata"]?["uid"]?.GetValue<string>() ?? "";
        lock (_workers)
        {
            if (_workers.TryGetValue(uid, out var existing))
            {
                existing.Worker.Wake();
                return;
            }

            if (type == "DELETED" || _stopping.IsCancellationRequested)
            {
                return;
            }

            var worker = new PodWorker(_context!, pod);
            var run = Task.Run(async () =>
            {
                try
                {
                    await worker.RunAsync(_stopping.Token);
                }
                catch (OperationCanceledException)
                {
                }
                catch (Exception e)
                {
                    Console.Error.WriteLine($"kura-node {_options.NodeName}: pod worker {worker.Namespace}/{worker.Name} failed: {e}");
                }
                finally
                {
                    lock (_workers)
                    {
                        _workers.Remove(uid);
                    }
                }
            });
            _workers[uid] = (worker, run);
        }
    }

    /// <summary>Registers as soon as the API server answers (nodes may boot before the control plane).</summary>
    private async Task RegisterWhenReachableAsync(CancellationToken ct)
    {
        var deadline = _options.Time.GetUtcNow() + TimeSpan.FromMinutes(2);
        while (true)
        {
            try
            {
                await RegisterAsync(ct);
                return;
            }
            catch (HttpRequestException) when (_options.Time.GetUtcNow() < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), _options.Time, ct);
            }
        }
    }

    /// <summary>Creates or refreshes the Node object and the node's CSINode entry.</summary>
    private async Task RegisterAsync(CancellationToken ct)
    {
        var existing = await _api.GetAsync(ResourceRef.Nodes, null, _options.NodeName, ct);
        var now = _options.Time.GetUtcNow();
        var status = NodeStatus.Build(_options, _streamingPort, existing?["status"] as JsonObject, now);
        if (existing is null)
        {
            var node = new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Node",
                ["metadata"] = new JsonObject
                {
                    ["name"] = _options.NodeName,
                    ["labels"] = NodeStatus.Labels(_options),
                    ["annotations"] = new JsonObject { ["volumes.kubernetes.io/controller-managed-attach-detach"] = "true", ["node.alpha.kubernetes.io/ttl"] = "0" },
                },
                ["spec"] = new JsonObject(),
            };
            try
            {
                existing = await _api.CreateAsync(ResourceRef.Nodes, null, node, "kubelet", ct);
            }
            catch (ApiException e) when (e.Code == 409)
            {
                existing = await _api.GetAsync(ResourceRef.Nodes, null, _options.NodeName, ct);
            }
        }
        else
        {
            await _api.PatchAsync(ResourceRef.Nodes, null, _options.NodeName, new JsonObject { ["metadata"] = new JsonObject { ["labels"] = NodeStatus.Labels(_options) } }, ct: ct);
        }

        await _api.PatchAsync(ResourceRef.Nodes, null, _options.NodeName, new JsonObject { ["status"] = status }, subresource: "status", ct: ct);
        await RegisterCsiNodeAsync(existing, ct);
        await RenewLeaseAsync(ct);
    }

    private async Task RegisterCsiNodeAsync(JsonObject? node, CancellationToken ct)
    {
        var driver = new JsonObject
        {
            ["name"] = Drivers.Local.LocalDriver.DriverName,
            ["nodeID"] = _options.NodeName,
            ["topologyKeys"] = new JsonArray(Drivers.Local.LocalDriver.TopologyKey),
        };
        var csiNode = await _api.GetAsync(ResourceRef.CsiNodes, null, _options.NodeName, ct);
        if (csiNode is null)
        {
            var created = new JsonObject
            {
                ["apiVersion"] = "storage.k8s.io/v1",
                ["kind"] = "CSINode",
                ["metadata"] = new JsonObject
                {
                    ["name"] = _options.NodeName,
                    ["ownerReferences"] = node is null ? null : new JsonArray(new JsonObject
                    {
                        ["apiVersion"] = "v1",
                        ["kind"] = "Node",
                        ["name"] = _options.NodeName,
                        ["uid"] = node["metadata"]?["uid"]?.GetValue<string>(),
                    }),
                },
                ["spec"] = new JsonObject { ["drivers"] = new JsonArray(driver) },
            };
            try
            {
                await _api.CreateAsync(ResourceRef.CsiNodes, null, created, "kubelet", ct);
            }
            catch (ApiException e) when (e.Code == 409)
            {
            }

            return;
        }

        var drivers = csiNode["spec"]?["drivers"] as JsonArray ?? [];
        if (!drivers.OfType<JsonObject>().Any(d => d["name"]?.GetValue<string>() == Drivers.Local.LocalDriver.DriverName))
        {
            var list = new JsonArray([.. drivers.Select(d => d?.DeepClone()), driver]);
            await _api.PatchAsync(ResourceRef.CsiNodes, null, _options.NodeName, new JsonObject { ["spec"] = new JsonObject { ["drivers"] = list } }, ct: ct);
        }
    }

    private async Task RenewLeaseAsync(CancellationToken ct)
    {
        var renew = Obj.Rfc3339Micro(_options.Time.GetUtcNow());
        var lease = await _api.GetAsync(ResourceRef.Leases, "kube-node-lease", _options.NodeName, ct);
        if (lease is null)
        {
            await _api.CreateAsync(ResourceRef.Leases, "kube-node-lease", new JsonObject
            {
                ["apiVersion"] = "coordination.k8s.io/v1",
                ["kind"] = "Lease",
                ["metadata"] = new JsonObject { ["name"] = _options.NodeName, ["namespace"] = "kube-node-lease" },
                ["spec"] = new JsonObject { ["holderIdentity"] = _options.NodeName, ["leaseDurationSeconds"] = _options.LeaseDurationSeconds, ["renewTime"] = renew },
            }, "kubelet", ct);
            return;
        }

        await _api.PatchAsync(ResourceRef.Leases, "kube-node-lease", _options.NodeName, new JsonObject { ["spec"] = new JsonObject { ["renewTime"] = renew, ["holderIdentity"] = _options.NodeName } }, ct: ct);
    }

    /// <summary>Renews the Lease every interval and posts node status every minute (the kubelet's cadence).</summary>
    private async Task HeartbeatAsync(CancellationToken ct)
    {
        var lastStatus = _options.Time.GetUtcNow();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.LeaseRenewInterval, _options.Time, ct);
                await RenewLeaseAsync(ct);
                var node = await _api.GetAsync(ResourceRef.Nodes, null, _options.NodeName, ct);
                var notReady = node?["status"]?["conditions"]?.AsArray().OfType<JsonObject>().Any(c => c["type"]?.GetValue<string>() == "Ready" && c["status"]?.GetValue<string>() != "True") ?? true;
                if (node is null)
                {
                    await RegisterAsync(ct);
                }
                else if (notReady || _options.Time.GetUtcNow() - lastStatus > TimeSpan.FromMinutes(1))
                {
                    var status = NodeStatus.Build(_options, _streamingPort, node["status"] as JsonObject, _options.Time.GetUtcNow());
                    await _api.PatchAsync(ResourceRef.Nodes, null, _options.NodeName, new JsonObject { ["status"] = status }, subresource: "status", ct: ct);
                    lastStatus = _options.Time.GetUtcNow();
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e) when (e is ApiException or HttpRequestException or IOException)
            {
                Console.Error.WriteLine($"kura-node {_options.NodeName}: heartbeat failed: {e.Message}");
            }
        }
    }

    /// <summary>Pod directories of pods that no longer exist (deleted while the node was down) go.</summary>
    private void CleanOrphans(IReadOnlyList<JsonObject> pods)
    {
        var live = pods.Select(p => p["metadata"]?["uid"]?.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        if (!Directory.Exists(Paths.PodsDirectory))
        {
            return;
        }

        foreach (var dir in Directory.EnumerateDirectories(Paths.PodsDirectory))
        {
            if (!live.Contains(Path.GetFileName(dir)))
            {
                MountSafeDelete.Remove(dir);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stopping.CancelAsync();
        List<Task> runs;
        lock (_workers)
        {
            runs = [.. _workers.Values.Select(w => w.Run)];
        }

        try
        {
            await Task.WhenAll(runs.Concat(_loops)).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
        }

        // An agent that stops takes its containers with it (a node shutdown).
        if (_context is not null)
        {
            await _context.Runtime.KillAllAsync();
        }

        foreach (var service in Enumerable.Reverse(_services))
        {
            await service.DisposeAsync();
        }

        _stopping.Dispose();
    }

    private sealed class DisposeAdapter(IDisposable inner) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            inner.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
