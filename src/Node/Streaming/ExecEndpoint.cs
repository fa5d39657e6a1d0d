using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Kura.Node.Runtime;
using Microsoft.AspNetCore.Http;

namespace Kura.Node.Streaming;

/// <summary>
/// `/exec/{ns}/{pod}/{container}?command=…&amp;stdin=…&amp;stdout=…&amp;stderr=…&amp;tty=…` over a
/// WebSocket speaking Kubernetes' remotecommand channel protocol (k8s.io/apimachinery wsstream,
/// client-go remotecommand): each binary message starts with its channel (0 stdin, 1 stdout,
/// 2 stderr, 3 error/status, 4 resize); v5 adds 255 to close a stream (stdin EOF). The exit
/// status goes on channel 3 as a metav1.Status. Runs `runc exec` in the container.
/// </summary>
internal static class ExecEndpoint
{
    public const string V5 = "v5.channel.k8s.io";
    public const string V4 = "v4.channel.k8s.io";
    private const byte StdinChannel = 0;
    private const byte StdoutChannel = 1;
    private const byte StderrChannel = 2;
    private const byte ErrorChannel = 3;
    private const byte CloseChannel = 255;

    public static async Task ServeAsync(HttpContext context, IContainerDirectory containers, string ns, string pod, string container)
    {
        var handle = containers.Find(ns, pod, container);
        if (handle is not { Running: true, ContainerId: not null })
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsync(handle is null
                ? $"container \"{container}\" in pod \"{pod}\" is not available"
                : $"container \"{container}\" in pod \"{pod}\" is not running");
            return;
        }

        var query = context.Request.Query;
        var command = query["command"].Where(c => c is not null).Select(c => c!).ToList();
        if (command.Count == 0)
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsync("you must specify at least 1 command");
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsync("exec needs a WebSocket upgrade (remotecommand v4/v5 channel protocol)");
            return;
        }

        var offered = context.WebSockets.WebSocketRequestedProtocols;
        var protocol = offered.FirstOrDefault(p => p is V5 or V4);
        if (protocol is null)
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsync($"none of the offered subprotocols is supported; use {V5} or {V4}");
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync(protocol);
        var stdin = Bool(query["stdin"]);
        await RunAsync(socket, handle, command, stdin, Bool(query["stdout"]), Bool(query["stderr"]), protocol == V5, context.RequestAborted);
    }

    private static async Task RunAsync(WebSocket socket, ContainerHandle handle, List<string> command, bool stdin, bool stdout, bool stderr, bool v5, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("runc") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])["--root", handle.RuncRoot, "exec", handle.ContainerId!, .. command])
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        var send = new SemaphoreSlim(1, 1);
        if (!stdin)
        {
            process.StandardInput.Close();
        }

        var outPump = PumpAsync(process.StandardOutput.BaseStream, stdout ? StdoutChannel : (byte?)null, socket, send, ct);
        var errPump = PumpAsync(process.StandardError.BaseStream, stderr ? StderrChannel : (byte?)null, socket, send, ct);
        using var readerStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var inPump = stdin ? ReadClientAsync(socket, process.StandardInput.BaseStream, v5, readerStop.Token) : ReadClientAsync(socket, null, v5, readerStop.Token);
        await Task.WhenAll(outPump, errPump);
        await process.WaitForExitAsync(ct);
        var status = process.ExitCode == 0
            ? new JsonObject { ["metadata"] = new JsonObject(), ["status"] = "Success" }
            : new JsonObject
            {
                ["metadata"] = new JsonObject(),
                ["status"] = "Failure",
                ["message"] = $"command terminated with non-zero exit code: error executing command [{string.Join(' ', command)}], exit code {process.ExitCode}",
                ["reason"] = "NonZeroExitCode",
                ["details"] = new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["reason"] = "ExitCode", ["message"] = process.ExitCode.ToString(CultureInfo.InvariantCulture) }) },
            };
        await SendAsync(socket, send, ErrorChannel, System.Text.Encoding.UTF8.GetBytes(status.ToJsonString()), ct);
        try
        {
            // Half-close, then let the client's close reply arrive before the connection goes.
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", ct);
            await inPump.WaitAsync(TimeSpan.FromSeconds(5), ct);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException or TimeoutException)
        {
        }

        await readerStop.CancelAsync();
    }

    private static async Task PumpAsync(Stream source, byte? channel, WebSocket socket, SemaphoreSlim send, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(32 * 1024);
        try
        {
            int n;
            while ((n = await source.ReadAsync(buffer.AsMemory(1, buffer.Length - 1), ct)) > 0)
            {
                if (channel is byte c)
                {
                    buffer[0] = c;
                    await SendRawAsync(socket, send, buffer.AsMemory(0, n + 1), ct);
                }
            }
        }
        catch (Exception e) when (e is IOException or WebSocketException)
        {
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>stdin from the client into the process; v5's close message (255, 0) ends it.</summary>
    private static async Task ReadClientAsync(WebSocket socket, Stream? stdin, bool v5, CancellationToken ct)
    {
        var buffer = new byte[32 * 1024];
        try
        {
            while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                var received = await socket.ReceiveAsync(buffer, ct);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                if (received.Count == 0)
                {
                    continue;
                }

                if (buffer[0] == StdinChannel && stdin is not null && received.Count > 1)
                {
                    await stdin.WriteAsync(buffer.AsMemory(1, received.Count - 1), ct);
                    await stdin.FlushAsync(ct);
                }
                else if (v5 && buffer[0] == CloseChannel && received.Count > 1 && buffer[1] == StdinChannel && stdin is not null)
                {
                    stdin.Close();
                    stdin = null;
                }
            }
        }
        finally
        {
            stdin?.Close();
        }
    }

    private static Task SendAsync(WebSocket socket, SemaphoreSlim send, byte channel, byte[] payload, CancellationToken ct)
    {
        var message = new byte[payload.Length + 1];
        message[0] = channel;
        payload.CopyTo(message, 1);
        return SendRawAsync(socket, send, message, ct);
    }

    private static async Task SendRawAsync(WebSocket socket, SemaphoreSlim send, ReadOnlyMemory<byte> message, CancellationToken ct)
    {
        await send.WaitAsync(ct);
        try
        {
            await socket.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, ct);
        }
        finally
        {
            send.Release();
        }
    }

    private static bool Bool(string? value) => value is "true" or "1" or "True";
}
