using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kura.Model.Errors;
using Microsoft.AspNetCore.Http;

namespace Kura.ApiServer.Handlers;

/// <summary>Reading request bodies and writing JSON responses, with the limits kube-apiserver applies.</summary>
public static class HttpIo
{
    /// <summary>kube-apiserver refuses bodies over 3 MiB (MaxRequestBodyBytes).</summary>
    public const int MaxBodyBytes = 3 * 1024 * 1024;

    public const string TableContentType = "application/json;as=Table;v=v1;g=meta.k8s.io";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    /// <summary>Reads the whole body, refusing it (413) past the limit before buffering more.</summary>
    public static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            throw ApiException.RequestEntityTooLarge("Request entity too large: limit is 3145728");
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        while (true)
        {
            var n = await request.Body.ReadAsync(chunk, ct);
            if (n == 0)
            {
                break;
            }

            if (buffer.Length + n > MaxBodyBytes)
            {
                throw ApiException.RequestEntityTooLarge("Request entity too large: limit is 3145728");
            }

            buffer.Write(chunk, 0, n);
        }

        return buffer.ToArray();
    }

    public static async Task WriteJsonAsync(HttpContext context, int status, JsonNode node, string contentType = "application/json")
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter, WriterOptions);
        node.WriteTo(writer);
        await writer.FlushAsync(context.RequestAborted);
    }

    public static Task WriteErrorAsync(HttpContext context, ApiException error) =>
        WriteJsonAsync(context, error.Code, error.ToStatus());

    /// <summary>Writes one watch event line, {"type":…,"object":…}\n, and flushes it to the client.</summary>
    public static async Task WriteWatchEventAsync(Stream stream, string type, JsonNode obj, CancellationToken ct)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, type);
            writer.WritePropertyName("object"u8);
            obj.WriteTo(writer);
            writer.WriteEndObject();
        }

        buffer.Write("\n"u8);
        await stream.WriteAsync(buffer.WrittenMemory, ct);
        await stream.FlushAsync(ct);
    }

    public static bool WantsTable(HttpRequest request) =>
        request.Headers.Accept.Any(a => a is not null && a.Contains("as=Table", StringComparison.Ordinal));
}
