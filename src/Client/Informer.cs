using System.Text.Json.Nodes;
using Kura.Model.Errors;

namespace Kura.Client;

/// <summary>
/// A list+watch cache of one resource (client-go's informer): it lists, then watches from the
/// list's resourceVersion, re-watches when the stream ends and re-lists after 410 Gone. Handlers
/// see every change with the previous state; cached objects must not be mutated.
/// </summary>
public sealed class Informer(KubeClient client, ResourceRef resource, string? ns = null, string? fieldSelector = null)
{
    private readonly Dictionary<string, JsonObject> _cache = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Raised for each change: type (ADDED/MODIFIED/DELETED), the object, and its previous state.</summary>
    public event Action<string, JsonObject, JsonObject?>? Changed;

    public ResourceRef Resource => resource;

    /// <summary>Completes after the first list has been loaded.</summary>
    public Task Synced => _synced.Task;

    public static string KeyOf(JsonObject obj) =>
        $"{obj["metadata"]?["namespace"]?.GetValue<string>()}/{obj["metadata"]?["name"]?.GetValue<string>()}";

    public JsonObject? Get(string? ns, string name)
    {
        lock (_cache)
        {
            return _cache.GetValueOrDefault($"{ns}/{name}");
        }
    }

    public IReadOnlyList<JsonObject> List()
    {
        lock (_cache)
        {
            return [.. _cache.Values];
        }
    }

    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var (items, rv) = await client.ListAsync(resource, ns, fieldSelector: fieldSelector, ct: ct);
                Replace(items);
                _synced.TrySetResult();
                while (!ct.IsCancellationRequested)
                {
                    await foreach (var ev in client.WatchAsync(resource, ns, rv, fieldSelector, ct))
                    {
                        rv = ev.Object["metadata"]?["resourceVersion"]?.GetValue<string>() ?? rv;
                        if (ev.Type != "BOOKMARK")
                        {
                            Apply(ev.Type, ev.Object);
                        }
                    }
                }
            }
            catch (ApiException e) when (e.Code == 410)
            {
                // History compacted past our resourceVersion: list again.
            }
            catch (Exception e) when (e is HttpRequestException or IOException && !ct.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }
    }

    private void Replace(IReadOnlyList<JsonObject> items)
    {
        var fresh = items.ToDictionary(KeyOf, StringComparer.Ordinal);
        List<(string, JsonObject, JsonObject?)> changes = [];
        lock (_cache)
        {
            foreach (var (key, old) in _cache.ToList())
            {
                if (!fresh.ContainsKey(key))
                {
                    _cache.Remove(key);
                    changes.Add(("DELETED", old, old));
                }
            }

            foreach (var (key, obj) in fresh)
            {
                var old = _cache.GetValueOrDefault(key);
                _cache[key] = obj;
                if (old is null || !JsonNode.DeepEquals(old, obj))
                {
                    changes.Add((old is null ? "ADDED" : "MODIFIED", obj, old));
                }
            }
        }

        foreach (var (type, obj, old) in changes)
        {
            Changed?.Invoke(type, obj, old);
        }
    }

    private void Apply(string type, JsonObject obj)
    {
        var key = KeyOf(obj);
        JsonObject? old;
        lock (_cache)
        {
            old = _cache.GetValueOrDefault(key);
            if (type == "DELETED")
            {
                _cache.Remove(key);
            }
            else
            {
                _cache[key] = obj;
            }
        }

        Changed?.Invoke(type, obj, old);
    }
}
