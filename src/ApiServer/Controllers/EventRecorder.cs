using System.Globalization;
using System.Text.Json.Nodes;
using Kura.ApiServer.Handlers;
using Kura.Model.Errors;
using Kura.Model.Meta;

namespace Kura.ApiServer.Controllers;

/// <summary>
/// Records core/v1 Events as client-go's recorder does: one Event per object, reason and message,
/// named "&lt;object&gt;.&lt;hex nanoseconds&gt;" in the object's namespace ("default" for
/// cluster-scoped objects); a repeat bumps count and lastTimestamp instead of adding a new one.
/// </summary>
public sealed class EventRecorder(ObjectService objects, string component)
{
    private readonly Dictionary<string, (string Namespace, string Name)> _recent = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public async Task RecordAsync(JsonObject involved, string type, string reason, string message, CancellationToken ct)
    {
        var eventType = objects.Type("", "Event");
        var meta = involved["metadata"] as JsonObject ?? [];
        var ns = Obj.GetString(meta, "namespace") is { Length: > 0 } n ? n : "default";
        var uid = Obj.GetString(meta, "uid") ?? "";
        var key = $"{uid}|{type}|{reason}|{message}";
        var now = Obj.Rfc3339(objects.Time.GetUtcNow());
        (string Namespace, string Name) existing;
        lock (_gate)
        {
            _recent.TryGetValue(key, out existing);
        }

        if (existing.Name is not null)
        {
            var updated = await objects.GuaranteedUpdateAsync(eventType, existing.Namespace, existing.Name, e =>
            {
                e["count"] = (e["count"]?.GetValue<long>() ?? 1) + 1;
                e["lastTimestamp"] = now;
                return e;
            }, ct: ct);
            if (updated is not null)
            {
                return;
            }
        }

        var name = $"{Obj.GetString(meta, "name")}.{objects.Time.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000:x}";
        var ev = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Event",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
            ["involvedObject"] = new JsonObject
            {
                ["kind"] = Obj.GetString(involved, "kind"),
                ["namespace"] = Obj.GetString(meta, "namespace"),
                ["name"] = Obj.GetString(meta, "name"),
                ["uid"] = uid,
                ["apiVersion"] = Obj.GetString(involved, "apiVersion"),
                ["resourceVersion"] = Obj.GetString(meta, "resourceVersion"),
            },
            ["reason"] = reason,
            ["message"] = message,
            ["source"] = new JsonObject { ["component"] = component },
            ["firstTimestamp"] = now,
            ["lastTimestamp"] = now,
            ["count"] = 1L,
            ["type"] = type,
            ["reportingComponent"] = component,
            ["reportingInstance"] = "",
        };
        try
        {
            await objects.CreateAsync(eventType, ns, ev, WriteOptions.Internal, ct);
            lock (_gate)
            {
                _recent[key] = (ns, name);
                if (_recent.Count > 4096)
                {
                    _recent.Clear();
                }
            }
        }
        catch (ApiException e) when (e.Code is 409 or 403 or 404)
        {
            // A duplicate name or a namespace going away: events are best-effort, as in Kubernetes.
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"EventRecorder({component})");
}
