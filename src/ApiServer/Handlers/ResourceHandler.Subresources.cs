using System.Text.Json.Nodes;
using Kura.ApiServer.Routing;
using Kura.Model.Errors;
using Kura.Model.Patching;
using Kura.Model.Registry;
using Microsoft.AspNetCore.Http;

namespace Kura.ApiServer.Handlers;

public sealed partial class ResourceHandler
{
    private async Task HandleSubresourceAsync(HttpContext context, ResourceType type, string? ns, RequestInfo info)
    {
        var name = info.Name ?? throw new ApiException(404, "NotFound", "the server could not find the requested resource");
        var ct = context.RequestAborted;
        switch (info.Subresource)
        {
            case "scale" when type.Scale is not null:
                await ScaleAsync(context, type, ns, name);
                return;
            case "binding" when type.Group.Length == 0 && type.Kind == "Pod" && context.Request.Method == "POST":
                var binding = await DecodeObjectAsync(context);
                await BindPodAsync(type, ns, name, binding, ct);
                await HttpIo.WriteJsonAsync(context, 201, new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Success", ["code"] = 201 });
                return;
            case "finalize" when type.Group.Length == 0 && type.Kind == "Namespace" && context.Request.Method == "PUT":
                var body = await DecodeObjectAsync(context);
                var finalizers = body["spec"]?["finalizers"]?.DeepClone();
                var updated = await objects.GuaranteedUpdateAsync(type, null, name, current =>
                {
                    var spec = current["spec"] as JsonObject ?? [];
                    spec.Remove("finalizers");
                    if (finalizers is not null)
                    {
                        spec["finalizers"] = finalizers.DeepClone();
                    }

                    current["spec"] = spec;
                    return current;
                }, ct: ct) ?? throw ApiException.NotFound(type, name);
                await HttpIo.WriteJsonAsync(context, 200, updated);
                return;
            case "log" when type.Group.Length == 0 && type.Kind == "Pod" && Streams is not null:
                await Streams.LogAsync(context, ns!, name);
                return;
            case "exec" when type.Group.Length == 0 && type.Kind == "Pod" && Streams is not null:
                await Streams.ExecAsync(context, ns!, name);
                return;
            case "log" or "exec" or "attach" or "portforward" when type.Kind == "Pod":
                objects.Get(type, ns, name);
                throw ApiException.BadRequest($"pods/{info.Subresource} is not supported by Kura yet");
            default:
                throw new ApiException(404, "NotFound", "the server could not find the requested resource");
        }
    }

    /// <summary>pods/binding: assigns a node once (pkg/registry/core/pod/storage assignPod).</summary>
    private async Task BindPodAsync(ResourceType type, string? ns, string name, JsonObject binding, CancellationToken ct)
    {
        var node = binding["target"]?["name"]?.GetValue<string>();
        if (string.IsNullOrEmpty(node))
        {
            throw ApiException.Invalid("", "Binding", name, [Model.Validation.FieldError.Required("target.name")]);
        }

        await PodBinder.BindAsync(objects, ns!, name, node, ct);
    }

    /// <summary>The scale subresource as autoscaling/v1 Scale, read from and written to the parent's paths.</summary>
    private async Task ScaleAsync(HttpContext context, ResourceType type, string? ns, string name)
    {
        var scale = type.Scale!;
        var parent = objects.Get(type, ns, name);
        var ct = context.RequestAborted;
        switch (context.Request.Method)
        {
            case "GET":
                await HttpIo.WriteJsonAsync(context, 200, ScaleOf(type, parent));
                return;
            case "PUT" or "PATCH":
                JsonObject desired;
                if (context.Request.Method == "PUT")
                {
                    desired = await DecodeObjectAsync(context);
                }
                else
                {
                    var bytes = await HttpIo.ReadBodyAsync(context.Request, ct);
                    var patch = ParseJson(bytes);
                    var current = ScaleOf(type, parent);
                    var contentType = (context.Request.ContentType ?? "").Split(';')[0].Trim();
                    desired = (contentType == "application/json-patch+json" ? JsonPatch.Apply(current, patch) : MergePatch.Apply(current, patch)) as JsonObject
                        ?? throw ApiException.BadRequest("invalid scale patch");
                }

                var replicas = desired["spec"]?["replicas"]?.GetValue<long>() ?? 0;
                if (replicas < 0)
                {
                    throw ApiException.Invalid("autoscaling", "Scale", name, [Model.Validation.FieldError.Invalid("spec.replicas", replicas.ToString(System.Globalization.CultureInfo.InvariantCulture), "must be greater than or equal to 0")]);
                }

                var updated = await objects.GuaranteedUpdateAsync(type, ns, name, obj =>
                {
                    SetPath(obj, scale.SpecReplicasPath, replicas);
                    return obj;
                }, ct: ct) ?? throw ApiException.NotFound(type, name);
                await HttpIo.WriteJsonAsync(context, 200, ScaleOf(type, updated));
                return;
            default:
                throw ApiException.MethodNotAllowed("the server does not allow this method on the requested resource");
        }
    }

    private static JsonObject ScaleOf(ResourceType type, JsonObject parent)
    {
        var meta = (JsonObject)parent["metadata"]!;
        var scale = type.Scale!;
        var status = new JsonObject { ["replicas"] = GetPath(parent, scale.StatusReplicasPath)?.GetValue<long>() ?? 0 };
        if (scale.LabelSelectorPath is not null && GetPath(parent, scale.LabelSelectorPath) is JsonValue sel)
        {
            status["selector"] = sel.GetValue<string>();
        }
        else if (parent["spec"]?["selector"] is JsonObject selector)
        {
            status["selector"] = Model.Selectors.LabelSelector.FromJson(selector).ToString();
        }

        var scaleMeta = new JsonObject();
        foreach (var key in new[] { "name", "namespace", "uid", "resourceVersion", "creationTimestamp" })
        {
            if (meta[key] is JsonNode v)
            {
                scaleMeta[key] = v.DeepClone();
            }
        }

        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = scaleMeta,
            ["spec"] = new JsonObject { ["replicas"] = GetPath(parent, scale.SpecReplicasPath)?.GetValue<long>() ?? 0 },
            ["status"] = status,
        };
    }

    private static JsonNode? GetPath(JsonObject obj, string path)
    {
        JsonNode? node = obj;
        foreach (var part in path.TrimStart('.').Split('.'))
        {
            node = (node as JsonObject)?[part];
        }

        return node;
    }

    private static void SetPath(JsonObject obj, string path, long value)
    {
        var parts = path.TrimStart('.').Split('.');
        var node = obj;
        foreach (var part in parts[..^1])
        {
            if (node[part] is not JsonObject child)
            {
                child = [];
                node[part] = child;
            }

            node = child;
        }

        node[parts[^1]] = value;
    }
}
