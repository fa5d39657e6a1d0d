using System.Text.Json.Nodes;
using Kura.ApiServer.Catalog;
using Kura.ApiServer.Handlers;
using Kura.Model.CustomResources;
using Kura.Model.Errors;

namespace Kura.ApiServer.Controllers;

/// <summary>
/// Serves custom resources (apiextensions-apiserver's establishing and finalizing controllers):
/// a CRD's served versions join the catalog, its status says NamesAccepted and Established, and
/// deleting it first deletes every custom resource it defines.
/// </summary>
public sealed class CrdController(ObjectService objects) : StoreController(objects.Store, objects.Time)
{
    public const string CleanupFinalizer = "customresourcecleanup.apiextensions.k8s.io";
    private const string Prefix = "/apiextensions.k8s.io/customresourcedefinitions/";

    protected override IReadOnlyList<string> WatchedPrefixes { get; } = [Prefix];

    /// <summary>Registers every stored CRD before the server starts answering, so custom resources survive restarts.</summary>
    public void LoadAll()
    {
        foreach (var item in Store.List(Prefix).Items)
        {
            Register(item.Object);
        }
    }

    protected override async Task ReconcileAsync(string key, CancellationToken ct)
    {
        var name = key[Prefix.Length..].TrimStart('/');
        var stored = Store.Get(key);
        if (stored is null)
        {
            objects.Catalog.RemoveCustom(name);
            return;
        }

        var crdType = objects.Type("apiextensions.k8s.io", "CustomResourceDefinition");
        var crd = stored.Object;
        if (crd["metadata"]?["deletionTimestamp"] is not null)
        {
            await DeleteInstancesAsync(crd, ct);
            await objects.RemoveFinalizerAsync(crdType, null, name, CleanupFinalizer, ct);
            return;
        }

        Register(crd);
        await objects.GuaranteedUpdateAsync(crdType, null, name, current =>
        {
            var meta = (JsonObject)current["metadata"]!;
            var changed = false;
            if (meta["finalizers"] is not JsonArray fin || !fin.Any(f => f?.GetValue<string>() == CleanupFinalizer))
            {
                var list = meta["finalizers"] as JsonArray ?? [];
                list.Add(CleanupFinalizer);
                meta["finalizers"] = list;
                changed = true;
            }

            return changed ? current : null;
        }, ct: ct);
        await objects.GuaranteedUpdateAsync(crdType, null, name, current => Establish(current), "status", ct);
    }

    private void Register(JsonObject crd)
    {
        var name = crd["metadata"]!["name"]!.GetValue<string>();
        var versions = CustomResourceDefinitions.ToResourceTypes(crd);
        var served = versions.Where(v => v.Served).ToList();
        var schemas = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var v in versions)
        {
            foreach (var (schemaName, schema) in v.Schemas)
            {
                schemas[schemaName] = schema;
            }
        }

        objects.Catalog.SetCustom(name, [.. served.Select(v => v.Type)], schemas);
    }

    /// <summary>Status as apiextensions-apiserver reports an accepted CRD, or null when it already says so.</summary>
    private JsonObject? Establish(JsonObject crd)
    {
        var status = crd["status"] as JsonObject ?? [];
        var now = Model.Meta.Obj.Rfc3339(Time.GetUtcNow());
        var desiredNames = crd["spec"]?["names"]?.DeepClone() as JsonObject ?? [];
        var storage = (crd["spec"]?["versions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(v => v["storage"]?.GetValue<bool>() == true)?["name"]?.GetValue<string>();
        var stored = status["storedVersions"] as JsonArray ?? [];
        var changed = !JsonNode.DeepEquals(status["acceptedNames"], desiredNames);
        if (storage is not null && !stored.Any(s => s?.GetValue<string>() == storage))
        {
            stored.Add(storage);
            changed = true;
        }

        var conditions = status["conditions"] as JsonArray ?? [];
        foreach (var (type, reason, message) in new[]
        {
            ("NamesAccepted", "NoConflicts", "no conflicts found"),
            ("Established", "InitialNamesAccepted", "the initial names have been accepted"),
        })
        {
            if (conditions.OfType<JsonObject>().Any(c => c["type"]?.GetValue<string>() == type && c["status"]?.GetValue<string>() == "True"))
            {
                continue;
            }

            conditions.Add(new JsonObject { ["type"] = type, ["status"] = "True", ["lastTransitionTime"] = now, ["reason"] = reason, ["message"] = message });
            changed = true;
        }

        if (!changed)
        {
            return null;
        }

        status["acceptedNames"] = desiredNames;
        status["storedVersions"] = stored.DeepClone();
        status["conditions"] = conditions.DeepClone();
        crd["status"] = status;
        return crd;
    }

    private async Task DeleteInstancesAsync(JsonObject crd, CancellationToken ct)
    {
        var group = crd["spec"]?["group"]?.GetValue<string>() ?? "";
        var plural = crd["spec"]?["names"]?["plural"]?.GetValue<string>() ?? "";
        var type = objects.Catalog.Snapshot.Types.FirstOrDefault(t => t.IsCustom && t.Group == group && t.Plural == plural);
        if (type is null)
        {
            return;
        }

        var items = objects.Store.List(ObjectKeys.Resource(type)).Items;
        foreach (var item in items)
        {
            var meta = item.Object["metadata"]!;
            try
            {
                await objects.DeleteAsync(type, meta["namespace"]?.GetValue<string>(), meta["name"]!.GetValue<string>(), new DeleteOptions(PropagationPolicy.Background), ct);
            }
            catch (ApiException e) when (e.Code == 404)
            {
            }
        }

        if (objects.Store.List(ObjectKeys.Resource(type)).Items.Count > 0)
        {
            throw new InvalidOperationException($"custom resources of {plural}.{group} are still being deleted");
        }
    }
}
