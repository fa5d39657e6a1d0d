using Kura.Grpc;

namespace Kura.Drivers.Local;

/// <summary>Runs local.csi.kura.io on a CSI endpoint (`kura driver local`).</summary>
public static class LocalDriverHost
{
    public static async Task<GrpcServer> StartAsync(string endpoint, string nodeId, string dataDir, CancellationToken ct = default)
    {
        Directory.CreateDirectory(dataDir);
        var driver = new LocalDriver(nodeId, Path.GetFullPath(dataDir));
        return await GrpcServer.StartAsync(endpoint, driver.Services(), ct);
    }

    public static async Task RunAsync(string endpoint, string nodeId, string dataDir, CancellationToken ct)
    {
        await using var server = await StartAsync(endpoint, nodeId, dataDir, ct);
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
