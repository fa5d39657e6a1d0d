using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Kura.Node.Tests.Streaming;

/// <summary>A minimal remotecommand (v5/v4 channel protocol) WebSocket client, like client-go's.</summary>
public static class ExecClient
{
    public sealed record Result(string Protocol, string Stdout, string Stderr, JsonObject? Status);

    public static async Task<Result> RunAsync(Uri uri, string token, string? stdin = null, (int Width, int Height)? resize = null, string[]? protocols = null, bool trustAnyCertificate = false)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var ws = new ClientWebSocket();
        foreach (var p in protocols ?? ["v5.channel.k8s.io"])
        {
            ws.Options.AddSubProtocol(p);
        }

        ws.Options.SetRequestHeader("Authorization", "Bearer " + token);
        if (trustAnyCertificate)
        {
            ws.Options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }

        await ws.ConnectAsync(uri, cts.Token);
        if (resize is { } size)
        {
            await SendAsync(ws, 4, Encoding.UTF8.GetBytes($"{{\"Width\":{size.Width},\"Height\":{size.Height}}}\n"), cts.Token);

            // runc applies a resize asynchronously (on SIGWINCH): let it land before the input.
            await Task.Delay(300, cts.Token);
        }

        if (stdin is not null)
        {
            await SendAsync(ws, 0, Encoding.UTF8.GetBytes(stdin), cts.Token);
            if (ws.SubProtocol == "v5.channel.k8s.io")
            {
                await SendAsync(ws, 255, [0], cts.Token);
            }
        }

        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        JsonObject? status = null;
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        while (true)
        {
            var received = await ws.ReceiveAsync(buffer, cts.Token);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", cts.Token);
                break;
            }

            message.Write(buffer, 0, received.Count);
            if (!received.EndOfMessage)
            {
                continue;
            }

            var bytes = message.ToArray();
            message.SetLength(0);
            if (bytes.Length == 0)
            {
                continue;
            }

            switch (bytes[0])
            {
                case 1:
                    stdout.Write(bytes, 1, bytes.Length - 1);
                    break;
                case 2:
                    stderr.Write(bytes, 1, bytes.Length - 1);
                    break;
                case 3:
                    status = JsonNode.Parse(bytes.AsSpan(1))!.AsObject();
                    break;
            }
        }

        return new Result(ws.SubProtocol ?? "", Encoding.UTF8.GetString(stdout.ToArray()), Encoding.UTF8.GetString(stderr.ToArray()), status);
    }

    public static Task SendAsync(WebSocket ws, byte channel, byte[] payload, CancellationToken ct)
    {
        var message = new byte[payload.Length + 1];
        message[0] = channel;
        payload.CopyTo(message, 1);
        return ws.SendAsync(message, WebSocketMessageType.Binary, true, ct);
    }

    /// <summary>The query string kubectl sends for exec.</summary>
    public static string Query(bool stdin, bool tty, params string[] command) =>
        string.Join('&', command.Select(c => "command=" + Uri.EscapeDataString(c)))
        + (stdin ? "&stdin=true" : "") + "&stdout=true" + (tty ? "&tty=true" : "&stderr=true");
}
