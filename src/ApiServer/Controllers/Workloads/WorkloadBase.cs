using System.Text.Json.Nodes;
using Kura.ApiServer.Handlers;
using Kura.Controllers.Workloads;
using Kura.Model.Errors;
using Kura.Store;

namespace Kura.ApiServer.Controllers.Workloads;

/// <summary>What the workload controllers share: typed access to the store and quiet writes.</summary>
public abstract class WorkloadBase(ObjectService objects) : StoreController(objects.Store, objects.Time)
{
    protected ObjectService Objects => objects;

    protected static string Ns(JsonObject o) => o["metadata"]!["namespace"]!.GetValue<string>();

    protected static string Name(JsonObject o) => o["metadata"]!["name"]!.GetValue<string>();

    protected static string Uid(JsonObject o) => o["metadata"]!["uid"]!.GetValue<string>();

    protected static int Replicas(JsonObject o) => (int)(o["spec"]?["replicas"]?.GetValue<long>() ?? 1);

    protected IEnumerable<JsonObject> List(string prefix) => Store.List(prefix).Items.Select(i => i.Object);

    /// <summary>Objects in <paramref name="ns"/> whose controller is <paramref name="owner"/>.</summary>
    protected IEnumerable<JsonObject> Owned(string plural, string group, string ns, JsonObject owner) =>
        List($"/{(group.Length == 0 ? "core" : group)}/{plural}/{ns}/").Where(o => PodTemplates.ControllerUid(o) == Uid(owner));

    /// <summary>The key of the controller owning a changed object, if it is of <paramref name="kind"/>.</summary>
    protected static IEnumerable<string> OwnerKey(WatchEvent change, string kind, string prefix)
    {
        var owner = (change.Object["metadata"]?["ownerReferences"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(r => r["controller"]?.GetValue<bool>() == true && r["kind"]?.GetValue<string>() == kind);
        return owner is null ? [] : [$"{prefix}{change.Object["metadata"]!["namespace"]}/{owner["name"]}"];
    }

    /// <summary>Writes status when it differs from what is stored.</summary>
    protected async Task UpdateStatusAsync(Model.Registry.ResourceType type, JsonObject current, JsonObject status, CancellationToken ct)
    {
        if (JsonNode.DeepEquals(current["status"], status))
        {
            return;
        }

        try
        {
            await objects.GuaranteedUpdateAsync(type, Ns(current), Name(current), o =>
            {
                if (JsonNode.DeepEquals(o["status"], status))
                {
                    return null;
                }

                o["status"] = status.DeepClone();
                return o;
            }, subresource: "status", ct: ct);
        }
        catch (ApiException e) when (e.Code == 404)
        {
        }
    }

    /// <summary>Reconciles <paramref name="key"/> again after <paramref name="delay"/> (minReadySeconds, progress deadlines).</summary>
    protected void EnqueueAfter(string key, TimeSpan delay, CancellationToken ct) =>
        _ = Task.Run(async () =>
        {
            try
            {
                await Task.Delay(delay, Time, ct);
                Enqueue(key);
            }
            catch (OperationCanceledException)
            {
            }
        }, CancellationToken.None);

    protected static WriteOptions ControllerWrite => WriteOptions.Internal with { FieldManager = "kube-controller-manager" };

    /// <summary>Sets metadata.ownerReferences (or leaves the object when they are already these); NotFound is done.</summary>
    protected async Task SetOwnerRefsAsync(Model.Registry.ResourceType type, string ns, string name, Func<JsonObject, JsonArray?> refs, CancellationToken ct) =>
        await objects.GuaranteedUpdateAsync(type, ns, name, o =>
        {
            var next = refs(o);
            if (next is null)
            {
                return null;
            }

            o["metadata"]!["ownerReferences"] = next;
            return o;
        }, ct: ct);

    protected async Task DeleteQuietlyAsync(Model.Registry.ResourceType type, string ns, string name, CancellationToken ct)
    {
        try
        {
            await objects.DeleteAsync(type, ns, name, new DeleteOptions(), ct);
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
        }
    }
}
