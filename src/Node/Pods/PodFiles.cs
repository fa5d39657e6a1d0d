using System.Text.Json.Nodes;

namespace Kura.Node.Pods;

/// <summary>The files the kubelet gives every container: /etc/hosts, /etc/hostname, /etc/resolv.conf.</summary>
internal static class PodFiles
{
    public static void Write(JsonObject pod, string podDirectory, string podIp)
    {
        var name = pod["spec"]?["hostname"]?.GetValue<string>() ?? pod["metadata"]!["name"]!.GetValue<string>();
        var hosts = "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n"
            + $"{podIp}\t{name}\n";
        foreach (var alias in pod["spec"]?["hostAliases"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            hosts += $"\n# Entries added by HostAliases.\n{alias["ip"]}\t{string.Join('\t', alias["hostnames"]?.AsArray().Select(h => h!.GetValue<string>()) ?? [])}\n";
        }

        File.WriteAllText(Path.Combine(podDirectory, "etc-hosts"), hosts);
        File.WriteAllText(Path.Combine(podDirectory, "etc-hostname"), name + "\n");
        var resolv = File.Exists("/etc/resolv.conf") ? File.ReadAllText("/etc/resolv.conf") : "";
        File.WriteAllText(Path.Combine(podDirectory, "resolv.conf"), resolv);
    }
}
