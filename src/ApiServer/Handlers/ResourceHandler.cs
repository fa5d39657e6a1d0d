using System.Text.Json;
using System.Text.Json.Nodes;
using Kura.ApiServer.Codecs;
using Kura.ApiServer.Routing;
using Kura.Model.Errors;
using Kura.Model.Registry;
using Microsoft.AspNetCore.Http;

namespace Kura.ApiServer.Handlers;

/// <summary>
/// Serves resource URLs: maps HTTP verbs and query parameters to <see cref="ObjectService"/>
/// calls and renders objects, lists, Tables and watch streams as kubectl expects them
/// (reference/kubernetes.md Part 2).
/// </summary>
public sealed partial class ResourceHandler(ObjectService objects)
{
    /// <summary>Relays pods/log and pods/exec to node agents (null: no nodes to relay to).</summary>
    public Streaming.PodStreamProxy? Streams { get; init; }

    public async Task HandleAsync(HttpContext context, RequestInfo info)
    {
        var type = objects.Catalog.Snapshot.Find(info.Group, info.Version, info.Resource)
            ?? throw ApiException.NotFound(info.Group, info.Resource, info.Name ?? "")
            ;
        if (type.Namespaced && info.Namespace is null && info.Name is not null)
        {
            // A namespaced item addressed without a namespace: Kubernetes answers 404.
            throw new ApiException(404, "NotFound", "the server could not find the requested resource");
        }

        if (!type.Namespaced && info.Namespace is not null)
        {
            throw new ApiException(404, "NotFound", "the server could not find the requested resource");
        }

        var ns = type.Namespaced ? info.Namespace : null;
        var method = context.Request.Method;
        var query = context.Request.Query;
        var ct = context.RequestAborted;

        if (info.Subresource is not null and not "status")
        {
            await HandleSubresourceAsync(context, type, ns, info);
            return;
        }

        if (info.Name is null)
        {
            switch (method)
            {
                case "GET" when IsWatch(query):
                    await WatchAsync(context, type, ns, null);
                    return;
                case "GET":
                    await ListAsync(context, type, ns);
                    return;
                case "POST":
                    var body = await DecodeObjectAsync(context);
                    var created = await objects.CreateAsync(type, ns, body, WriteOptionsOf(context), ct);
                    await RespondObjectAsync(context, type, IsDryRun(query) ? 201 : 201, created);
                    return;
                case "DELETE":
                    await DeleteCollectionAsync(context, type, ns);
                    return;
                default:
                    throw ApiException.MethodNotAllowed($"the server does not allow this method on the requested resource");
            }
        }

        switch (method)
        {
            case "GET" when IsWatch(query):
                await WatchAsync(context, type, ns, info.Name);
                return;
            case "GET":
                var obj = objects.Get(type, ns, info.Name);
                await RespondObjectAsync(context, type, 200, obj);
                return;
            case "PUT":
                var body = await DecodeObjectAsync(context);
                var options = WriteOptionsOf(context);
                var updated = await objects.UpdateAsync(type, ns, info.Name, body, info.Subresource, options, ct);
                AddWarnings(context, options);
                await RespondObjectAsync(context, type, 200, updated);
                return;
            case "PATCH":
                await PatchAsync(context, type, ns, info);
                return;
            case "DELETE":
                var (last, _) = await objects.DeleteAsync(type, ns, info.Name, await DeleteOptionsOfAsync(context), ct);
                await RespondObjectAsync(context, type, 200, last);
                return;
            default:
                throw ApiException.MethodNotAllowed("the server does not allow this method on the requested resource");
        }
    }

    private async Task PatchAsync(HttpContext context, ResourceType type, string? ns, RequestInfo info)
    {
        var contentType = context.Request.ContentType ?? "";
        var patchType = contentType.Split(';')[0].Trim() switch
        {
            "application/json-patch+json" => PatchType.Json,
            "application/merge-patch+json" => PatchType.Merge,
            "application/strategic-merge-patch+json" => PatchType.StrategicMerge,
            "application/apply-patch+yaml" => PatchType.Apply,
            _ => throw new ApiException(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json"),
        };
        var bytes = await HttpIo.ReadBodyAsync(context.Request, context.RequestAborted);
        JsonNode patch = patchType == PatchType.Apply ? ParseYamlOrJson(bytes) : ParseJson(bytes);
        var options = WriteOptionsOf(context);
        var (result, created) = await objects.PatchAsync(type, ns, info.Name!, patchType, patch, info.Subresource, options, context.RequestAborted);
        AddWarnings(context, options);
        await RespondObjectAsync(context, type, created ? 201 : 200, result);
    }

    private async Task DeleteCollectionAsync(HttpContext context, ResourceType type, string? ns)
    {
        var filter = ListFilter.FromQuery(context.Request.Query, type);
        var options = await DeleteOptionsOfAsync(context);
        var listed = objects.List(type, ns);
        var items = new JsonArray();
        foreach (var item in listed.Items)
        {
            if (!filter.Matches(item.Object))
            {
                continue;
            }

            var meta = (JsonObject)item.Object["metadata"]!;
            try
            {
                var (last, _) = await objects.DeleteAsync(type, meta["namespace"]?.GetValue<string>(), meta["name"]!.GetValue<string>(), options, context.RequestAborted);
                items.Add(last.DeepClone());
            }
            catch (ApiException e) when (e.Code == 404)
            {
                // Deleted concurrently: nothing left to do for this one.
            }
        }

        var list = new JsonObject
        {
            ["kind"] = type.ListKind,
            ["apiVersion"] = type.ApiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = objects.Store.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            ["items"] = items,
        };
        await HttpIo.WriteJsonAsync(context, 200, list);
    }

    private async Task<JsonObject> DecodeObjectAsync(HttpContext context)
    {
        var bytes = await HttpIo.ReadBodyAsync(context.Request, context.RequestAborted);
        var contentType = (context.Request.ContentType ?? "application/json").Split(';')[0].Trim();
        JsonNode node = contentType switch
        {
            "application/json" or "" => ParseJson(bytes),
            "application/yaml" or "application/x-yaml" or "text/yaml" => ParseYamlOrJson(bytes),
            KubernetesProtobuf.MediaType => DecodeProtobuf(bytes),
            _ => throw ApiException.UnsupportedMediaType(contentType),
        };
        return node as JsonObject ?? throw ApiException.BadRequest("the body of the request must be a JSON object");
    }

    private static JsonObject DecodeProtobuf(byte[] bytes)
    {
        try
        {
            return KubernetesProtobuf.Decode(bytes);
        }
        catch (NotSupportedException e)
        {
            throw new ApiException(415, "UnsupportedMediaType", e.Message);
        }
        catch (FormatException e)
        {
            throw ApiException.BadRequest($"unable to decode protobuf body: {e.Message}");
        }
    }

    internal static JsonNode ParseJson(byte[] bytes)
    {
        try
        {
            return JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { MaxDepth = 128 })
                ?? throw ApiException.BadRequest("the request body was null");
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest($"error decoding request body: {e.Message}");
        }
    }

