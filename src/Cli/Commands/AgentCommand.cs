using System.Globalization;
using Kura.Client;
using Kura.Node.Agent;

namespace Kura.Cli.Commands;

/// <summary>`kura agent`: runs one node agent in the foreground (what `kura serve` starts per node).</summary>
public static class AgentCommand
{
    public static async Task<int> RunAsync(string node, string root, string imagesRoot, string address, string server, string caFile, string tokenFile, string? zone, int? parentPid, int leaseSeconds, CancellationToken ct)
    {
        // An agent started by `kura serve` goes down with it (even when serve is killed -9), as a
        // node does when its machine goes: otherwise its containers would outlive the cluster.
        using var orphaned = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (parentPid is int parent)
        {
            _ = WatchParentAsync(parent, orphaned);
        }

        ct = orphaned.Token;
        // On a first start the control plane creates its CA and token while the nodes boot.
        for (var i = 0; i < 600 && !(File.Exists(caFile) && File.Exists(tokenFile)); i++)
        {
            await Task.Delay(100, ct);
        }

        var token = File.ReadAllText(tokenFile).Trim();
        var config = new ClientConfig(new Uri(server), File.ReadAllText(caFile), token);
        using var api = new KubeClient(config, $"kubelet/{NodeStatus.KubeletVersion} (linux) kura");
        var options = new NodeAgentOptions
        {
            NodeName = node,
            Root = root,
            ImagesRoot = imagesRoot,
            Address = address,
            StreamingToken = token,
            Zone = zone,

            // The kubelet renews at a quarter of the lease (10 s of 40 s): a node must never look
            // dead between two renewals, whatever grace period the control plane uses.
            LeaseDurationSeconds = leaseSeconds,
            LeaseRenewInterval = TimeSpan.FromSeconds(Math.Max(1, leaseSeconds / 4.0)),
        };
        var agent = new NodeAgent(options, api);
        Directory.CreateDirectory(root);
        await File.WriteAllTextAsync(agent.Paths.PidFile, Environment.ProcessId.ToString(CultureInfo.InvariantCulture), ct);
        try
        {
            await agent.StartAsync(ct);
            await Console.Error.WriteLineAsync($"kura-node {node}: ready at {address}");
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            await agent.DisposeAsync();
        }

        return 0;
    }

    private static async Task WatchParentAsync(int parent, CancellationTokenSource orphaned)
    {
        while (!orphaned.IsCancellationRequested)
        {
            try
            {
                using var p = System.Diagnostics.Process.GetProcessById(parent);
                if (p.HasExited)
                {
                    break;
                }
            }
            catch (ArgumentException)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        await Console.Error.WriteLineAsync("kura-node: the control plane process is gone; stopping");
        await orphaned.CancelAsync();
    }
}
