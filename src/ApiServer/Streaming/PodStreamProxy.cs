using System.Globalization;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Kura.ApiServer.Handlers;
using Kura.Model.Errors;
using Kura.Model.Validation;
using Microsoft.AspNetCore.Http;

namespace Kura.ApiServer.Streaming;

/// <summary>
/// pods/log and pods/exec: finds the pod's container and node (pkg/registry/core/pod/strategy.go
/// LogLocation / ExecLocation with validateContainer, and their error texts) and relays to the
/// node agent's streaming server (`/containerLogs/…`, `/exec/…` at the node's InternalIP and
/// daemonEndpoints.kubeletEndpoint.Port), presenting the cluster token.
/// Logs are streamed as they come and the node's refusals become Status errors as the upstream
/// GenericHttpResponseChecker makes them; exec relays the WebSocket (remotecommand v5/v4) both
/// ways with the subprotocol the node chose, and passes a node's refusal through as the upstream
/// upgrade-aware proxy does (kubectl then prints `unable to upgrade connection: …`).
/// </summary>
public sealed class PodStreamProxy(ObjectService objects, string token)
{
    private static readonly string[] LogParameters = ["follow", "previous", "timestamps", "tailLines", "sinceSeconds", "sinceTime", "limitBytes"];
    private static readonly string[] ExecParameters = ["command", "stdin", "stdout", "stderr", "tty"];
    private static readonly string[] AddressTypes = ["InternalIP", "ExternalIP"];
    private static readonly HttpClient Http = new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) }) { Timeout = Timeout.InfiniteTimeSpan };

    public async Task LogAsync(HttpContext context, string ns, string name)
    {
        var pod = objects.Get(objects.Type("", "Pod"), ns, name);
        var container = ValidateContainer(pod, name, context.Request.Query["container"]);
        ValidateLogOptions(context.Request.Query, name);
        if (pod["spec"]?["nodeName"]?.GetValue<string>() is not { Length: > 0 } node)
        {
            // Not scheduled yet: an empty location, so an empty log (LogLocation).
            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/plain";
            return;
        }

        var uri = new Uri($"{NodeBase(node, "http")}/containerLogs/{Segment(ns)}/{Segment(name)}/{Segment(container)}{Query(context.Request.Query, LogParameters)}");
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        HttpResponseMessage response;
        try
        {
            response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        }
        catch (HttpRequestException e)
        {
            throw new ApiException(500, "", $"Get \"{uri}\": {e.Message}");
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var text = await response.Content.ReadAsStringAsync(context.RequestAborted);
                throw NodeError((int)response.StatusCode, text, name);
            }

            context.Response.StatusCode = 200;
            context.Response.ContentType = response.Content.Headers.ContentType?.ToString() ?? "text/plain";
            await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
            var buffer = new byte[16 * 1024];
            int n;
            try
            {
                await context.Response.StartAsync(context.RequestAborted);
                while ((n = await body.ReadAsync(buffer, context.RequestAborted)) > 0)
                {
                    await context.Response.Body.WriteAsync(buffer.AsMemory(0, n), context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                // The client went away (kubectl logs -f interrupted), or the node did.
            }
        }
    }

    public async Task ExecAsync(HttpContext context, string ns, string name)
    {
        var pod = objects.Get(objects.Type("", "Pod"), ns, name);
        var container = ValidateContainer(pod, name, context.Request.Query["container"]);
        if (pod["spec"]?["nodeName"]?.GetValue<string>() is not { Length: > 0 } node)
        {
            throw ApiException.BadRequest($"pod {name} does not have a host assigned");
        }

        var path = $"/exec/{Segment(ns)}/{Segment(name)}/{Segment(container)}{Query(context.Request.Query, ExecParameters)}";
        var httpBase = NodeBase(node, "http");
        if (!context.WebSockets.IsWebSocketRequest)
        {
            if (string.IsNullOrEmpty(context.Request.Headers.Upgrade))
            {
                throw ApiException.BadRequest("Upgrade request required");
            }

            // kubectl's SPDY fallback after a refused WebSocket: answer with the node's refusal.
            await PassNodeRefusalAsync(context, new Uri(httpBase + path), node);
            return;
        }

        using var upstream = new ClientWebSocket();
        upstream.Options.CollectHttpResponseDetails = true;
        upstream.Options.SetRequestHeader("Authorization", "Bearer " + token);
        foreach (var protocol in context.WebSockets.WebSocketRequestedProtocols)
        {
            upstream.Options.AddSubProtocol(protocol);
        }

        try
        {
            await upstream.ConnectAsync(new Uri(NodeBase(node, "ws") + path), context.RequestAborted);
        }
        catch (WebSocketException) when (upstream.HttpStatusCode != 0)
        {
            await PassNodeRefusalAsync(context, new Uri(httpBase + path), node);
            return;
        }
        catch (Exception e) when (e is WebSocketException or HttpRequestException)
        {
            throw new ApiException(500, "", $"error dialing backend: {(e.InnerException ?? e).Message}");
        }

        using var downstream = await context.WebSockets.AcceptWebSocketAsync(upstream.SubProtocol);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var toNode = RelayAsync(downstream, upstream, stop.Token);
        var toClient = RelayAsync(upstream, downstream, stop.Token);

        // The node ends the session (status on channel 3, then close); the client's close reply follows.
        // If the client goes first, the node learns it from the relayed close (or the aborted connection).
        await Task.WhenAny(toClient, toNode);
        await Task.WhenAll(toClient, toNode).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
        await stop.CancelAsync();
        upstream.Abort();
    }

    /// <summary>
    /// The node refused the exec (container not running, bad parameters): its status and text go to
    /// the client unchanged, as the upgrade-aware proxy passes a backend's non-101 answer through.
    /// </summary>
    private async Task PassNodeRefusalAsync(HttpContext context, Uri uri, string node)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        HttpResponseMessage response;
        try
        {
            response = await Http.SendAsync(request, context.RequestAborted);
        }
        catch (HttpRequestException e)
        {
            throw new ApiException(500, "", $"error dialing backend: {e.Message} (node {node})");
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(context.RequestAborted);
            if ((int)response.StatusCode == 426)
            {
                // The container is fine: only the protocol (SPDY) is not served.
                throw ApiException.BadRequest("Upgrade request required: exec is served over WebSockets (v5.channel.k8s.io) only, not SPDY");
            }

            context.Response.StatusCode = (int)response.StatusCode;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(text, context.RequestAborted);
        }
    }

    /// <summary>Copies messages one way; a close is passed on as a half-close so the other way can finish.</summary>
    private static async Task RelayAsync(WebSocket from, WebSocket to, CancellationToken ct)
    {
        var buffer = new byte[32 * 1024];
        try
        {
            while (true)
            {
                var received = await from.ReceiveAsync(buffer, ct);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    if (to.State is WebSocketState.Open or WebSocketState.CloseReceived)
                    {
                        await to.CloseOutputAsync(from.CloseStatus ?? WebSocketCloseStatus.NormalClosure, from.CloseStatusDescription, ct);
                    }

                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, ct);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // One side is gone: make sure the other learns it.
            if (to.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                to.Abort();
            }
        }
    }

    /// <summary>
    /// The container to use (pkg/registry/core/pod/strategy.go validateContainer): the named one,
    /// which may be any container (init, regular, ephemeral), or the only regular one.
    /// </summary>
    internal static string ValidateContainer(JsonObject pod, string name, string? requested)
    {
        var spec = pod["spec"] as JsonObject ?? [];
        var containers = Names(spec, "containers");
        var all = Names(spec, "initContainers").Concat(containers).Concat(Names(spec, "ephemeralContainers")).ToList();
        if (string.IsNullOrEmpty(requested))
        {
            return containers.Count switch
            {
                1 => containers[0],
                0 => throw ApiException.BadRequest($"a container name must be specified for pod {name}"),
                _ => throw ApiException.BadRequest($"a container name must be specified for pod {name}, choose one of: [{string.Join(' ', all)}]"),
            };
        }

        if (!all.Contains(requested))
        {
            throw ApiException.BadRequest($"container {requested} is not valid for pod {name}");
        }

        return requested;
    }

    private static List<string> Names(JsonObject spec, string field) =>
        (spec[field] as JsonArray)?.Select(c => c?["name"]?.GetValue<string>() ?? "").ToList() ?? [];

    /// <summary>pkg/apis/core/validation ValidatePodLogOptions.</summary>
    private static void ValidateLogOptions(IQueryCollection query, string name)
    {
        var errors = new List<FieldError>();
        if (Long(query["tailLines"]) is < 0 and var tail)
        {
            errors.Add(FieldError.Invalid("tailLines", JsonValue.Create(tail), "must be greater than or equal to 0"));
        }

        if (Long(query["limitBytes"]) is < 1 and var limit)
        {
            errors.Add(FieldError.Invalid("limitBytes", JsonValue.Create(limit), "must be greater than 0"));
        }

        var sinceSeconds = Long(query["sinceSeconds"]);
        if (sinceSeconds is not null && !string.IsNullOrEmpty(query["sinceTime"]))
        {
            errors.Add(FieldError.Forbidden("", "at most one of `sinceTime` or `sinceSeconds` may be specified"));
        }
        else if (sinceSeconds is < 1)
        {
            errors.Add(FieldError.Invalid("sinceSeconds", JsonValue.Create(sinceSeconds), "must be greater than 0"));
        }

        if (errors.Count > 0)
        {
            throw ApiException.Invalid("", "PodLogOptions", name, errors);
        }
    }

    /// <summary>A node's refusal of a log request as a Status (genericrest GenericHttpResponseChecker).</summary>
    private static ApiException NodeError(int code, string text, string name) => code switch
    {
        400 => ApiException.BadRequest(text),
        500 => ApiException.Internal(text),
        404 => new ApiException(404, "NotFound", $"the server could not find the requested resource ( pods/log {name})", new JsonObject { ["name"] = name, ["kind"] = "pods/log" }),
        >= 500 => new ApiException(code, "InternalError", $"an error on the server (\"{text}\") has prevented the request from succeeding ( pods/log {name})", new JsonObject { ["name"] = name, ["kind"] = "pods/log" }),
        _ => new ApiException(code, "", $"the server responded with the status code {code} but did not return more information ( pods/log {name})", new JsonObject { ["name"] = name, ["kind"] = "pods/log" }),
    };

    /// <summary>http(s)/ws://address:port of a node's streaming server: its InternalIP (else ExternalIP) and kubelet endpoint port.</summary>
    private string NodeBase(string nodeName, string scheme)
    {
        var node = objects.TryGet(objects.Type("", "Node"), null, nodeName)?.Object
            ?? throw ApiException.NotFound("", "nodes", nodeName);
        var addresses = (node["status"]?["addresses"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        var address = AddressTypes
            .Select(type => addresses.FirstOrDefault(a => a["type"]?.GetValue<string>() == type)?["address"]?.GetValue<string>())
            .FirstOrDefault(a => !string.IsNullOrEmpty(a));
        var port = node["status"]?["daemonEndpoints"]?["kubeletEndpoint"]?["Port"]?.GetValue<long>() ?? 0;
        if (address is null)
        {
            var known = string.Join(' ', addresses.Select(a => $"{{{a["type"]} {a["address"]}}}"));
            throw ApiException.BadRequest($"no preferred addresses found; known addresses: [{known}]");
        }

        if (port <= 0)
        {
            throw ApiException.BadRequest($"node {nodeName} has no kubelet endpoint port (status.daemonEndpoints.kubeletEndpoint.Port)");
        }

        return $"{scheme}://{(address.Contains(':', StringComparison.Ordinal) ? $"[{address}]" : address)}:{port.ToString(CultureInfo.InvariantCulture)}";
    }

    private static string Query(IQueryCollection query, string[] keys)
    {
        var parts = keys.Where(query.ContainsKey)
            .SelectMany(k => query[k].Select(v => $"{k}={Uri.EscapeDataString(v ?? "")}"))
            .ToList();
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    private static string Segment(string value) => Uri.EscapeDataString(value);

    private static long? Long(string? value) => long.TryParse(value, CultureInfo.InvariantCulture, out var n) ? n : null;
}