    private static JsonNode ParseYamlOrJson(byte[] bytes)
    {
        try
        {
            var docs = Model.Serialization.Yaml.ParseDocuments(System.Text.Encoding.UTF8.GetString(bytes));
            return docs.Count == 1 && docs[0] is JsonNode node
                ? node
                : throw ApiException.BadRequest("the request body must hold exactly one YAML document");
        }
        catch (Model.Serialization.YamlFormatException e)
        {
            throw ApiException.BadRequest($"error decoding YAML: {e.Message}");
        }
    }

    private static bool IsWatch(IQueryCollection query) => query["watch"] is { Count: > 0 } w && w[0] is "true" or "1";

    private static bool IsDryRun(IQueryCollection query) => query["dryRun"].Any(v => v == "All");

    private static WriteOptions WriteOptionsOf(HttpContext context)
    {
        var q = context.Request.Query;
        var validation = q["fieldValidation"].FirstOrDefault() switch
        {
            "Strict" => FieldValidation.Strict,
            "Warn" => FieldValidation.Warn,
            "Ignore" => FieldValidation.Ignore,
            null or "" => FieldValidation.Warn,
            var other => throw ApiException.BadRequest($"fieldValidation invalid value: {other}"),
        };
        // Without fieldManager, Kubernetes names the manager after the User-Agent's program ("kubectl").
        var manager = q["fieldManager"].FirstOrDefault();
        if (string.IsNullOrEmpty(manager))
        {
            var agent = context.Request.Headers.UserAgent.ToString();
            manager = agent.Length == 0 ? "unknown" : agent.Split('/')[0];
        }

        return new WriteOptions(IsDryRun(q), manager, validation, q["force"].FirstOrDefault() == "true");
    }

    private static void AddWarnings(HttpContext context, WriteOptions options)
    {
        foreach (var w in options.Warnings)
        {
            context.Response.Headers.Append("Warning", $"299 - \"{w.Replace("\"", "\\\"", StringComparison.Ordinal)}\"");
        }
    }

    private static async Task<DeleteOptions> DeleteOptionsOfAsync(HttpContext context)
    {
        var q = context.Request.Query;
        PropagationPolicy? policy = null;
        long? grace = null;
        string? uid = null, rv = null;
        var dryRun = IsDryRun(q);
        var bytes = await HttpIo.ReadBodyAsync(context.Request, context.RequestAborted);
        if (bytes.Length > 0 && ParseJson(bytes) is JsonObject body)
        {
            policy = ParsePolicy(body["propagationPolicy"]?.GetValue<string>());
            grace = body["gracePeriodSeconds"]?.GetValue<long>();
            uid = body["preconditions"]?["uid"]?.GetValue<string>();
            rv = body["preconditions"]?["resourceVersion"]?.GetValue<string>();
            if (body["orphanDependents"] is JsonValue od && od.GetValue<bool>())
            {
                policy ??= PropagationPolicy.Orphan;
            }

            dryRun |= body["dryRun"] is JsonArray dr && dr.Any(d => d?.GetValue<string>() == "All");
        }

        policy ??= ParsePolicy(q["propagationPolicy"].FirstOrDefault());
        if (grace is null && long.TryParse(q["gracePeriodSeconds"].FirstOrDefault(), out var g))
        {
            grace = g;
        }

        return new DeleteOptions(policy, grace, uid, rv, dryRun);
    }

    private static PropagationPolicy? ParsePolicy(string? value) => value switch
    {
        null or "" => null,
        "Background" => PropagationPolicy.Background,
        "Foreground" => PropagationPolicy.Foreground,
        "Orphan" => PropagationPolicy.Orphan,
        _ => throw ApiException.BadRequest($"propagationPolicy: Unsupported value: \"{value}\": supported values: \"Foreground\", \"Background\", \"Orphan\""),
    };
}
