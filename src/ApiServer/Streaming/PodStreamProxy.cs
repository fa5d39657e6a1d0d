using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Kura.ApiServer.Handlers;
using Kura.Model.Errors;
using Microsoft.AspNetCore.Http;

namespace Kura.ApiServer.Streaming;

/// <summary>
/// pods/log and pods/exec: finds the pod's container and node (pkg/registry/core/pod/strategy.go
/// LogLocation / streamLocation, with their error texts) and relays to the node agent's streaming
/// endpoint, presenting the cluster token. Logs are streamed as they come; exec relays the
/// WebSocket both ways with the subprotocol the node chose.
/// </summary>
public sealed class PodStreamProxy(ObjectService objects, string token)
{
    private static readonly string[] LogParameters = ["follow", "previous", "timestamps", "tailLines", "sinceSeconds", "sinceTime", "limitBytes"];
    private static readonly HttpClient Http = new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) }) { Timeout = Timeout.InfiniteTimeSpan };

    public async Task LogAsync(HttpContext context, string ns, string name)
    {
        var pod = objects.Get(objects.Type("", "Pod"), ns, name);
        var container = Container(pod, name, context.Request.Query["container"], forLogs: true);
        if (pod["spec"]?["nodeName"]?.GetValue<string>() is not { Length: > 0 } node)
        {
            // Not scheduled yet: an empty log, as Kubernetes answers.
            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/plain";
            return;
        }

        var query = string.Join('&', LogParameters
            .Where(k => context.Request.Query.ContainsKey(k))
            .Select(k => $"{k}={Uri.EscapeDataString(context.Request.Query[k].ToString())}"));
        var uri = new Uri($"{NodeBase(node, "http")}/containerLogs/{Uri.EscapeDataString(ns)}/{Uri.EscapeDataString(name)}/{Uri.EscapeDataString(container)}?{query}");
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        HttpResponseMessage response;
        try
        {
            response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        }
        catch (HttpRequestException e)
        {
            throw NodeUnreachable(node, e);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var text = await response.Content.ReadAsStringAsync(context.RequestAborted);
                throw new ApiException((int)response.StatusCode, (int)response.StatusCode == 404 ? "NotFound" : "BadRequest", text.Trim());
            }

            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/plain";
            await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
            var buffer = new byte[16 * 1024];
            int n;
            try
            {
                while ((n = await body.ReadAsync(buffer, context.RequestAborted)) > 0)
                {
                    await context.Response.Body.WriteAsync(buffer.AsMemory(0, n), context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                }
            }
            catch (OperationCanceledException)
            {
                // The client went away (kubectl logs -f interrupted).
            }
        }
    }

    public async Task ExecAsync(HttpContext context, string ns, string name)
    {
        var pod = objects.Get(objects.Type("", "Pod"), ns, name);
        var container = Container(pod, name, context.Request.Query["container"], forLogs: false);
        if (pod["spec"]?["nodeName"]?.GetValue<string>() is not { Length: > 0 } node)
        {
            throw ApiException.BadRequest($"pod {name} does not have a host assigned");
        }

        if (pod["status"]?["phase"]?.GetValue<string>() is "Succeeded" or "Failed")
        {
            throw ApiException.BadRequest($"cannot exec into a container in a completed pod; current phase is {pod["status"]!["phase"]}");
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            throw ApiException.BadRequest("Upgrade request required: Kura serves exec over WebSockets (kubectl 1.30+ uses them by default)");
        }

        var query = string.Join('&', context.Request.Query.Where(q => q.Key is "command" or "stdin" or "stdout" or "stderr" or "tty")
            .SelectMany(q => q.Value.Select(v => $"{q.Key}={Uri.EscapeDataString(v ?? "")}")));
        using var upstream = new ClientWebSocket();
        upstream.Options.SetRequestHeader("Authorization", "Bearer " + token);
        foreach (var protocol in context.WebSockets.WebSocketRequestedProtocols)
        {
            upstream.Options.AddSubProtocol(protocol);
        }

        try
        {
            await upstream.ConnectAsync(new Uri($"{NodeBase(node, "ws")}/exec/{Uri.EscapeDataString(ns)}/{Uri.EscapeDataString(name)}/{Uri.EscapeDataString(container)}?{query}"), context.RequestAborted);
        }
        catch (WebSocketException e)
        {
            throw ApiException.BadRequest($"unable to upgrade connection: {e.Message}");
        }

        using var downstream = await context.WebSockets.AcceptWebSocketAsync(upstream.SubProtocol);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var toNode = RelayAsync(downstream, upstream, stop.Token);
        var toClient = RelayAsync(upstream, downstream, stop.Token);

        // The node ends the session (status on channel 3, then close); kubectl's close reply follows.
        await Task.WhenAny(toClient, toNode);
        await Task.WhenAll(toClient, toNode).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
        await stop.CancelAsync();
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
        }
    }

    /// <summary>The container to use: named, or the only one (with upstream's texts otherwise).</summary>
    private static string Container(JsonObject pod, string name, string? requested, bool forLogs)
    {
        var spec = pod["spec"] as JsonObject ?? [];
        var containers = (spec["containers"] as JsonArray)?.Select(c => c?["name"]?.GetValue<string>() ?? "").ToList() ?? [];
        var init = (spec["initContainers"] as JsonArray)?.Select(c => c?["name"]?.GetValue<string>() ?? "").ToList() ?? [];
        if (string.IsNullOrEmpty(requested))
        {
            if (containers.Count == 1)
            {
                return containers[0];
            }

            var message = $"a container name must be specified for pod {name}, choose one of: [{string.Join(' ', containers)}]";
            if (forLogs && init.Count > 0)
            {
                message += $" or one of the init containers: [{string.Join(' ', init)}]";
            }

            throw ApiException.BadRequest(message);
        }

        if (!containers.Contains(requested) && !init.Contains(requested))
        {
            throw ApiException.BadRequest($"container {requested} is not valid for pod {name}");
        }

        return requested;
    }

    /// <summary>scheme://InternalIP:kubeletEndpoint.Port of a node.</summary>
    private string NodeBase(string nodeName, string scheme)
    {
        var node = objects.TryGet(objects.Type("", "Node"), null, nodeName)?.Object
            ?? throw ApiException.BadRequest($"nodes \"{nodeName}\" not found");
        var address = (node["status"]?["addresses"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(a => a["type"]?.GetValue<string>() == "InternalIP")?["address"]?.GetValue<string>();
        var port = node["status"]?["daemonEndpoints"]?["kubeletEndpoint"]?["Port"]?.GetValue<long>() ?? 0;
        if (address is null || port == 0)
        {
            throw ApiException.BadRequest($"node {nodeName} has no streaming endpoint (is its agent running?)");
        }

        return $"{scheme}://{(address.Contains(':', StringComparison.Ordinal) ? $"[{address}]" : address)}:{port}";
    }

    private static ApiException NodeUnreachable(string node, Exception e) =>
        new(502, "InternalError", $"Get \"https://{node}/containerLogs\": {e.Message}");
}
