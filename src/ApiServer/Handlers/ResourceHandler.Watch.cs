using System.Globalization;
using System.Text.Json.Nodes;
using Kura.ApiServer.Catalog;
using Kura.Model.Errors;
using Kura.Model.Printing;
using Kura.Model.Registry;
using Kura.Store;
using Microsoft.AspNetCore.Http;

namespace Kura.ApiServer.Handlers;

public sealed partial class ResourceHandler
{
    private static readonly TimeSpan BookmarkInterval = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A watch stream: newline-delimited {"type","object"} events, chunked, kept open until the
    /// client leaves or timeoutSeconds passes (closing early would end `kubectl get -w`).
    /// resourceVersion "" or "0" first replays the current objects as ADDED, as kube-apiserver does.
    /// Label/field selectors turn objects entering or leaving the selection into ADDED/DELETED
    /// (judged from each event's previous and new state).
    /// </summary>
    private async Task WatchAsync(HttpContext context, ResourceType type, string? ns, string? name)
    {
        var query = context.Request.Query;
        var filter = ListFilter.FromQuery(query, type);
        var table = HttpIo.WantsTable(context.Request);
        var bookmarks = query["allowWatchBookmarks"].FirstOrDefault() == "true";
        var ct = context.RequestAborted;
        if (long.TryParse(query["timeoutSeconds"].FirstOrDefault(), out var timeoutSeconds) && timeoutSeconds > 0)
        {
            var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds));
            ct = cts.Token;
        }

        var prefix = name is null ? ObjectKeys.Prefix(type, ns) : ObjectKeys.Item(type, ns, name);
        bool Selected(string key, JsonObject obj) => (name is null || key == prefix) && filter.Matches(obj);

        var rvParam = query["resourceVersion"].FirstOrDefault();
        var snapshot = objects.Store.List(name is null ? prefix : ObjectKeys.Prefix(type, ns));

        long from;
        var replay = string.IsNullOrEmpty(rvParam) || rvParam == "0";
        if (replay)
        {
            from = snapshot.Revision;
        }
        else if (!long.TryParse(rvParam, NumberStyles.None, CultureInfo.InvariantCulture, out from))
        {
            throw ApiException.BadRequest($"invalid resource version: {rvParam}");
        }

        var subscription = objects.Store.Watch(prefix, from);
        context.Response.StatusCode = 200;
        context.Response.ContentType = table ? HttpIo.TableContentType : "application/json";
        context.Response.Headers.CacheControl = "no-cache, private";
        var body = context.Response.Body;
        await context.Response.StartAsync(ct);

        if (subscription is null)
        {
            var gone = ApiException.Gone($"too old resource version: {from} ({objects.Store.Revision})").ToStatus();
            await HttpIo.WriteWatchEventAsync(body, "ERROR", gone, ct);
            return;
        }

        using (subscription)
        {
            var lastRevision = from;
            var first = true;
            async Task SendAsync(string eventType, JsonObject obj)
            {
                JsonNode payload = obj;
                if (table)
                {
                    var rv = obj["metadata"]?["resourceVersion"]?.GetValue<string>() ?? "";
                    payload = TableBuilder.Build(type.Printer, [obj], rv, null, "Metadata", objects.Time.GetUtcNow(), includeColumns: first);
                    first = false;
                }

                await HttpIo.WriteWatchEventAsync(body, eventType, payload, ct);
            }

            try
            {
                if (replay)
                {
                    foreach (var item in snapshot.Items)
                    {
                        if (Selected(item.Key, item.Object))
                        {
                            await SendAsync("ADDED", item.Object);
                        }
                    }
                }

                await body.FlushAsync(ct);
                var reader = subscription.Events;
                while (!ct.IsCancellationRequested)
                {
                    using var tick = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    tick.CancelAfter(BookmarkInterval);
                    WatchEvent ev;
                    try
                    {
                        if (!await reader.WaitToReadAsync(tick.Token))
                        {
                            return;
                        }

                        if (!reader.TryRead(out ev!))
                        {
                            continue;
                        }
                    }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                    {
                        if (bookmarks)
                        {
                            await SendAsync("BOOKMARK", BookmarkObject(type, lastRevision));
                        }

                        continue;
                    }

                    lastRevision = ev.Revision;
                    var wasVisible = ev.Previous is not null && Selected(ev.Key, ev.Previous);
                    var nowVisible = ev.Type != WatchEventType.Deleted && Selected(ev.Key, ev.Object);
                    string? kind = (wasVisible, nowVisible) switch
                    {
                        (false, true) => "ADDED",
                        (true, true) => ev.Type == WatchEventType.Added ? "ADDED" : "MODIFIED",
                        (true, false) => "DELETED",
                        _ => null,
                    };
                    if (kind is not null)
                    {
                        await SendAsync(kind, ev.Object);
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Client went away or timeoutSeconds passed: end the stream quietly.
            }
            catch (IOException)
            {
                // Connection reset by the client.
            }
        }
    }

    private static JsonObject BookmarkObject(ResourceType type, long revision) => new()
    {
        ["kind"] = type.Kind,
        ["apiVersion"] = type.ApiVersion,
        ["metadata"] = new JsonObject { ["resourceVersion"] = revision.ToString(CultureInfo.InvariantCulture) },
    };
}
