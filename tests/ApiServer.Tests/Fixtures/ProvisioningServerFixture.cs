using Kura.ApiServer.Hosting;
using Kura.Drivers.Local;
using Kura.Grpc;

namespace Kura.ApiServer.Tests.Fixtures;

/// <summary>A server with the local CSI driver running beside it, as `kura up` starts them.</summary>
public sealed class ProvisioningServerFixture : ServerFixture
{
    private GrpcServer? _driver;

    public string DriverData => Path.Combine(WorkDir, "local-volumes");

    protected override async Task<ApiServerOptions> OptionsAsync()
    {
        var socket = Path.Combine(WorkDir, "csi.sock");
        _driver = await LocalDriverHost.StartAsync("unix://" + socket, "test-node", DriverData);
        var options = await base.OptionsAsync();
        return options with
        {
            CsiDrivers = [new CsiDriverEndpoint(LocalDriver.DriverName, "unix://" + socket, "test-node", LocalDriver.TopologyKey)],
            InstallDefaultStorageClass = true,
            DefaultClassBindingMode = "Immediate",
        };
    }

    public override async Task DisposeAsync()
    {
        if (_driver is not null)
        {
            await _driver.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}
