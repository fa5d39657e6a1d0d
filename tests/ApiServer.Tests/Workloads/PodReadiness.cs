using System.Globalization;
using Kura.ApiServer.Tests.Fixtures;

namespace Kura.ApiServer.Tests.Workloads;

/// <summary>
/// Plays the node agent for tests without nodes: marks the pods a selector picks Running and
/// Ready by writing their status through the API, as a kubelet would.
/// </summary>
internal sealed class PodReadiness : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private PodReadiness(ServerFixture server, string selector) => _loop = Task.Run(() => LoopAsync(server, selector, _stop.Token));

    /// <summary>Keeps marking new pods ready until disposed.</summary>
    public static PodReadiness Start(ServerFixture server, string selector) => new(server, selector);

    public static async Task MarkAsync(ServerFixture server, string pod)
    {
        var now = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var status = $$$"""{"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True","lastTransitionTime":"{{{now}}}"}]}}""";
        await server.KubectlAsync("patch", "pod", pod, "--subresource=status", "--type=merge", "-p", status);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private static async Task LoopAsync(ServerFixture server, string selector, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var listed = await server.KubectlAsync("get", "pods", "-l", selector, "-o", "jsonpath={range .items[*]}{.metadata.name} {.status.phase} {.metadata.deletionTimestamp}{\"\\n\"}{end}");
            foreach (var line in listed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 2 && parts[1] != "Running")
                {
                    await MarkAsync(server, parts[0]);
                }
            }

            await Task.Delay(200, ct);
        }
    }
}
