using System.Text.Json.Nodes;
using Kura.ApiServer.Catalog;
using Kura.ApiServer.Handlers;
using Kura.Model.Errors;

namespace Kura.ApiServer.Controllers;

/// <summary>
/// Namespace deletion (kube-controller-manager's namespace controller): once a namespace is
/// Terminating, delete everything in it, then drop the "kubernetes" finalizer and the namespace.
/// </summary>
public sealed class NamespaceController(ObjectService objects) : StoreController(objects.Store, objects.Time)
{
    private const string SpecFinalizer = "kubernetes";

    protected override IReadOnlyList<string> WatchedPrefixes { get; } = ["/core/namespaces/"];

    protected override async Task ReconcileAsync(string key, CancellationToken ct)
    {
        var stored = Store.Get(key);
        if (stored is null || stored.Object["metadata"]?["deletionTimestamp"] is null)
        {
            return;
        }

        var nsType = objects.Type("", "Namespace");
        var name = stored.Object["metadata"]!["name"]!.GetValue<string>();
        var remaining = 0;
        foreach (var type in objects.Catalog.Snapshot.Types.Where(t => t.Namespaced).DistinctBy(ObjectKeys.Resource))
        {
            foreach (var item in objects.List(type, name).Items)
            {
                remaining++;
                if (item.Object["metadata"]?["deletionTimestamp"] is not null)
                {
                    continue;
                }

                try
                {
                    await objects.DeleteAsync(type, name, item.Object["metadata"]!["name"]!.GetValue<string>(), new DeleteOptions(PropagationPolicy.Background), ct);
                }
                catch (ApiException e) when (e.Code == 404)
                {
                }
            }
        }

        if (remaining > 0)
        {
            // Content is going away (some of it gracefully): look again shortly.
            throw new InvalidOperationException($"namespace {name} still has {remaining} objects");
        }

        var finalized = await objects.GuaranteedUpdateAsync(nsType, null, name, ns =>
        {
            if (ns["spec"]?["finalizers"] is not JsonArray fin || !fin.Any(f => f?.GetValue<string>() == SpecFinalizer))
            {
                return null;
            }

            var rest = new JsonArray([.. fin.Where(f => f?.GetValue<string>() != SpecFinalizer).Select(f => f!.DeepClone())]);
            ((JsonObject)ns["spec"]!)["finalizers"] = rest;
            return ns;
        }, ct: ct);
        var current = Store.Get(key);
        if (finalized is null || current is null)
        {
            return;
        }

        var specFinalizers = current.Object["spec"]?["finalizers"] as JsonArray;
        var metaFinalizers = current.Object["metadata"]?["finalizers"] as JsonArray;
        if ((specFinalizers?.Count ?? 0) == 0 && (metaFinalizers?.Count ?? 0) == 0 && !await objects.RemoveAsync(nsType, null, name, current.Revision, ct))
        {
            throw new InvalidOperationException($"namespace {name} changed while being removed");
        }
    }
}
