using System.Net;
using System.Security.Cryptography;
using System.Text;
using Kura.Node.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kura.Node.Streaming;

/// <summary>
/// The node's streaming endpoints (the kubelet server's role): `/containerLogs/{ns}/{pod}/{container}`
/// and `/exec/{ns}/{pod}/{container}` (WebSocket, remotecommand channel protocol), for the API
/// server's pods/log and pods/exec. Only callers presenting the cluster's token are served.
/// </summary>
public sealed class NodeStreamingServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private NodeStreamingServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public static async Task<NodeStreamingServer> StartAsync(string address, int port, string token, IContainerDirectory containers, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Parse(address), port);
        });
        var app = builder.Build();
        app.UseWebSockets();
        var expected = Encoding.UTF8.GetBytes("Bearer " + token);
        app.Run(async context =>
        {
            var presented = Encoding.UTF8.GetBytes(context.Request.Headers.Authorization.ToString());
            if (!CryptographicOperations.FixedTimeEquals(presented, expected))
            {
                context.Response.StatusCode = 401;
                await context.Response.WriteAsync("Unauthorized");
                return;
            }

            var parts = context.Request.Path.Value?.Trim('/').Split('/') ?? [];
            if (parts.Length != 4 || parts[0] is not ("containerLogs" or "exec"))
            {
                context.Response.StatusCode = 404;
                await context.Response.WriteAsync("404 page not found");
                return;
            }

            var (ns, pod, container) = (Uri.UnescapeDataString(parts[1]), Uri.UnescapeDataString(parts[2]), Uri.UnescapeDataString(parts[3]));
            try
            {
                if (parts[0] == "containerLogs")
                {
                    await LogEndpoint.ServeAsync(context, containers, ns, pod, container);
                }
                else
                {
                    await ExecEndpoint.ServeAsync(context, containers, ns, pod, container);
                }
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client went away.
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A bug, not a client error: say so rather than resetting the connection silently.
                await Console.Error.WriteLineAsync($"kura node: streaming error on {context.Request.Path}: {e}");
                if (!context.Response.HasStarted)
                {
                    context.Response.StatusCode = 500;
                    await context.Response.WriteAsync(e.Message);
                }
            }
        });
        await app.StartAsync(ct);
        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        return new NodeStreamingServer(app, bound);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
