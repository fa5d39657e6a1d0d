using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Csi.V1;
using Kura.ApiServer.Handlers;
using Kura.Csi;
using Kura.Grpc;
using Kura.Model.Quantities;

namespace Kura.ApiServer.Controllers;

/// <summary>
/// external-provisioner's capacity tracking (--enable-capacity): for every StorageClass of the
/// driver and every node segment it serves, GetCapacity is published as a CSIStorageCapacity
/// object in kube-system, refreshed on class changes and every minute.
/// </summary>
public sealed class CsiCapacityPublisher(ObjectService objects, string driverName, string nodeId, string topologyKey, GrpcClient csi)
    : StoreController(objects.Store, objects.Time)
{
    private const string Namespace = "kube-system";
    private static readonly TimeSpan Refresh = TimeSpan.FromMinutes(1);

    protected override IReadOnlyList<string> WatchedPrefixes { get; } = ["/storage.k8s.io/storageclasses/"];

    /// <summary>Runs the watch loop and a periodic refresh of every class.</summary>
    public async Task RunWithRefreshAsync(CancellationToken ct)
    {
        var run = RunAsync(ct);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(Refresh, Time, ct);
                foreach (var item in Store.List("/storage.k8s.io/storageclasses/").Items)
                {
                    Enqueue(item.Key);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        await run;
    }

    protected override async Task ReconcileAsync(string key, CancellationToken ct)
    {
        var className = key[(key.LastIndexOf('/') + 1)..];
        var sc = Store.Get(key)?.Object;
        var capType = objects.Type("storage.k8s.io", "CSIStorageCapacity");
        var name = "csisc-" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{className}/{nodeId}")))[..10].ToLowerInvariant();
        if (sc is null || sc["provisioner"]?.GetValue<string>() != driverName)
        {
            if (objects.TryGet(capType, Namespace, name) is not null)
            {
                await objects.DeleteAsync(capType, Namespace, name, new DeleteOptions(), ct);
            }

            return;
        }

        var request = new GetCapacityRequest { AccessibleTopology = new Topology { Segments = { [topologyKey] = nodeId } } };
        foreach (var (k, v) in sc["parameters"] as JsonObject ?? [])
        {
            request.Parameters[k] = v?.GetValue<string>() ?? "";
        }

        var response = await csi.UnaryAsync(CsiServices.Controller, "GetCapacity", request, GetCapacityResponse.Parser, TimeSpan.FromSeconds(30), ct);
        var capacity = Quantity.FromBytes(response.AvailableCapacity).ToString();
        var desired = new JsonObject
        {
            ["apiVersion"] = "storage.k8s.io/v1",
            ["kind"] = "CSIStorageCapacity",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Namespace, ["labels"] = new JsonObject { ["csi.storage.k8s.io/drivername"] = driverName } },
            ["nodeTopology"] = new JsonObject { ["matchLabels"] = new JsonObject { [topologyKey] = nodeId } },
            ["storageClassName"] = className,
            ["capacity"] = capacity,
        };
        if (objects.TryGet(capType, Namespace, name) is null)
        {
            await objects.CreateAsync(capType, Namespace, desired, WriteOptions.Internal, ct);
            return;
        }

        await objects.GuaranteedUpdateAsync(capType, Namespace, name, c =>
        {
            if (c["capacity"]?.GetValue<string>() == capacity)
            {
                return null;
            }

            c["capacity"] = capacity;
            return c;
        }, ct: ct);
    }
}
