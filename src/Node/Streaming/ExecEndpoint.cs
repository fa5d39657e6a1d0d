using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kura.Node.Runtime;
using Microsoft.AspNetCore.Http;

namespace Kura.Node.Streaming;

/// <summary>
/// `/exec/{ns}/{pod}/{container}?command=…&amp;stdin=…&amp;stdout=…&amp;stderr=…&amp;tty=…` over a
/// WebSocket speaking Kubernetes' remotecommand channel protocol (k8s.io/apimachinery wsstream,
/// client-go remotecommand): each binary message starts with its channel (0 stdin, 1 stdout,
/// 2 stderr, 3 error/status, 4 resize); v5 adds 255 to close a stream (stdin EOF). The exit
/// status goes on channel 3 as a metav1.Status, then the server closes. Runs `runc exec` in the
/// container: with pipes, or for tty with runc in the foreground on a pseudo-terminal opened here.
/// Refusals come before the upgrade, as plain text (the kubelet's texts): 404/500 for a
/// container that is not running, 400 for bad parameters, 426 for a request that is no WebSocket.
/// </summary>
internal static partial class ExecEndpoint
{
    private const int SigWinch = 28;

    public const string V5 = "v5.channel.k8s.io";
    public const string V4 = "v4.channel.k8s.io";
    private const byte StdinChannel = 0;
    private const byte StdoutChannel = 1;
    private const byte StderrChannel = 2;
    private const byte ErrorChannel = 3;
    private const byte ResizeChannel = 4;
    private const byte CloseChannel = 255;

