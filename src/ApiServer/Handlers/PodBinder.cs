using System.Text.Json.Nodes;
using Kura.Model.Errors;
using Kura.Model.Meta;

namespace Kura.ApiServer.Handlers;

/// <summary>
/// Assigning a pod to a node once (pkg/registry/core/pod/storage assignPod), shared by the
/// pods/binding subresource and the embedded scheduler: spec.nodeName is set unless already set,
/// and the PodScheduled condition becomes True.
/// </summary>
public static class PodBinder
{
    public static async Task BindAsync(ObjectService objects, string ns, string name, string node, CancellationToken ct)
    {
        var type = objects.Type("", "Pod");
        await objects.GuaranteedUpdateAsync(type, ns, name, pod =>
        {
            var spec = pod["spec"] as JsonObject ?? [];
            var existing = spec["nodeName"]?.GetValue<string>();
            if (!string.IsNullOrEmpty(existing))
            {
                throw ApiException.Conflict(type, name, $"pod {name} is already assigned to node \"{existing}\"");
            }

            if (pod["metadata"]?["deletionTimestamp"] is not null)
            {
                throw ApiException.Conflict(type, name, $"pod {name} is being deleted, cannot be assigned to a host");
            }

            spec["nodeName"] = node;
            pod["spec"] = spec;
            return pod;
        }, ct: ct);

        var now = Obj.Rfc3339(objects.Time.GetUtcNow());
        await objects.GuaranteedUpdateAsync(type, ns, name, pod =>
        {
            var status = pod["status"] as JsonObject ?? [];
            var conditions = status["conditions"] as JsonArray ?? [];
            var scheduled = conditions.OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == "PodScheduled");
            if (scheduled?["status"]?.GetValue<string>() == "True")
            {
                return null;
            }

            if (scheduled is not null)
            {
                conditions.Remove(scheduled);
            }

            conditions.Add(new JsonObject { ["type"] = "PodScheduled", ["status"] = "True", ["lastProbeTime"] = null, ["lastTransitionTime"] = now });
            status["conditions"] = conditions;
            pod["status"] = status;
            return pod;
        }, subresource: "status", ct: ct);
    }
}
