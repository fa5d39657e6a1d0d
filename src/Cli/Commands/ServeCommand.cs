using Kura.ApiServer.Hosting;
using Kura.Cli.Local;
using Kura.Node.Agent;

namespace Kura.Cli.Commands;

/// <summary>
/// `kura serve`: runs the control plane in the foreground (what `kura up` starts in the background)
/// and supervises one agent process per embedded node, each with its own node-local CSI driver.
/// </summary>
public static class ServeCommand
{
    public static async Task<int> RunAsync(KuraHome home, string bind, int port, int nodeCount, TimeSpan nodeGrace, int tolerationSeconds, CancellationToken ct)
    {
        Directory.CreateDirectory(home.Root);
        var nodes = KuraHome.NodeNames(nodeCount);
        var network = NodeNetwork.For(home.Root);
        try
        {
            network.Setup(nodes.Count);
        }
        catch (InvalidOperationException e)
        {
            await Console.Error.WriteLineAsync($"kura: cannot give the nodes their own network namespaces ({e.Message}); using loopback addresses");
            network = NodeNetwork.Loopback(home.Root);
        }

        var drivers = nodes.Select(n => new CsiDriverEndpoint(
            Drivers.Local.LocalDriver.DriverName,
            "unix://" + new NodePaths(home.NodeRoot(n)).CsiSocket(Drivers.Local.LocalDriver.DriverName),
            n,
            Drivers.Local.LocalDriver.TopologyKey)).ToList();
        // Nodes boot while the control plane starts (they register once it answers): the agents'
        // own start-up overlaps the server's instead of following it.
        var urlHost = network.Isolated ? network.GatewayAddress : bind is "0.0.0.0" or "::" ? "127.0.0.1" : bind;
        await using var supervisor = new NodeSupervisor(home, $"https://{urlHost}:{port}", nodes, network, nodeGrace);
        supervisor.Start();
        await using var host = await ApiServerHost.StartAsync(new ApiServerOptions
        {
            DataDirectory = home.ServerData,
            BindAddress = bind,
            Port = port,
            CsiDrivers = drivers,
            InstallDefaultStorageClass = true,
            ExtraSans = [network.GatewayAddress, .. nodes.Select((_, i) => network.NodeAddress(i))],
            AdditionalListenAddresses = network.Isolated && bind is not ("0.0.0.0" or "::") ? [network.GatewayAddress] : [],
            NodeMonitorGracePeriod = nodeGrace,
            DefaultTolerationSeconds = tolerationSeconds,
        }, ct);
        await File.WriteAllTextAsync(home.PidFile, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
        await Console.Error.WriteLineAsync($"kura: API server listening on {host.Url}; nodes: {string.Join(", ", nodes)}");
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
        }

        await Console.Error.WriteLineAsync("kura: shutting down");
        await supervisor.DisposeAsync();
        network.TearDown(nodes.Count);
        if (File.Exists(home.PidFile) && File.ReadAllText(home.PidFile).Trim() == Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            File.Delete(home.PidFile);
        }

        return 0;
    }
}
