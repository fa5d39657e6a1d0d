using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Kura.Cli.Local;

/// <summary>
/// Gives each embedded node a network of its own when Kura runs as root: a network namespace
/// per node joined to a bridge by a veth pair, so node-to-node and node-to-control-plane traffic
/// crosses a real network stack and a node can be cut off (`kura node partition`). Names and the
/// subnet derive from the Kura home, so two clusters on one machine do not collide. Without root
/// (or without `ip`), nodes use distinct loopback addresses instead and cannot be partitioned.
/// </summary>
public sealed class NodeNetwork
{
    private readonly string _id;
    private readonly int _subnet;

    private NodeNetwork(string home, bool isolated)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(home)));
        _id = Convert.ToHexStringLower(hash)[..4];
        _subnet = 20 + (hash[4] % 200);
        Isolated = isolated;
    }

    /// <summary>True when nodes have their own namespaces (root); false on loopback addresses.</summary>
    public bool Isolated { get; }

    /// <summary>The control plane's address as nodes reach it.</summary>
    public string GatewayAddress => Isolated ? $"10.88.{_subnet}.1" : "127.0.0.1";

    public string Bridge => $"kura-{_id}";

    public static NodeNetwork Loopback(string home) => new(home, isolated: false);

    public static NodeNetwork For(string home) =>
        new(home, Environment.UserName == "root" && File.Exists("/usr/sbin/ip") && Environment.GetEnvironmentVariable("KURA_NODE_NETWORK") != "loopback");

    public string NodeAddress(int index) => Isolated ? $"10.88.{_subnet}.{10 + index}" : $"127.0.10.{index + 1}";

    public string Namespace(int index) => $"kura-{_id}-n{index + 1}";

    /// <summary>The host side of node <paramref name="index"/>'s link (down = partitioned).</summary>
    public string HostLink(int index) => $"kv{_id}h{index + 1}";

    /// <summary>Creates the bridge and the nodes' namespaces and links (idempotent).</summary>
    public void Setup(int nodes)
    {
        if (!Isolated)
        {
            return;
        }

        if (!Ip(true, "link", "show", Bridge))
        {
            Ip(false, "link", "add", Bridge, "type", "bridge");
            Ip(false, "addr", "add", $"{GatewayAddress}/24", "dev", Bridge);
        }

        Ip(false, "link", "set", Bridge, "up");
        for (var i = 0; i < nodes; i++)
        {
            var ns = Namespace(i);
            var host = HostLink(i);
            var inner = $"kv{_id}n{i + 1}";
            if (!File.Exists($"/run/netns/{ns}"))
            {
                Ip(false, "netns", "add", ns);
            }

            if (!Ip(true, "link", "show", host))
            {
                Ip(false, "link", "add", host, "type", "veth", "peer", "name", inner);
                Ip(false, "link", "set", inner, "netns", ns);
                Ip(false, "-n", ns, "link", "set", inner, "name", "eth0");
                Ip(false, "-n", ns, "addr", "add", $"{NodeAddress(i)}/24", "dev", "eth0");
            }

            Ip(false, "link", "set", host, "master", Bridge);
            Ip(false, "link", "set", host, "up");
            Ip(false, "-n", ns, "link", "set", "lo", "up");
            Ip(false, "-n", ns, "link", "set", "eth0", "up");
            Ip(true, "-n", ns, "route", "replace", "default", "via", GatewayAddress);
        }
    }

    /// <summary>Removes the namespaces and the bridge (`kura down`).</summary>
    public void TearDown(int nodes)
    {
        if (!Isolated)
        {
            return;
        }

        for (var i = 0; i < nodes; i++)
        {
            Ip(true, "netns", "del", Namespace(i));
            Ip(true, "link", "del", HostLink(i));
        }

        Ip(true, "link", "del", Bridge);
    }

    /// <summary>Cuts (or restores) node <paramref name="index"/>'s link.</summary>
    public void SetConnected(int index, bool connected) => Ip(false, "link", "set", HostLink(index), connected ? "up" : "down");

    private static bool Ip(bool mayFail, params string[] args)
    {
        var psi = new ProcessStartInfo("/usr/sbin/ip") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var error = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0 && !mayFail)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', args)} failed: {error.Trim()}");
        }

        return p.ExitCode == 0;
    }
}