    public static async Task ServeAsync(HttpContext context, IContainerDirectory containers, string ns, string pod, string container)
    {
        var handle = containers.Find(ns, pod, container);
        if (handle is not { Running: true, ContainerId: not null })
        {
            // The kubelet looks the container up among the running ones (findContainer).
            await FailAsync(context, handle is null ? 404 : 500, $"container not found (\"{container}\")");
            return;
        }

        var query = context.Request.Query;
        var command = query["command"].Where(c => c is not null).Select(c => c!).ToList();
        var (stdin, stdout, stderr, tty) = (Bool(query["stdin"]), Bool(query["stdout"]), Bool(query["stderr"]), Bool(query["tty"]));
        if (tty)
        {
            // remotecommand NewOptions: with a terminal, stderr is stdout.
            stderr = false;
        }

        if (command.Count == 0)
        {
            await FailAsync(context, 400, "you must specify at least 1 command");
            return;
        }

        if (!stdin && !stdout && !stderr)
        {
            await FailAsync(context, 400, "you must specify at least 1 of stdin, stdout, stderr");
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            await FailAsync(context, 426, $"exec is served over WebSockets only ({V5} or {V4})");
            return;
        }

        var offered = context.WebSockets.WebSocketRequestedProtocols;
        var protocol = offered.FirstOrDefault(p => p is V5 or V4);
        if (protocol is null)
        {
            await FailAsync(context, 400, $"none of the offered subprotocols [{string.Join(' ', offered)}] is supported; use {V5} or {V4}");
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync(protocol);
        using var session = new Session(socket, protocol == V5);
        await session.RunAsync(handle, command, stdin, stdout, stderr, tty, context.RequestAborted);
    }

    private sealed class Session(WebSocket socket, bool v5) : IDisposable
    {
        private readonly SemaphoreSlim _send = new(1, 1);
        private Task? _client;

        public void Dispose() => _send.Dispose();

        public async Task RunAsync(ContainerHandle handle, List<string> command, bool stdin, bool stdout, bool stderr, bool tty, CancellationToken ct)
        {
            var work = Directory.CreateTempSubdirectory("kura-exec-").FullName;
            try
            {
                var status = tty
                    ? await RunTtyAsync(handle, command, stdin, work, ct)
                    : await RunPipesAsync(handle, command, stdin, stdout, stderr, work, ct);
                if (status is null)
                {
                    return;
                }

                await SendAsync(ErrorChannel, Encoding.UTF8.GetBytes(status.ToJsonString()), ct);
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", ct);

                // Let the client's close reply arrive (the reader ends with it) before the connection goes.
                // (Cancelling a pending receive would abort the WebSocket, so the reader is never cancelled.)
                if (_client is not null)
                {
                    await _client.WaitAsync(TimeSpan.FromSeconds(5), ct).ContinueWith(_ => { }, TaskScheduler.Default);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException)
            {
                // The client went away.
            }
            finally
            {
                try
                {
                    Directory.Delete(work, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }

        private static ProcessStartInfo Runc(ContainerHandle handle, List<string> command, string work, bool tty)
        {
            var psi = new ProcessStartInfo("runc") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in (string[])["--root", handle.RuncRoot, "--log", Path.Combine(work, "runc.log"), "--log-format", "json", "exec", "--pid-file", Path.Combine(work, "pid")])
            {
                psi.ArgumentList.Add(a);
            }

            if (tty)
            {
                psi.ArgumentList.Add("--tty");
            }

            psi.ArgumentList.Add(handle.ContainerId!);
            foreach (var a in command)
            {
                psi.ArgumentList.Add(a);
            }

            return psi;
        }

        /// <summary>Without a terminal: the process's stdio are pipes. Null when the client went away.</summary>
        private async Task<JsonObject?> RunPipesAsync(ContainerHandle handle, List<string> command, bool stdin, bool stdout, bool stderr, string work, CancellationToken ct)
        {
            using var process = Process.Start(Runc(handle, command, work, tty: false))!;
            var input = process.StandardInput.BaseStream;
            if (!stdin)
            {
                process.StandardInput.Close();
            }

            var outPump = PumpAsync(process.StandardOutput.BaseStream, stdout ? StdoutChannel : null, ct);
            var errPump = PumpAsync(process.StandardError.BaseStream, stderr ? StderrChannel : null, ct);
            var exited = ExitedAsync(process, outPump, errPump);
            var client = _client = ReadClientAsync(
                async (data, token) =>
                {
                    if (stdin)
                    {
                        try
                        {
                            await input.WriteAsync(data, token);
                            await input.FlushAsync(token);
                        }
                        catch (Exception e) when (e is IOException or ObjectDisposedException)
                        {
                            // The process closed its stdin, or is gone.
                        }
                    }
                },
                () =>
                {
                    if (stdin)
                    {
                        input.Close();
                    }
                },
                null,
                ct);
            if (await Task.WhenAny(exited, client) != exited)
            {
                // The client left (or closed) while the command runs: end it, as the runtimes do.
                Kill(work);
                await exited.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
                return null;
            }

            return StatusFor(await exited, command, work);
        }

        /// <summary>
        /// With a terminal. runc in the foreground (`exec --tty`, which reports the exit code) wants a
        /// terminal of its own as stdio: it gets the slave of a pseudo-terminal opened here, puts it in
        /// raw mode and relays it to and from the container's terminal. Resizes are set on that
        /// terminal and signalled to runc (SIGWINCH), which copies the size into the container's.
        /// Null when the client went away.
        /// </summary>
        private async Task<JsonObject?> RunTtyAsync(ContainerHandle handle, List<string> command, bool stdin, string work, CancellationToken ct)
        {
            var (master, slave) = PtyMaster.Open();
            using (master)
            {
                var psi = Runc(handle, command, work, tty: true);
                psi.FileName = "/bin/sh";
                psi.ArgumentList.Insert(0, "-c");
                psi.ArgumentList.Insert(1, "exec \"$@\" <\"$0\" >\"$0\" 2>&1");
                psi.ArgumentList.Insert(2, slave);
                psi.ArgumentList.Insert(3, "runc");
                psi.RedirectStandardInput = psi.RedirectStandardOutput = psi.RedirectStandardError = false;
                using var process = Process.Start(psi)!;
                using var stop = new CancellationTokenSource();
                var output = Task.Factory.StartNew(() => PumpTerminal(master, stop.Token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
                var client = _client = ReadClientAsync(
                    (data, _) =>
                    {
                        try
                        {
                            if (stdin)
                            {
                                master.Write(data.Span);
                            }
                        }
                        catch (IOException)
                        {
                            // The terminal is gone.
                        }

                        return ValueTask.CompletedTask;
                    },
                    () => { },
                    size =>
                    {
                        master.Resize(size.Width, size.Height);
                        _ = SendSignal(process.Id, SigWinch);
                    },
                    ct);
                var exited = process.WaitForExitAsync(CancellationToken.None).ContinueWith(async _ =>
                {
                    // What the process printed last may still be in the terminal: drain it (briefly).
                    await output.WaitAsync(TimeSpan.FromSeconds(2)).ContinueWith(_ => { }, TaskScheduler.Default);
                    await stop.CancelAsync();
                    await output.ContinueWith(_ => { }, TaskScheduler.Default);
                    return process.ExitCode;
                }, TaskScheduler.Default).Unwrap();
                if (await Task.WhenAny(exited, client) != exited)
                {
                    Kill(work);
                    await exited.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
                    await stop.CancelAsync();
                    await output.ContinueWith(_ => { }, TaskScheduler.Default);
                    return null;
                }

                return StatusFor(await exited, command, work);
            }
        }

        private async Task PumpTerminal(PtyMaster master, CancellationToken stop)
        {
            var buffer = new byte[32 * 1024];
            while (!stop.IsCancellationRequested)
            {
                if (!master.Poll(200))
                {
                    continue;
                }

                var n = master.Read(buffer.AsSpan(1));
                if (n <= 0)
                {
                    return;
                }

                buffer[0] = StdoutChannel;
                await SendRawAsync(buffer.AsMemory(0, n + 1), CancellationToken.None);
            }
        }

        private static async Task<int> ExitedAsync(Process process, Task outPump, Task errPump)
        {
            await Task.WhenAll(outPump, errPump);
            await process.WaitForExitAsync(CancellationToken.None);
            return process.ExitCode;
        }

        /// <summary>The metav1.Status the kubelet writes on the error channel (remotecommand ServeExec).</summary>
        private static JsonObject StatusFor(int exitCode, List<string> command, string work)
        {
            if (exitCode == 0)
            {
                return new JsonObject { ["metadata"] = new JsonObject(), ["status"] = "Success" };
            }

            if (RuncError(work) is string failure)
            {
                return Internal(failure);
            }

            return new JsonObject
            {
                ["metadata"] = new JsonObject(),
                ["status"] = "Failure",
                ["message"] = $"command terminated with non-zero exit code: error executing command [{string.Join(' ', command)}], exit code {exitCode}",
                ["reason"] = "NonZeroExitCode",
                ["details"] = new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["reason"] = "ExitCode", ["message"] = exitCode.ToString(CultureInfo.InvariantCulture) }) },
            };
        }

        private static JsonObject Internal(string failure)
        {
            var message = $"error executing command in container: {failure}";
            return new JsonObject
            {
                ["metadata"] = new JsonObject(),
                ["status"] = "Failure",
                ["message"] = $"Internal error occurred: {message}",
                ["reason"] = "InternalError",
                ["details"] = new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["message"] = message }) },
                ["code"] = 500,
            };
        }

        /// <summary>runc's own failure (not the command's), from its JSON log: the last error entry.</summary>
        private static string? RuncError(string work)
        {
            var log = Path.Combine(work, "runc.log");
            if (!File.Exists(log))
            {
                return null;
            }

            string? error = null;
            foreach (var line in File.ReadLines(log))
            {
                try
                {
                    if (JsonNode.Parse(line) is JsonObject entry && entry["level"]?.GetValue<string>() is "error" or "fatal")
                    {
                        error = entry["msg"]?.GetValue<string>();
                    }
                }
                catch (JsonException)
                {
                }
            }

            return error;
        }

        /// <summary>Ends the command's process (from the host: runc recorded its pid).</summary>
        private static void Kill(string work)
        {
            try
            {
                if (int.TryParse(File.ReadAllText(Path.Combine(work, "pid")).Trim(), CultureInfo.InvariantCulture, out var pid))
                {
                    using var process = Process.GetProcessById(pid);
                    process.Kill();
                }
            }
            catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
            }
        }

