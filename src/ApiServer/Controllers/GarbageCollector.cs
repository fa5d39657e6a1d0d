using System.Text.Json.Nodes;
using Kura.ApiServer.Catalog;
using Kura.ApiServer.Handlers;
using Kura.Model.Errors;
using Kura.Store;

namespace Kura.ApiServer.Controllers;

/// <summary>
/// Garbage collection through ownerReferences (kube-controller-manager's garbagecollector):
/// dependents whose owners are all gone are deleted; an owner deleted with Foreground waits
/// (finalizer "foregroundDeletion") until its dependents are gone; with Orphan (finalizer
/// "orphan") its dependents lose the reference instead.
/// </summary>
public sealed class GarbageCollector(ObjectService objects) : StoreController(objects.Store, objects.Time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, HashSet<string>> _dependents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]> _ownersOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _uidOf = new(StringComparer.Ordinal);

    protected override IReadOnlyList<string> WatchedPrefixes { get; } = ["/"];

    protected override IEnumerable<string> KeysFor(WatchEvent change)
    {
        var uid = change.Object["metadata"]?["uid"]?.GetValue<string>() ?? "";
        var owners = change.Type == WatchEventType.Deleted ? [] : OwnerUids(change.Object);
        List<string> keys = [];
        lock (_gate)
        {
            if (_ownersOf.TryGetValue(change.Key, out var previous))
            {
                foreach (var o in previous)
                {
                    _dependents.GetValueOrDefault(o)?.Remove(change.Key);
                }
            }

            if (owners.Length > 0)
            {
                _ownersOf[change.Key] = owners;
                foreach (var o in owners)
                {
                    if (!_dependents.TryGetValue(o, out var set))
                    {
                        set = new HashSet<string>(StringComparer.Ordinal);
                        _dependents[o] = set;
                    }

                    set.Add(change.Key);
                }
            }
            else
            {
                _ownersOf.Remove(change.Key);
            }

            if (change.Type == WatchEventType.Deleted)
            {
                _uidOf.Remove(change.Key);
                if (_dependents.TryGetValue(uid, out var deps))
                {
                    keys.AddRange(deps);
                }
            }
            else
            {
                _uidOf[change.Key] = uid;
            }
        }

        if (owners.Length > 0 || change.Object["metadata"]?["deletionTimestamp"] is not null)
        {
            keys.Add(change.Key);
        }

        return keys;
    }

    protected override async Task ReconcileAsync(string key, CancellationToken ct)
    {
        var stored = Store.Get(key);
        if (stored is null)
        {
            return;
        }

        var (group, plural, ns, name) = ObjectKeys.Parse(key);
        var type = objects.Catalog.Snapshot.Types.FirstOrDefault(t => t.Group == group && t.Plural == plural);
        if (type is null)
        {
            return;
        }

        var nsArg = ns.Length == 0 ? null : ns;
        var meta = stored.Object["metadata"] as JsonObject;
        var finalizers = (meta?["finalizers"] as JsonArray)?.Select(f => f?.GetValue<string>()).ToList() ?? [];
        var uid = meta?["uid"]?.GetValue<string>() ?? "";
        if (meta?["deletionTimestamp"] is not null && finalizers.Contains(ObjectService.OrphanFinalizer))
        {
            foreach (var dep in DependentsOf(uid))
            {
                await RemoveOwnerAsync(dep, uid, ct);
            }

            await objects.RemoveFinalizerAsync(type, nsArg, name, ObjectService.OrphanFinalizer, ct);
            return;
        }

        if (meta?["deletionTimestamp"] is not null && finalizers.Contains(ObjectService.ForegroundFinalizer))
        {
            var remaining = DependentsOf(uid).Where(d => Store.Get(d) is not null).ToList();
            foreach (var dep in remaining)
            {
                await DeleteKeyAsync(dep, PropagationPolicy.Foreground, ct);
            }

            if (remaining.Count > 0)
            {
                throw new InvalidOperationException($"{key} is waiting for {remaining.Count} dependents");
            }

            await objects.RemoveFinalizerAsync(type, nsArg, name, ObjectService.ForegroundFinalizer, ct);
            return;
        }

        var refs = meta?["ownerReferences"] as JsonArray;
        if (refs is null || refs.Count == 0 || meta?["deletionTimestamp"] is not null)
        {
            return;
        }

        // Delete the dependent only when every owner is gone (or was replaced under the same name).
        var anyOwnerAlive = refs.OfType<JsonObject>().Any(r => OwnerExists(r, nsArg));
        if (!anyOwnerAlive)
        {
            await DeleteKeyAsync(key, PropagationPolicy.Background, ct);
        }
    }

    private bool OwnerExists(JsonObject ownerRef, string? ns)
    {
        var apiVersion = ownerRef["apiVersion"]?.GetValue<string>() ?? "";
        var kind = ownerRef["kind"]?.GetValue<string>() ?? "";
        var name = ownerRef["name"]?.GetValue<string>() ?? "";
        var uid = ownerRef["uid"]?.GetValue<string>() ?? "";
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        var (group, version) = slash < 0 ? ("", apiVersion) : (apiVersion[..slash], apiVersion[(slash + 1)..]);
        var type = objects.Catalog.Snapshot.FindKind(group, version, kind);
        if (type is null)
        {
            // An owner of a kind that is not served cannot be checked: keep the dependent, as Kubernetes does.
            return true;
        }

        var owner = objects.TryGet(type, ns, name);
        return owner is not null && owner.Object["metadata"]?["uid"]?.GetValue<string>() == uid;
    }

    private List<string> DependentsOf(string uid)
    {
        lock (_gate)
        {
            return _dependents.TryGetValue(uid, out var set) ? [.. set] : [];
        }
    }

    private async Task DeleteKeyAsync(string key, PropagationPolicy policy, CancellationToken ct)
    {
        var (group, plural, ns, name) = ObjectKeys.Parse(key);
        var type = objects.Catalog.Snapshot.Types.FirstOrDefault(t => t.Group == group && t.Plural == plural);
        if (type is null)
        {
            return;
        }

        try
        {
            await objects.DeleteAsync(type, ns.Length == 0 ? null : ns, name, new DeleteOptions(policy), ct);
        }
        catch (ApiException e) when (e.Code == 404)
        {
        }
    }

    private async Task RemoveOwnerAsync(string key, string ownerUid, CancellationToken ct)
    {
        var (group, plural, ns, name) = ObjectKeys.Parse(key);
        var type = objects.Catalog.Snapshot.Types.FirstOrDefault(t => t.Group == group && t.Plural == plural);
        if (type is null)
        {
            return;
        }

        await objects.GuaranteedUpdateAsync(type, ns.Length == 0 ? null : ns, name, obj =>
        {
            if (obj["metadata"]?["ownerReferences"] is not JsonArray refs)
            {
                return null;
            }

            var kept = refs.Where(r => r?["uid"]?.GetValue<string>() != ownerUid).Select(r => r!.DeepClone()).ToArray();
            if (kept.Length == refs.Count)
            {
                return null;
            }

            var meta = (JsonObject)obj["metadata"]!;
            if (kept.Length == 0)
            {
                meta.Remove("ownerReferences");
            }
            else
            {
                meta["ownerReferences"] = new JsonArray(kept);
            }

            return obj;
        }, ct: ct);
    }

    private static string[] OwnerUids(JsonObject obj) =>
        obj["metadata"]?["ownerReferences"] is JsonArray refs
            ? [.. refs.Select(r => r?["uid"]?.GetValue<string>()).Where(u => !string.IsNullOrEmpty(u)).Select(u => u!)]
            : [];
}
