using System.Globalization;
using Kura.Cli.Local;
using Kura.Node.Agent;

namespace Kura.Cli.Commands;

/// <summary>`kura status`: whether the control plane runs and answers /readyz.</summary>
public static class StatusCommand
{
    public static async Task<int> RunAsync(KuraHome home, CancellationToken ct)
    {
        var settings = home.LoadSettings();
        var pid = home.RunningPid();
        if (pid is null || settings is null)
        {
            Console.WriteLine("kura: stopped");
            return 3;
        }

        var ready = await UpCommand.IsReadyAsync(home, settings, ct);
        Console.WriteLine($"kura: {(ready ? "running" : "starting")} (pid {pid}) at {settings.Url}");
        Console.WriteLine($"  data:  {home.Root}");
        Console.WriteLine($"  log:   {home.LogFile}");
        foreach (var node in KuraHome.NodeNames(settings.Nodes))
        {
            Console.WriteLine($"  node {node}: {NodeState(new NodePaths(home.NodeRoot(node)))}");
        }

        return ready ? 0 : 1;
    }

    /// <summary>What the node's agent process is doing, from its pid file and the stop marker.</summary>
    private static string NodeState(NodePaths paths)
    {
        if (File.Exists(paths.StoppedMarker))
        {
            return "stopped (kura node start to boot it)";
        }

        if (File.Exists(paths.PidFile) && int.TryParse(File.ReadAllText(paths.PidFile).Trim(), CultureInfo.InvariantCulture, out var pid))
        {
            try
            {
                using var agent = System.Diagnostics.Process.GetProcessById(pid);
                return agent.HasExited ? "agent not running" : $"agent running (pid {pid}), log {Path.Combine(paths.Root, "agent.log")}";
            }
            catch (ArgumentException)
            {
                return "agent not running";
            }
        }

        return "not started yet";
    }
}
