using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Kura.Model.Errors;
using Kura.Model.Printing;
using Kura.Model.Registry;
using Microsoft.AspNetCore.Http;

namespace Kura.ApiServer.Handlers;

public sealed partial class ResourceHandler
{
    private async Task ListAsync(HttpContext context, ResourceType type, string? ns)
    {
        var query = context.Request.Query;
        var filter = ListFilter.FromQuery(query, type);
        var listed = objects.List(type, ns);
        var limit = long.TryParse(query["limit"].FirstOrDefault(), out var l) && l > 0 ? l : long.MaxValue;
        var startAfter = ContinueToken.Decode(query["continue"].FirstOrDefault());

        var page = new List<JsonObject>();
        string? next = null;
        foreach (var item in listed.Items)
        {
            if (startAfter is not null && string.CompareOrdinal(item.Key, startAfter) <= 0)
            {
                continue;
            }

            if (!filter.Matches(item.Object))
            {
                continue;
            }

            if (page.Count == limit)
            {
                next = ContinueToken.Encode(page.Count == 0 ? item.Key : LastKey(type, page[^1]), listed.Revision);
                break;
            }

            page.Add(item.Object);
        }

        var rv = listed.Revision.ToString(CultureInfo.InvariantCulture);
        if (HttpIo.WantsTable(context.Request))
        {
            var include = query["includeObject"].FirstOrDefault() ?? "Metadata";
            var table = TableBuilder.Build(type.Printer, page, rv, next, include, objects.Time.GetUtcNow());
            await HttpIo.WriteJsonAsync(context, 200, table, HttpIo.TableContentType);
            return;
        }

        var items = new JsonArray();
        foreach (var obj in page)
        {
            items.Add(obj.DeepClone());
        }

        var metadata = new JsonObject { ["resourceVersion"] = rv };
        if (next is not null)
        {
            metadata["continue"] = next;
        }

        var list = new JsonObject { ["kind"] = type.ListKind, ["apiVersion"] = type.ApiVersion, ["metadata"] = metadata, ["items"] = items };
        await HttpIo.WriteJsonAsync(context, 200, list);
    }

    private static string LastKey(ResourceType type, JsonObject obj)
    {
        var meta = obj["metadata"]!;
        return Catalog.ObjectKeys.Item(type, meta["namespace"]?.GetValue<string>(), meta["name"]!.GetValue<string>());
    }

    /// <summary>One object as JSON, or as a one-row Table when kubectl asks for one.</summary>
    private async Task RespondObjectAsync(HttpContext context, ResourceType type, int status, JsonObject obj)
    {
        if (HttpIo.WantsTable(context.Request) && context.Request.Method == "GET")
        {
            var include = context.Request.Query["includeObject"].FirstOrDefault() ?? "Metadata";
            var rv = obj["metadata"]?["resourceVersion"]?.GetValue<string>() ?? "";
            var table = TableBuilder.Build(type.Printer, [obj], rv, null, include, objects.Time.GetUtcNow());
            await HttpIo.WriteJsonAsync(context, status, table, HttpIo.TableContentType);
            return;
        }

        await HttpIo.WriteJsonAsync(context, status, obj);
    }

    /// <summary>Opaque continue tokens: the last key returned, base64url-encoded with the list revision.</summary>
    private static class ContinueToken
    {
        public static string Encode(string lastKey, long revision) =>
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{revision.ToString(CultureInfo.InvariantCulture)}|{lastKey}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        public static string? Decode(string? token)
        {
            if (string.IsNullOrEmpty(token))
            {
                return null;
            }

            try
            {
                var b64 = token.Replace('-', '+').Replace('_', '/');
                b64 += new string('=', (4 - (b64.Length % 4)) % 4);
                var text = Encoding.UTF8.GetString(Convert.FromBase64String(b64));
                var bar = text.IndexOf('|', StringComparison.Ordinal);
                return bar > 0 ? text[(bar + 1)..] : throw new FormatException();
            }
            catch (FormatException)
            {
                throw ApiException.BadRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
            }
        }
    }
}
