using System.Diagnostics;
using System.Globalization;
using Kura.Node.Agent;

namespace Kura.Cli.Local;

/// <summary>
/// Keeps the embedded nodes' agents running as child processes of `kura serve`, each with its
/// own log; an agent that dies is restarted unless its node was stopped on purpose
/// (`kura node stop` leaves a marker), which is how node failures are simulated.
/// </summary>
public sealed class NodeSupervisor(KuraHome home, string serverUrl, IReadOnlyList<string> nodes, NodeNetwork network, TimeSpan nodeGrace) : IAsyncDisposable
{
    private readonly Dictionary<string, Process> _agents = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;
    private bool _disposed;

    public void Start() => _loop = Task.Run(() => SuperviseAsync(_stopping.Token));

    private async Task SuperviseAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            for (var i = 0; i < nodes.Count; i++)
            {
                var name = nodes[i];
                var paths = new NodePaths(home.NodeRoot(name));
                var running = _agents.TryGetValue(name, out var p) && !p.HasExited;
                if (!running && !File.Exists(paths.StoppedMarker))
                {
                    if (p is not null)
                    {
                        p.Dispose();
                        Console.Error.WriteLine($"kura: node {name}'s agent exited; starting it again");
                    }

                    _agents[name] = StartAgent(name, i, paths);
                }
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private Process StartAgent(string name, int index, NodePaths paths)
    {
        Directory.CreateDirectory(paths.Root);
        var (exe, prefix) = Commands.UpCommand.SelfInvocation();
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("log=\"$1\"; shift; exec \"$@\" >>\"$log\" 2>&1 </dev/null");
        psi.ArgumentList.Add("kura-agent");
        psi.ArgumentList.Add(Path.Combine(paths.Root, "agent.log"));
        if (network.Isolated)
        {
            // The agent (and so its containers) lives in the node's network namespace. nsenter
            // joins only that; `ip netns exec` would also remount /sys and hide the cgroup mounts runc needs.
            foreach (var a in new[] { "/usr/bin/nsenter", $"--net=/run/netns/{network.Namespace(index)}", "--" })
            {
                psi.ArgumentList.Add(a);
            }
        }

        psi.ArgumentList.Add(exe);
        foreach (var a in prefix.Concat(["agent", "--home", home.Root, "--node", name, "--address", network.NodeAddress(index), "--server", serverUrl, "--parent-pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
            "--lease-duration-seconds", ((int)Math.Ceiling(nodeGrace.TotalSeconds)).ToString(CultureInfo.InvariantCulture)]))
        {
            psi.ArgumentList.Add(a);
        }

        return Process.Start(psi) ?? throw new InvalidOperationException($"could not start the agent of {name}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stopping.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        foreach (var (_, agent) in _agents)
        {
            if (!agent.HasExited)
            {
                _ = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", agent.Id.ToString(CultureInfo.InvariantCulture) } });
            }
        }

        foreach (var (_, agent) in _agents)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await agent.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                agent.Kill(entireProcessTree: true);
            }

            agent.Dispose();
        }

        _stopping.Dispose();
    }
}