        private async Task PumpAsync(Stream source, byte? channel, CancellationToken ct)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(32 * 1024);
            try
            {
                int n;
                while ((n = await source.ReadAsync(buffer.AsMemory(1, buffer.Length - 1), CancellationToken.None)) > 0)
                {
                    if (channel is byte c)
                    {
                        buffer[0] = c;
                        try
                        {
                            await SendRawAsync(buffer.AsMemory(0, n + 1), ct);
                        }
                        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
                        {
                            // The client is gone; keep draining so the process is not blocked.
                            channel = null;
                        }
                    }
                }
            }
            catch (IOException)
            {
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        /// <summary>
        /// Reads the client's messages until it closes: stdin data, v5's close of stdin (255, 0)
        /// and terminal resizes (4, JSON {"Width","Height"}). A message may come in fragments.
        /// </summary>
        private async Task ReadClientAsync(Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> onStdin, Action onStdinClosed, Action<(ushort Width, ushort Height)>? onResize, CancellationToken ct)
        {
            var buffer = new byte[32 * 1024];
            var stdinOpen = true;
            int? channel = null;
            var control = new List<byte>();
            try
            {
                while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
                {
                    var received = await socket.ReceiveAsync(buffer, ct);
                    if (received.MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }

                    var data = buffer.AsMemory(0, received.Count);
                    if (channel is null && data.Length > 0)
                    {
                        channel = data.Span[0];
                        data = data[1..];
                    }

                    if (channel == StdinChannel && stdinOpen && data.Length > 0)
                    {
                        await onStdin(data, ct);
                    }
                    else if (channel is ResizeChannel or CloseChannel)
                    {
                        control.AddRange(data.Span);
                    }

                    if (!received.EndOfMessage)
                    {
                        continue;
                    }

                    if (channel == CloseChannel && v5 && control.Count > 0 && control[0] == StdinChannel && stdinOpen)
                    {
                        stdinOpen = false;
                        onStdinClosed();
                    }
                    else if (channel == ResizeChannel && onResize is not null && ParseSize(control) is { } size)
                    {
                        onResize(size);
                    }

                    channel = null;
                    control.Clear();
                }
            }
            catch (Exception e) when (e is WebSocketException or IOException)
            {
            }
            finally
            {
                if (stdinOpen)
                {
                    onStdinClosed();
                }
            }
        }

        private static (ushort Width, ushort Height)? ParseSize(List<byte> json)
        {
            try
            {
                // One or more JSON objects (client-go's encoder ends each with a newline): the last wins.
                (ushort, ushort)? size = null;
                foreach (var part in Encoding.UTF8.GetString(json.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    if (JsonNode.Parse(part) is JsonObject o)
                    {
                        var width = (o["Width"] ?? o["width"])?.GetValue<long>() ?? 0;
                        var height = (o["Height"] ?? o["height"])?.GetValue<long>() ?? 0;
                        size = ((ushort)Math.Clamp(width, 0, ushort.MaxValue), (ushort)Math.Clamp(height, 0, ushort.MaxValue));
                    }
                }

                return size;
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
            {
                return null;
            }
        }

        private Task SendAsync(byte channel, byte[] payload, CancellationToken ct)
        {
            var message = new byte[payload.Length + 1];
            message[0] = channel;
            payload.CopyTo(message, 1);
            return SendRawAsync(message, ct);
        }

        private async Task SendRawAsync(ReadOnlyMemory<byte> message, CancellationToken ct)
        {
            await _send.WaitAsync(ct);
            try
            {
                await socket.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, ct);
            }
            finally
            {
                _send.Release();
            }
        }
    }

    private static async Task FailAsync(HttpContext context, int code, string message)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(message);
    }

    private static bool Bool(string? value) => value is "true" or "1" or "True" or "TRUE" or "t" or "T";

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
