using System.CommandLine;
using Kura.Cli.Commands;
using Kura.Cli.Local;

namespace Kura.Cli;

/// <summary>The `kura` command line.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var home = new Option<string?>("--home") { Description = "Kura's data directory (default $KURA_HOME or ~/.kura)", Recursive = true };
        var root = new RootCommand("Kura: persistent storage for containers, with a Kubernetes-compatible control plane.");
        root.Options.Add(home);

        var bind = new Option<string?>("--bind") { Description = "Address to listen on (default 127.0.0.1)" };
        var port = new Option<int?>("--port") { Description = "HTTPS port (default 6443)" };
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "Kubeconfig to merge the kura context into" };
        var nodes = new Option<int?>("--nodes") { Description = "How many nodes to run (default 1)" };
        var up = new Command("up", "Start the control plane and its nodes in the background and make the \"kura\" kubectl context current") { bind, port, kubeconfig, nodes };
        up.SetAction((r, ct) => UpCommand.RunAsync(KuraHome.FromEnvironment(r.GetValue(home)), r.GetValue(bind), r.GetValue(port), r.GetValue(kubeconfig), r.GetValue(nodes), ct));
        root.Subcommands.Add(up);

        var purge = new Option<bool>("--purge") { Description = "Also delete all data" };
        var down = new Command("down", "Stop the control plane (data is kept unless --purge)") { purge };
        down.SetAction((r, ct) => DownCommand.RunAsync(KuraHome.FromEnvironment(r.GetValue(home)), r.GetValue(purge), ct));
        root.Subcommands.Add(down);

        var status = new Command("status", "Report whether the control plane is running and ready");
        status.SetAction((r, ct) => StatusCommand.RunAsync(KuraHome.FromEnvironment(r.GetValue(home)), ct));
        root.Subcommands.Add(status);

        var serveBind = new Option<string>("--bind") { DefaultValueFactory = _ => "127.0.0.1" };
        var servePort = new Option<int>("--port") { DefaultValueFactory = _ => 6443 };
        var serveNodes = new Option<int>("--nodes") { DefaultValueFactory = _ => 1 };
        var grace = new Option<int>("--node-monitor-grace-period") { Description = "Seconds without a node heartbeat before it is NotReady (Kubernetes: 40; embedded default 20)", DefaultValueFactory = _ => 20 };
        var toleration = new Option<int>("--default-unreachable-toleration-seconds") { Description = "How long pods stay on an unreachable node before eviction (Kubernetes: 300; embedded default 30)", DefaultValueFactory = _ => 30 };
        var serve = new Command("serve", "Run the control plane and its nodes in the foreground") { serveBind, servePort, serveNodes, grace, toleration };
        serve.SetAction((r, ct) => ServeCommand.RunAsync(KuraHome.FromEnvironment(r.GetValue(home)), r.GetValue(serveBind)!, r.GetValue(servePort), r.GetValue(serveNodes), TimeSpan.FromSeconds(r.GetValue(grace)), r.GetValue(toleration), ct));
        root.Subcommands.Add(serve);

        root.Subcommands.Add(AgentCommandLine(home));
        root.Subcommands.Add(NodeCommandLine(home));
        root.Subcommands.Add(ImageCommandLine(home));

        var endpoint = new Option<string>("--endpoint") { Description = "CSI endpoint: unix:///path/csi.sock or tcp://host:port", Required = true };
        var nodeId = new Option<string>("--node-id") { Description = "This node's name", Required = true };
        var dataDir = new Option<string>("--data-dir") { Description = "Where volume images and driver state live", Required = true };
        var local = new Command("local", "Run local.csi.kura.io (node-local volumes) on a CSI endpoint") { endpoint, nodeId, dataDir };
        local.SetAction(async (r, ct) =>
        {
            await Console.Error.WriteLineAsync($"kura: local.csi.kura.io serving {r.GetValue(endpoint)} for node {r.GetValue(nodeId)}");
            await Drivers.Local.LocalDriverHost.RunAsync(r.GetValue(endpoint)!, r.GetValue(nodeId)!, r.GetValue(dataDir)!, ct);
            return 0;
        });
        var driver = new Command("driver", "Run a Kura CSI driver standalone (for csi-sanity and the Kubernetes sidecars)") { local };
        root.Subcommands.Add(driver);

        return await root.Parse(args).InvokeAsync();
    }

    private static Command AgentCommandLine(Option<string?> home)
    {
        var node = new Option<string>("--node") { Description = "The node's name", Required = true };
        var address = new Option<string>("--address") { Description = "The node's address (InternalIP)", DefaultValueFactory = _ => "127.0.0.1" };
        var server = new Option<string>("--server") { Description = "The API server's URL", Required = true };
        var zone = new Option<string?>("--zone") { Description = "topology.kubernetes.io/zone for this node" };
        var parent = new Option<int?>("--parent-pid") { Description = "Stop when this process ends (set by `kura serve`)" };
        var lease = new Option<int>("--lease-duration-seconds") { Description = "The node Lease's duration; renewed every quarter of it (kubelet: 40)", DefaultValueFactory = _ => 40 };
        var agent = new Command("agent", "Run one node agent in the foreground (started by `kura serve` for each node)") { node, address, server, zone, parent, lease };
        agent.SetAction((r, ct) =>
        {
            var h = KuraHome.FromEnvironment(r.GetValue(home));
            var name = r.GetValue(node)!;
            return AgentCommand.RunAsync(name, h.NodeRoot(name), h.ImagesRoot, r.GetValue(address)!, r.GetValue(server)!, h.CaFile, h.TokenFile, r.GetValue(zone), r.GetValue(parent), r.GetValue(lease), ct);
        });
        return agent;
    }

    private static Command ImageCommandLine(Option<string?> home)
    {
        var file = new Argument<string>("FILE") { Description = "A `docker save` or OCI image-layout tarball" };
        var load = new Command("load", "Load images from an archive into the nodes' image store (like `kind load image-archive`)") { file };
        load.SetAction((r, ct) => ImageCommand.LoadAsync(KuraHome.FromEnvironment(r.GetValue(home)), r.GetValue(file)!, ct));
        var list = new Command("list", "List the images the nodes have");
        list.SetAction(r => ImageCommand.List(KuraHome.FromEnvironment(r.GetValue(home))));
        return new Command("image", "Manage the nodes' images") { load, list };
    }

    private static Command NodeCommandLine(Option<string?> home)
    {
        var stopName = new Argument<string>("NODE") { Description = "The node to stop, e.g. kura-node-2" };
        var stop = new Command("stop", "Crash a node: kill its agent and every container on it (until `kura node start`)") { stopName };
        stop.SetAction((r, ct) => NodeCommand.StopAsync(KuraHome.FromEnvironment(r.GetValue(home)), r.GetValue(stopName)!, ct));
        var startName = new Argument<string>("NODE") { Description = "The node to start again" };
        var start = new Command("start", "Boot a stopped node again") { startName };
        start.SetAction((r, ct) => NodeCommand.StartAsync(KuraHome.FromEnvironment(r.GetValue(home)), r.GetValue(startName)!, ct));
        var cutName = new Argument<string>("NODE") { Description = "The node to cut off the network" };
        var partition = new Command("partition", "Cut a node's network link (it keeps running, unreachable)") { cutName };
        partition.SetAction(r => NodeCommand.SetConnected(KuraHome.FromEnvironment(r.GetValue(home)), r.GetValue(cutName)!, connected: false));
        var healName = new Argument<string>("NODE") { Description = "The node to reconnect" };
        var heal = new Command("heal", "Restore a partitioned node's link") { healName };
        heal.SetAction(r => NodeCommand.SetConnected(KuraHome.FromEnvironment(r.GetValue(home)), r.GetValue(healName)!, connected: true));
        return new Command("node", "Stop, start, partition and heal the embedded nodes (failure injection)") { stop, start, partition, heal };
    }
}
