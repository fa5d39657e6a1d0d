using System.Net;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Kura.Grpc;

/// <summary>
/// A unary-only gRPC server on Kestrel's HTTP/2 (h2c), over a Unix socket or TCP, as CSI needs it
/// (reference/csi.md §1.5): one catch-all POST route, deadlines from grpc-timeout, statuses in
/// trailers, and trailers-only responses for errors.
/// </summary>
public sealed class GrpcServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GrpcServer(WebApplication app) => _app = app;

    /// <summary>Starts serving <paramref name="table"/> at "unix:///abs/path.sock" or "tcp://host:port".</summary>
    public static async Task<GrpcServer> StartAsync(string endpoint, GrpcServiceTable table, CancellationToken ct = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            // Idle connections must stay open: the CSI sidecars exit when theirs drops (csi.md §0 #2).
            k.Limits.KeepAliveTimeout = TimeSpan.FromDays(1);
            k.Limits.Http2.KeepAlivePingDelay = TimeSpan.FromMinutes(10);
            var (unixPath, tcp) = Endpoint.Parse(endpoint);
            if (unixPath is not null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(unixPath)!);
                File.Delete(unixPath);
                k.ListenUnixSocket(unixPath, o => o.Protocols = HttpProtocols.Http2);
            }
            else
            {
                k.Listen(tcp!, o => o.Protocols = HttpProtocols.Http2);
            }
        });
        var app = builder.Build();
        app.Run(context => HandleAsync(context, table));
        await app.StartAsync(ct);
        return new GrpcServer(app);
    }

    private static async Task HandleAsync(HttpContext context, GrpcServiceTable table)
    {
        var response = context.Response;
        response.ContentType = Wire.ContentType;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        if (Wire.ParseTimeout(context.Request.Headers["grpc-timeout"]) is { } timeout)
        {
            deadline.CancelAfter(timeout);
        }

        try
        {
            if (context.Request.Method != "POST" || !table.TryGet(context.Request.Path.Value ?? "", out var handler))
            {
                throw new RpcException(StatusCode.Unimplemented, $"unknown method {context.Request.Path.Value}");
            }

            var body = await Wire.ReadBodyAsync(context.Request.Body, deadline.Token);
            var result = await handler(Wire.ReadSingleMessage(body), deadline.Token);
            response.StatusCode = 200;
            await response.Body.WriteAsync(Wire.Frame(result.ToByteArray()), deadline.Token);
            response.AppendTrailer("grpc-status", "0");
        }
        catch (RpcException e)
        {
            TrailersOnly(response, e.Code, e.Message);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            TrailersOnly(response, StatusCode.DeadlineExceeded, "context deadline exceeded");
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client cancelled: nothing to answer.
        }
        catch (Exception e)
        {
            TrailersOnly(response, StatusCode.Internal, e.Message);
        }
    }

    /// <summary>An error as a single HEADERS frame carrying the status (no message body).</summary>
    private static void TrailersOnly(HttpResponse response, StatusCode code, string message)
    {
        if (response.HasStarted)
        {
            response.AppendTrailer("grpc-status", ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture));
            response.AppendTrailer("grpc-message", Wire.EncodeMessage(message));
            return;
        }

        response.StatusCode = 200;
        response.Headers["grpc-status"] = ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = Wire.EncodeMessage(message);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>CSI endpoint strings: unix:///abs/path (or unix:/path, or a bare path) and tcp://host:port.</summary>
public static class Endpoint
{
    public static (string? UnixPath, IPEndPoint? Tcp) Parse(string endpoint)
    {
        if (endpoint.StartsWith("unix://", StringComparison.Ordinal))
        {
            return (endpoint["unix://".Length..], null);
        }

        if (endpoint.StartsWith("unix:", StringComparison.Ordinal))
        {
            return (endpoint["unix:".Length..], null);
        }

        if (endpoint.StartsWith('/'))
        {
            return (endpoint, null);
        }

        if (endpoint.StartsWith("tcp://", StringComparison.Ordinal) && IPEndPoint.TryParse(endpoint["tcp://".Length..], out var ep))
        {
            return (null, ep);
        }

        throw new ArgumentException($"unsupported endpoint \"{endpoint}\": use unix:///path or tcp://host:port", nameof(endpoint));
    }
}
