using System.Text.Json.Nodes;
using Kura.ApiServer.Catalog;
using Kura.ApiServer.Discovery;
using Kura.ApiServer.Handlers;
using Kura.Model.Errors;
using Kura.Model.Schemas;
using Microsoft.AspNetCore.Http;

namespace Kura.ApiServer.Routing;

/// <summary>
/// The top of the HTTP surface: version, health, discovery and OpenAPI documents, then
/// resource requests. Every ApiException becomes a Status body here, and only here.
/// </summary>
public sealed class ApiRouter(ObjectService objects, ResourceHandler resources, Func<bool> ready)
{
    private readonly Lock _openApiGate = new();
    private CatalogSnapshot? _openApiFor;
    private JsonObject? _openApiIndex;
    private readonly Dictionary<string, JsonObject> _openApiDocs = new(StringComparer.Ordinal);

    /// <summary>Paths answered without authentication (kube-apiserver's system:public-info-viewer).</summary>
    public static bool IsPublic(PathString path) =>
        path.Value is "/version" or "/healthz" or "/livez" or "/readyz" || (path.Value?.StartsWith("/healthz/", StringComparison.Ordinal) ?? false)
        || (path.Value?.StartsWith("/livez/", StringComparison.Ordinal) ?? false) || (path.Value?.StartsWith("/readyz/", StringComparison.Ordinal) ?? false);

    public async Task HandleAsync(HttpContext context)
    {
        try
        {
            await RouteAsync(context);
        }
        catch (ApiException e)
        {
            if (!context.Response.HasStarted)
            {
                context.Response.Headers.Remove("Warning");
                await HttpIo.WriteErrorAsync(context, e);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug, not a client error: answer 500 with the reason rather than a bare reset.
            await Console.Error.WriteLineAsync($"kura: internal error on {context.Request.Method} {context.Request.Path}: {e}");
            if (!context.Response.HasStarted)
            {
                await HttpIo.WriteErrorAsync(context, ApiException.Internal(e.Message));
            }
        }
    }

    private async Task RouteAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var snapshot = objects.Catalog.Snapshot;
        switch (path)
        {
            case "/version":
                await HttpIo.WriteJsonAsync(context, 200, VersionInfo.Document());
                return;
            case "/healthz" or "/livez" or "/readyz":
                var ok = path != "/readyz" || ready();
                context.Response.StatusCode = ok ? 200 : 503;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync(ok ? "ok" : "not ready", context.RequestAborted);
                return;
            case "/api":
                if (WantsAggregated(context.Request))
                {
                    await HttpIo.WriteJsonAsync(context, 200, DiscoveryDocuments.Aggregated(snapshot, core: true), DiscoveryDocuments.AggregatedContentType);
                }
                else
                {
                    await HttpIo.WriteJsonAsync(context, 200, DiscoveryDocuments.ApiVersions(context.Request.Host.Value ?? "127.0.0.1"));
                }

                return;
            case "/apis":
                if (WantsAggregated(context.Request))
                {
                    await HttpIo.WriteJsonAsync(context, 200, DiscoveryDocuments.Aggregated(snapshot, core: false), DiscoveryDocuments.AggregatedContentType);
                }
                else
                {
                    await HttpIo.WriteJsonAsync(context, 200, DiscoveryDocuments.GroupList(snapshot));
                }

                return;
            case "/openapi/v3":
                await HttpIo.WriteJsonAsync(context, 200, OpenApiIndex(snapshot));
                return;
        }

        if (path.StartsWith("/openapi/v3/", StringComparison.Ordinal))
        {
            var doc = OpenApiDocument(snapshot, path["/openapi/v3/".Length..]) ?? throw NotFoundPath();
            await HttpIo.WriteJsonAsync(context, 200, doc);
            return;
        }

        var segments = path.Trim('/').Split('/');
        if (segments is ["api", var v] && context.Request.Method == "GET")
        {
            await HttpIo.WriteJsonAsync(context, 200, DiscoveryDocuments.ResourceList(snapshot, "", v) ?? throw NotFoundPath());
            return;
        }

        if (segments is ["apis", var g] && context.Request.Method == "GET")
        {
            await HttpIo.WriteJsonAsync(context, 200, DiscoveryDocuments.GroupOf(snapshot, g) ?? throw NotFoundPath());
            return;
        }

        if (segments is ["apis", var g2, var v2] && context.Request.Method == "GET")
        {
            await HttpIo.WriteJsonAsync(context, 200, DiscoveryDocuments.ResourceList(snapshot, g2, v2) ?? throw NotFoundPath());
            return;
        }

        var info = RequestInfo.Parse(path) ?? throw NotFoundPath();
        await resources.HandleAsync(context, info);
    }

    private static ApiException NotFoundPath() => new(404, "NotFound", "the server could not find the requested resource");

    private static bool WantsAggregated(HttpRequest request) =>
        request.Headers.Accept.Any(a => a is not null && a.Contains("as=APIGroupDiscoveryList", StringComparison.Ordinal));

    private JsonObject OpenApiIndex(CatalogSnapshot snapshot)
    {
        lock (_openApiGate)
        {
            Refresh(snapshot);
            return _openApiIndex ??= OpenApiDocuments.BuildIndex(snapshot.Types, snapshot.Schemas);
        }
    }

    private JsonObject? OpenApiDocument(CatalogSnapshot snapshot, string gvPath)
    {
        lock (_openApiGate)
        {
            Refresh(snapshot);
            if (!_openApiDocs.TryGetValue(gvPath, out var doc))
            {
                doc = OpenApiDocuments.BuildGroupVersion(gvPath, snapshot.Types, snapshot.Schemas);
                if (doc is null)
                {
                    return null;
                }

                _openApiDocs[gvPath] = doc;
            }

            return doc;
        }
    }

    private void Refresh(CatalogSnapshot snapshot)
    {
        if (!ReferenceEquals(_openApiFor, snapshot))
        {
            _openApiFor = snapshot;
            _openApiIndex = null;
            _openApiDocs.Clear();
        }
    }
}

/// <summary>What /version reports. kubectl's dispatcher picks its own minor version from it, so it must say 1.32.</summary>
public static class VersionInfo
{
    public const string GitVersion = "v1.32.0-kura";

    public static JsonObject Document() => new()
    {
        ["major"] = "1",
        ["minor"] = "32",
        ["gitVersion"] = GitVersion,
        ["gitCommit"] = "",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2026-01-01T00:00:00Z",
        ["goVersion"] = "dotnet" + Environment.Version,
        ["compiler"] = "roslyn",
        ["platform"] = "linux/amd64",
    };
}
