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
        var up = new Command("up", "Start the control plane in the background and make the \"kura\" kubectl context current") { bind, port, kubeconfig };
        up.SetAction((r, ct) => UpCommand.RunAsync(KuraHome.FromEnvironment(r.GetValue(home)), r.GetValue(bind), r.GetValue(port), r.GetValue(kubeconfig), ct));
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
        var serve = new Command("serve", "Run the control plane in the foreground") { serveBind, servePort };
        serve.SetAction((r, ct) => ServeCommand.RunAsync(KuraHome.FromEnvironment(r.GetValue(home)), r.GetValue(serveBind)!, r.GetValue(servePort), ct));
        root.Subcommands.Add(serve);

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
}
