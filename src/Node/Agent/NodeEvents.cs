using System.Net.Http;
using System.Text.Json.Nodes;
using Kura.Client;
using Kura.Model.Errors;
using Kura.Model.Meta;

namespace Kura.Node.Agent;

/// <summary>
/// The kubelet's event recorder: Events about pods (source component "kubelet", host = this node,
/// fieldPath naming the container); a repeat bumps count and lastTimestamp. Best-effort: an event
/// that cannot be written never stops a pod.
/// </summary>
public sealed class NodeEvents(KubeClient api, string nodeName, TimeProvider time)
{
    private readonly Dictionary<string, (string Namespace, string Name, long Count)> _recent = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public Task NormalAsync(JsonObject pod, string? container, string reason, string message, CancellationToken ct) =>
        RecordAsync(pod, container, "Normal", reason, message, ct);

    public Task WarningAsync(JsonObject pod, string? container, string reason, string message, CancellationToken ct) =>
        RecordAsync(pod, container, "Warning", reason, message, ct);

    public async Task RecordAsync(JsonObject involved, string? container, string type, string reason, string message, CancellationToken ct)
    {
        var meta = involved["metadata"] as JsonObject ?? [];
        var ns = Obj.GetString(meta, "namespace") is { Length: > 0 } n ? n : "default";
        var uid = Obj.GetString(meta, "uid") ?? "";
        var key = $"{uid}|{container}|{type}|{reason}|{message}";
        var now = Obj.Rfc3339(time.GetUtcNow());
        try
        {
            (string Namespace, string Name, long Count) existing;
            lock (_gate)
            {
                _recent.TryGetValue(key, out existing);
            }

            if (existing.Name is not null)
            {
                var count = existing.Count + 1;
                await api.PatchAsync(ResourceRef.Events, existing.Namespace, existing.Name, new JsonObject { ["count"] = count, ["lastTimestamp"] = now }, ct: ct);
                lock (_gate)
                {
                    _recent[key] = (existing.Namespace, existing.Name, count);
                }

                return;
            }

            var name = $"{Obj.GetString(meta, "name")}.{time.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000 + Random.Shared.Next(1_000_000):x}";
            var involvedObject = new JsonObject
            {
                ["kind"] = Obj.GetString(involved, "kind") ?? "Pod",
                ["namespace"] = Obj.GetString(meta, "namespace"),
                ["name"] = Obj.GetString(meta, "name"),
                ["uid"] = uid,
                ["apiVersion"] = Obj.GetString(involved, "apiVersion") ?? "v1",
                ["resourceVersion"] = Obj.GetString(meta, "resourceVersion"),
            };
            if (container is not null)
            {
                involvedObject["fieldPath"] = $"spec.containers{{{container}}}";
            }

            var ev = new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Event",
                ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
                ["involvedObject"] = involvedObject,
                ["reason"] = reason,
                ["message"] = message,
                ["source"] = new JsonObject { ["component"] = "kubelet", ["host"] = nodeName },
                ["firstTimestamp"] = now,
                ["lastTimestamp"] = now,
                ["count"] = 1L,
                ["type"] = type,
                ["reportingComponent"] = "kubelet",
                ["reportingInstance"] = nodeName,
            };
            await api.CreateAsync(ResourceRef.Events, ns, ev, "kubelet", ct);
            lock (_gate)
            {
                if (_recent.Count > 4096)
                {
                    _recent.Clear();
                }

                _recent[key] = (ns, name, 1);
            }
        }
        catch (Exception e) when (e is ApiException or HttpRequestException or IOException)
        {
            // Events are best-effort, as in Kubernetes.
        }
    }
}
