using Kura.ApiServer.Hosting;
using Kura.ApiServer.Tests.Fixtures;
using Kura.Client;
using Kura.Node.Agent;
using Kura.Node.Images;
using Kura.Node.Tests.Fixtures;

namespace Kura.Node.Tests.Agent;

/// <summary>
/// An embedded cluster in one process: the API server, one node agent running pods with real
/// runc and its node-local CSI driver, the busybox test image loaded (built from Debian's
/// busybox-static at test time), and the real kubectl.
/// </summary>
public class NodeClusterFixture : ServerFixture, IAsyncLifetime
{
    public const string NodeName = "kura-node-1";
    private NodeAgent? _agent;
    private KubeClient? _client;

    public string NodeRoot => Path.Combine(WorkDir, "nodes", NodeName);

    protected override Task<ApiServerOptions> OptionsAsync() => Task.FromResult(new ApiServerOptions
    {
        DataDirectory = Path.Combine(WorkDir, "server"),
        Port = 0,
        CsiDrivers = [new CsiDriverEndpoint(Drivers.Local.LocalDriver.DriverName, "unix://" + new NodePaths(NodeRoot).CsiSocket(Drivers.Local.LocalDriver.DriverName), NodeName, Drivers.Local.LocalDriver.TopologyKey)],
        InstallDefaultStorageClass = true,
        NodeMonitorGracePeriod = TimeSpan.FromSeconds(40),
    });

    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var images = Path.Combine(WorkDir, "images");
        var archive = Path.Combine(WorkDir, "busybox.tar");
        TestImages.BuildBusyboxArchive(archive, "busybox:latest");
        await new ImageStore(images).LoadArchiveAsync(archive, CancellationToken.None);
        _client = new KubeClient(new ClientConfig(new Uri(Host.Url), Host.Pki.CaPem, Host.Token), "kubelet/test");
        _agent = new NodeAgent(new NodeAgentOptions
        {
            NodeName = NodeName,
            Root = NodeRoot,
            ImagesRoot = images,
            Address = "127.0.0.1",
            StreamingToken = Host.Token,
        }, _client);
        await _agent.StartAsync(CancellationToken.None);
    }

    public override async Task DisposeAsync()
    {
        if (_agent is not null)
        {
            // Pods go the way users' pods go (containers stopped, volumes unpublished and
            // unstaged), so no mount or loop device outlives the test.
            await KubectlAsync("delete", "pods", "--all", "--all-namespaces", "--wait=true", "--timeout=60s");
            await _agent.DisposeAsync();
            MountSafeDelete.Remove(NodeRoot);
        }

        _client?.Dispose();
        await base.DisposeAsync();
    }
}
