using Kura.ApiServer.Hosting;
using Kura.Cli.Local;

namespace Kura.Cli.Commands;

/// <summary>`kura serve`: runs the control plane in the foreground (what `kura up` starts in the background).</summary>
public static class ServeCommand
{
    public static async Task<int> RunAsync(KuraHome home, string bind, int port, CancellationToken ct)
    {
        Directory.CreateDirectory(home.Root);
        // The embedded node-local driver, on its own CSI socket, as the control plane will reach it.
        var nodeId = Environment.MachineName.ToLowerInvariant();
        var socket = Path.Combine(home.ServerData, "csi", "local.csi.kura.io.sock");
        await using var driver = await Drivers.Local.LocalDriverHost.StartAsync("unix://" + socket, nodeId, Path.Combine(home.ServerData, "local-volumes"), ct);
        await using var host = await ApiServerHost.StartAsync(new ApiServerOptions
        {
            DataDirectory = home.ServerData,
            BindAddress = bind,
            Port = port,
            CsiDrivers = [new CsiDriverEndpoint(Drivers.Local.LocalDriver.DriverName, "unix://" + socket, nodeId, Drivers.Local.LocalDriver.TopologyKey)],
            InstallDefaultStorageClass = true,
        }, ct);
        await File.WriteAllTextAsync(home.PidFile, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
        await Console.Error.WriteLineAsync($"kura: API server listening on {host.Url}");
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
        }

        await Console.Error.WriteLineAsync("kura: shutting down");
        if (File.Exists(home.PidFile) && File.ReadAllText(home.PidFile).Trim() == Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            File.Delete(home.PidFile);
        }

        return 0;
    }
}
