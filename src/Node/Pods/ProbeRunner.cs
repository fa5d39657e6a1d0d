using System.Globalization;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Kura.Node.Runtime;

namespace Kura.Node.Pods;

/// <summary>The result of one probe: success, or failure with what the kubelet would print.</summary>
public readonly record struct ProbeResult(bool Success, string Output);

/// <summary>
/// Runs a container's startup, liveness and readiness probes with the kubelet's semantics
/// (pkg/kubelet/prober): initialDelaySeconds, periodSeconds, timeoutSeconds, success and failure
/// thresholds; exec through runc, httpGet (200–399 is success) and tcpSocket against the pod's
/// address. Readiness changes and liveness failures are reported through callbacks.
/// </summary>
internal sealed class ProbeRunner(RuncRuntime runtime, string containerId, string podIp, JsonObject container, TimeProvider time)
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>Whether the container counts as ready (true when it has no readiness probe, once started).</summary>
    public bool Ready { get; private set; } = container["readinessProbe"] is null && container["startupProbe"] is null;

    public Task RunAsync(Action readinessChanged, Func<string, Task> livenessFailed, Func<string, string, Task> unhealthy, CancellationToken ct) => Task.Run(async () =>
    {
        try
        {
            if (container["startupProbe"] is JsonObject startup && !await UntilAsync(startup, success: true, "Startup", unhealthy, ct))
            {
                await livenessFailed("failed startup probe");
                return;
            }

            if (container["readinessProbe"] is null && !Ready)
            {
                Ready = true;
                readinessChanged();
            }

            var loops = new List<Task>();
            if (container["readinessProbe"] is JsonObject readiness)
            {
                loops.Add(ReadinessAsync(readiness, readinessChanged, unhealthy, ct));
            }

            if (container["livenessProbe"] is JsonObject liveness)
            {
                loops.Add(Task.Run(async () =>
                {
                    if (!await UntilAsync(liveness, success: false, "Liveness", unhealthy, ct))
                    {
                        await livenessFailed("failed liveness probe");
                    }
                }, ct));
            }

            await Task.WhenAll(loops);
        }
        catch (OperationCanceledException)
        {
        }
    }, ct);

    /// <summary>
    /// Probes until the probe reaches its success threshold (startup: returns true) or its failure
    /// threshold (returns false). For liveness (<paramref name="success"/> false) it only ever
    /// returns on failure.
    /// </summary>
    private async Task<bool> UntilAsync(JsonObject probe, bool success, string kind, Func<string, string, Task> unhealthy, CancellationToken ct)
    {
        var (delay, period, failures) = (Seconds(probe, "initialDelaySeconds", 0), Seconds(probe, "periodSeconds", 10), (int)Seconds(probe, "failureThreshold", 3));
        await Task.Delay(TimeSpan.FromSeconds(delay), time, ct);
        var failed = 0;
        while (true)
        {
            var result = await ProbeAsync(probe, ct);
            if (result.Success)
            {
                failed = 0;
                if (success)
                {
                    return true;
                }
            }
            else
            {
                await unhealthy(kind, $"{kind} probe failed: {result.Output.Trim()}");
                if (++failed >= failures)
                {
                    return false;
                }
            }

            await Task.Delay(TimeSpan.FromSeconds(period), time, ct);
        }
    }

    private async Task ReadinessAsync(JsonObject probe, Action changed, Func<string, string, Task> unhealthy, CancellationToken ct)
    {
        var (delay, period) = (Seconds(probe, "initialDelaySeconds", 0), Seconds(probe, "periodSeconds", 10));
        var (successes, failures) = ((int)Seconds(probe, "successThreshold", 1), (int)Seconds(probe, "failureThreshold", 3));
        await Task.Delay(TimeSpan.FromSeconds(delay), time, ct);
        int ok = 0, bad = 0;
        while (true)
        {
            var result = await ProbeAsync(probe, ct);
            if (result.Success)
            {
                (ok, bad) = (ok + 1, 0);
                if (!Ready && ok >= successes)
                {
                    Ready = true;
                    changed();
                }
            }
            else
            {
                (ok, bad) = (0, bad + 1);
                await unhealthy("Readiness", $"Readiness probe failed: {result.Output.Trim()}");
                if (Ready && bad >= failures)
                {
                    Ready = false;
                    changed();
                }
            }

            await Task.Delay(TimeSpan.FromSeconds(period), time, ct);
        }
    }

    private async Task<ProbeResult> ProbeAsync(JsonObject probe, CancellationToken ct)
    {
        var timeout = TimeSpan.FromSeconds(Seconds(probe, "timeoutSeconds", 1));
        if (probe["exec"]?["command"] is JsonArray command)
        {
            var (exit, output) = await runtime.ExecAsync(containerId, [.. command.Select(c => c!.GetValue<string>())], timeout, ct);
            return new ProbeResult(exit == 0, exit == 0 ? output : output.Length > 0 ? output : $"command exited with {exit}");
        }

        if (probe["httpGet"] is JsonObject get)
        {
            var host = get["host"]?.GetValue<string>() is { Length: > 0 } h ? h : podIp;
            var scheme = get["scheme"]?.GetValue<string>()?.ToLowerInvariant() ?? "http";
            var url = $"{scheme}://{host}:{Port(get["port"])}{get["path"]?.GetValue<string>() ?? "/"}";
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.UserAgent.ParseAdd("kube-probe/1.32");
            foreach (var header in get["httpHeaders"]?.AsArray().OfType<JsonObject>() ?? [])
            {
                request.Headers.TryAddWithoutValidation(header["name"]!.GetValue<string>(), header["value"]?.GetValue<string>());
            }

            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(timeout);
            try
            {
                using var response = await Http.SendAsync(request, deadline.Token);
                var code = (int)response.StatusCode;
                return new ProbeResult(code is >= 200 and < 400, code is >= 200 and < 400 ? "" : $"HTTP probe failed with statuscode: {code}");
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                return new ProbeResult(false, $"Get \"{url}\": {(e is OperationCanceledException ? "context deadline exceeded" : e.Message)}");
            }
        }

        if (probe["tcpSocket"] is JsonObject tcp)
        {
            var host = tcp["host"]?.GetValue<string>() is { Length: > 0 } h ? h : podIp;
            var port = Port(tcp["port"]);
            using var client = new TcpClient();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(timeout);
            try
            {
                await client.ConnectAsync(host, port, deadline.Token);
                return new ProbeResult(true, "");
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                return new ProbeResult(false, $"dial tcp {host}:{port}: connect: connection refused");
            }
        }

        return new ProbeResult(false, "this probe type is not supported by Kura's node agent (exec, httpGet and tcpSocket are)");
    }

    /// <summary>A port number, or a named port looked up in the container's ports.</summary>
    private int Port(JsonNode? port)
    {
        if (port is JsonValue v && v.TryGetValue<long>(out var number))
        {
            return (int)number;
        }

        var name = port?.GetValue<string>() ?? "";
        if (int.TryParse(name, CultureInfo.InvariantCulture, out var parsed))
        {
            return parsed;
        }

        return (int)(container["ports"]?.AsArray().OfType<JsonObject>().FirstOrDefault(p => p["name"]?.GetValue<string>() == name)?["containerPort"]?.GetValue<long>() ?? 0);
    }

    private static long Seconds(JsonObject probe, string field, long fallback) =>
        probe[field]?.GetValue<long>() is long v && v > 0 ? v : fallback;
}
