using System.Diagnostics;
using System.Globalization;
using Kura.Cli.Local;
using Kura.Node.Agent;
using Kura.Node.Runtime;

namespace Kura.Cli.Commands;

/// <summary>
/// `kura node stop|start NODE`: node failures on demand. Stop kills the node's agent and every
/// container on it at once (kill -9, as a crashed machine), so its Lease stops being renewed and
/// the control plane sees what it would see in a real cluster. Start boots it again.
/// </summary>
public static class NodeCommand
{
    public static async Task<int> StopAsync(KuraHome home, string node, CancellationToken ct)
    {
        var paths = Existing(home, node);
        if (paths is null)
        {
            return 1;
        }

        await File.WriteAllTextAsync(paths.StoppedMarker, "stopped by kura node stop\n", ct);
        if (File.Exists(paths.PidFile) && int.TryParse(File.ReadAllText(paths.PidFile).Trim(), CultureInfo.InvariantCulture, out var pid))
        {
            try
            {
                using var agent = Process.GetProcessById(pid);
                agent.Kill(entireProcessTree: true);
                await agent.WaitForExitAsync(ct);
            }
            catch (ArgumentException)
            {
                // Not running.
            }
        }

        await new RuncRuntime(paths.RuncRoot).KillAllAsync();
        Console.WriteLine($"node/{node} stopped");
        return 0;
    }

    public static async Task<int> StartAsync(KuraHome home, string node, CancellationToken ct)
    {
        var paths = Existing(home, node);
        if (paths is null)
        {
            return 1;
        }

        File.Delete(paths.StoppedMarker);
        if (home.RunningPid() is null)
        {
            Console.Error.WriteLine("kura: the control plane is not running; `kura up` starts it with its nodes");
            return 1;
        }

        // The supervisor in `kura serve` notices within half a second.
        await Task.Delay(TimeSpan.FromMilliseconds(600), ct);
        Console.WriteLine($"node/{node} started");
        return 0;
    }

    /// <summary>`kura node partition|heal NODE`: cuts or restores the node's network link.</summary>
    public static int SetConnected(KuraHome home, string node, bool connected)
    {
        if (Existing(home, node) is null || KuraHome.NodeIndex(node) is not int index)
        {
            return 1;
        }

        var network = NodeNetwork.For(home.Root);
        if (!network.Isolated || !File.Exists($"/run/netns/{network.Namespace(index)}"))
        {
            Console.Error.WriteLine("kura: nodes have no network namespaces of their own (that needs root); partitions cannot be simulated");
            return 1;
        }

        network.SetConnected(index, connected);
        Console.WriteLine($"node/{node} {(connected ? "healed" : "partitioned")}");
        return 0;
    }

    private static NodePaths? Existing(KuraHome home, string node)
    {
        var paths = new NodePaths(home.NodeRoot(node));
        if (!Directory.Exists(paths.Root))
        {
            var known = Directory.Exists(Path.Combine(home.Root, "nodes")) ? Directory.EnumerateDirectories(Path.Combine(home.Root, "nodes")).Select(Path.GetFileName) : [];
            Console.Error.WriteLine($"kura: no node \"{node}\" (nodes: {string.Join(", ", known)})");
            return null;
        }

        return paths;
    }
}
