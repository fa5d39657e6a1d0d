using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kura.Model.Errors;

namespace Kura.Client;

/// <summary>A change seen by a watch: ADDED, MODIFIED, DELETED, BOOKMARK (ERROR becomes an ApiException).</summary>
public sealed record ClientWatchEvent(string Type, JsonObject Object);

/// <summary>
/// A small Kubernetes REST client (the client-go role): JSON CRUD, status updates, patches and
/// watch streams against Kura's embedded server or a real kube-apiserver. Failures arrive as the
/// server's Status, as <see cref="ApiException"/>.
/// </summary>
public sealed class KubeClient : IDisposable
{
    private readonly HttpClient _http;

    public KubeClient(ClientConfig config, string userAgent = "kura")
    {
        Config = config;
        _http = new HttpClient(config.CreateHandler(), disposeHandler: true) { BaseAddress = config.Server, Timeout = Timeout.InfiniteTimeSpan };
        if (config.Token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", config.Token);
        }

        _http.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
    }

    public ClientConfig Config { get; }

    public async Task<JsonObject?> GetAsync(ResourceRef resource, string? ns, string name, CancellationToken ct = default)
    {
        using var response = await _http.GetAsync(new Uri(resource.ItemPath(ns, name), UriKind.Relative), ct);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await ReadAsync(response, ct);
    }

    /// <summary>All items (following continue tokens) and the list's resourceVersion.</summary>
    public async Task<(IReadOnlyList<JsonObject> Items, string ResourceVersion)> ListAsync(ResourceRef resource, string? ns = null, string? labelSelector = null, string? fieldSelector = null, CancellationToken ct = default)
    {
        var items = new List<JsonObject>();
        string? next = null;
        string rv;
        do
        {
            var query = Query(("limit", "500"), ("continue", next), ("labelSelector", labelSelector), ("fieldSelector", fieldSelector));
            using var response = await _http.GetAsync(new Uri(resource.CollectionPath(ns) + query, UriKind.Relative), ct);
            var list = await ReadAsync(response, ct);
            items.AddRange((list["items"] as JsonArray)?.OfType<JsonObject>().Select(i => (JsonObject)i.DeepClone()) ?? []);
            rv = list["metadata"]?["resourceVersion"]?.GetValue<string>() ?? "";
            next = list["metadata"]?["continue"]?.GetValue<string>();
        }
        while (!string.IsNullOrEmpty(next));
        return (items, rv);
    }

    public Task<JsonObject> CreateAsync(ResourceRef resource, string? ns, JsonObject obj, string fieldManager = "kura", CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, resource.CollectionPath(ns) + Query(("fieldManager", fieldManager)), obj, "application/json", ct);

    public Task<JsonObject> UpdateAsync(ResourceRef resource, JsonObject obj, string? subresource = null, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Put, resource.ItemPath(Namespace(obj), Name(obj), subresource), obj, "application/json", ct);

    /// <summary>PATCH with a merge patch (default), JSON patch or strategic merge patch body.</summary>
    public Task<JsonObject> PatchAsync(ResourceRef resource, string? ns, string name, JsonNode patch, string contentType = "application/merge-patch+json", string? subresource = null, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Patch, resource.ItemPath(ns, name, subresource), patch, contentType, ct);

    /// <summary>Deletes; false when it was already gone.</summary>
    public Task<bool> DeleteAsync(ResourceRef resource, string? ns, string name, string propagation = "Background", CancellationToken ct = default) =>
        DeleteAsync(resource, ns, name, new JsonObject { ["propagationPolicy"] = propagation }, ct);

    /// <summary>
    /// Deletes with explicit DeleteOptions, e.g. the kubelet's final `gracePeriodSeconds: 0` with a
    /// uid precondition (so a new pod of the same name is never removed); false when already gone.
    /// </summary>
    public async Task<bool> DeleteAsync(ResourceRef resource, string? ns, string name, JsonObject deleteOptions, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, new Uri(resource.ItemPath(ns, name), UriKind.Relative))
        {
            Content = new StringContent(deleteOptions.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        using var response = await _http.SendAsync(request, ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await ReadAsync(response, ct);
        return true;
    }

    /// <summary>
    /// A watch from <paramref name="resourceVersion"/>; ends when the server closes the stream.
    /// A 410 (too old) arrives as an ApiException with code 410: relist and watch again.
    /// </summary>
    public async IAsyncEnumerable<ClientWatchEvent> WatchAsync(ResourceRef resource, string? ns, string resourceVersion, string? fieldSelector = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var query = Query(("watch", "true"), ("allowWatchBookmarks", "true"), ("resourceVersion", resourceVersion), ("fieldSelector", fieldSelector));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(resource.CollectionPath(ns) + query, UriKind.Relative));
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (!response.IsSuccessStatusCode)
        {
            await ReadAsync(response, ct);
        }

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            var ev = JsonNode.Parse(line) as JsonObject ?? throw new InvalidDataException("watch event is not an object");
            var type = ev["type"]?.GetValue<string>() ?? "";
            var obj = ev["object"] as JsonObject ?? [];
            if (type == "ERROR")
            {
                throw FromStatus(obj, (int)(obj["code"]?.GetValue<long>() ?? 500));
            }

            yield return new ClientWatchEvent(type, (JsonObject)obj.DeepClone());
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<JsonObject> SendAsync(HttpMethod method, string path, JsonNode body, string contentType, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var response = await _http.SendAsync(request, ct);
        return await ReadAsync(response, ct);
    }

    private static async Task<JsonObject> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        JsonObject? body;
        try
        {
            body = text.Length == 0 ? null : JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw body is not null && body["kind"]?.GetValue<string>() == "Status"
                ? FromStatus(body, (int)response.StatusCode)
                : new ApiException((int)response.StatusCode, response.ReasonPhrase ?? "Unknown", text);
        }

        return body ?? [];
    }

    private static ApiException FromStatus(JsonObject status, int code) =>
        new(code, status["reason"]?.GetValue<string>() ?? "Unknown", status["message"]?.GetValue<string>() ?? "", status["details"]?.DeepClone() as JsonObject);

    private static string Query(params (string Key, string? Value)[] pairs)
    {
        var parts = pairs.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value!)}").ToList();
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    private static string Name(JsonObject obj) => obj["metadata"]?["name"]?.GetValue<string>() ?? throw new ArgumentException("object has no metadata.name", nameof(obj));

    private static string? Namespace(JsonObject obj) => obj["metadata"]?["namespace"]?.GetValue<string>();
}
