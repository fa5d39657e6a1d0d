using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Kura.Cli.Tests;

/// <summary>`kura up`, `status` and `down` as a new user runs them, with the real kubectl afterwards.</summary>
public sealed class UpDownTests
{
    [Fact]
    public async Task UpThenKubectlThenDown_WorksAndIsIdempotent()
    {
        var root = Directory.CreateTempSubdirectory("kura-up-").FullName;
        var env = new Dictionary<string, string>
        {
            ["KURA_HOME"] = Path.Combine(root, "home"),
            ["KUBECONFIG"] = Path.Combine(root, "kube", "config"),
        };
        var port = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        // An existing kubeconfig entry must survive the merge.
        Directory.CreateDirectory(Path.Combine(root, "kube"));
        await File.WriteAllTextAsync(env["KUBECONFIG"], "apiVersion: v1\nkind: Config\nclusters:\n- name: other\n  cluster: {server: 'https://10.255.255.1:6443'}\ncontexts: []\nusers: []\n");
        try
        {
            var up = await RunAsync("dotnet", [ServerProcess.KuraDll, "up", "--port", port], env);
            Assert.True(up.Code == 0, up.Output);
            Assert.Contains("Kura is up at https://127.0.0.1:" + port, up.Output, StringComparison.Ordinal);

            var again = await RunAsync("dotnet", [ServerProcess.KuraDll, "up"], env);
            Assert.True(again.Code == 0, again.Output);
            Assert.Contains("already running", again.Output, StringComparison.Ordinal);

            var kubectl = await RunAsync("kubectl", ["--cache-dir", Path.Combine(root, "cache"), "get", "ns", "kube-system", "-o", "name"], env);
            Assert.True(kubectl.Code == 0, kubectl.Output);
            Assert.Equal("namespace/kube-system", kubectl.Output.Trim());

            var config = await File.ReadAllTextAsync(env["KUBECONFIG"]);
            Assert.Contains("current-context: kura", config, StringComparison.Ordinal);
            Assert.Contains("name: other", config, StringComparison.Ordinal);

            var status = await RunAsync("dotnet", [ServerProcess.KuraDll, "status"], env);
            Assert.True(status.Code == 0, status.Output);
            Assert.Contains("running", status.Output, StringComparison.Ordinal);
        }
        finally
        {
            var down = await RunAsync("dotnet", [ServerProcess.KuraDll, "down", "--purge"], env);
            Assert.True(down.Code == 0, down.Output);
        }

        Assert.False(Directory.Exists(env["KURA_HOME"]));
        var stopped = await RunAsync("dotnet", [ServerProcess.KuraDll, "status"], env);
        Assert.Equal(3, stopped.Code);
        Directory.Delete(root, recursive: true);
    }

    private static async Task<(int Code, string Output)> RunAsync(string exe, string[] args, Dictionary<string, string> env)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (k, v) in env)
        {
            psi.Environment[k] = v;
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await stdout + await stderr);
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
