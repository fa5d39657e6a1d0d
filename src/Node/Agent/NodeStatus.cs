using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Kura.Model.Meta;

namespace Kura.Node.Agent;

/// <summary>
/// The Node object a node agent registers and keeps current: labels, capacity and allocatable,
/// the four kubelet conditions, addresses, the streaming endpoint and nodeInfo
/// (pkg/kubelet/nodestatus setters).
/// </summary>
public static class NodeStatus
{
    public const string KubeletVersion = "v1.32.0-kura";

    public static JsonObject Labels(NodeAgentOptions options)
    {
        var arch = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "arm64" : "amd64";
        var labels = new JsonObject
        {
            ["beta.kubernetes.io/arch"] = arch,
            ["beta.kubernetes.io/os"] = "linux",
            ["kubernetes.io/arch"] = arch,
            ["kubernetes.io/hostname"] = options.NodeName,
            ["kubernetes.io/os"] = "linux",
            [Drivers.Local.LocalDriver.TopologyKey] = options.NodeName,
        };
        if (options.Zone is { Length: > 0 } zone)
        {
            labels["topology.kubernetes.io/zone"] = zone;
        }

        foreach (var (k, v) in options.Labels)
        {
            labels[k] = v;
        }

        return labels;
    }

    public static JsonObject Build(NodeAgentOptions options, int streamingPort, JsonObject? previous, DateTimeOffset now)
    {
        var memoryKi = TotalMemoryKi();
        var cpus = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture);
        var (diskBytes, _) = Disk(options.Root);
        var capacity = new JsonObject
        {
            ["cpu"] = cpus,
            ["ephemeral-storage"] = $"{diskBytes / 1024}Ki",
            ["memory"] = $"{memoryKi}Ki",
            ["pods"] = "110",
        };
        var stamp = Obj.Rfc3339(now);
        JsonObject Condition(string type, string status, string reason, string message)
        {
            var old = (previous?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == type);
            var since = old?["status"]?.GetValue<string>() == status ? old["lastTransitionTime"]?.GetValue<string>() ?? stamp : stamp;
            return new JsonObject { ["type"] = type, ["status"] = status, ["lastHeartbeatTime"] = stamp, ["lastTransitionTime"] = since, ["reason"] = reason, ["message"] = message };
        }

        return new JsonObject
        {
            ["capacity"] = capacity,
            ["allocatable"] = capacity.DeepClone(),
            ["conditions"] = new JsonArray
            {
                Condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                Condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                Condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                Condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
            },
            ["addresses"] = new JsonArray
            {
                new JsonObject { ["type"] = "InternalIP", ["address"] = options.Address },
                new JsonObject { ["type"] = "Hostname", ["address"] = options.NodeName },
            },
            ["daemonEndpoints"] = new JsonObject { ["kubeletEndpoint"] = new JsonObject { ["Port"] = streamingPort } },
            ["nodeInfo"] = new JsonObject
            {
                ["machineID"] = ReadOr("/etc/machine-id", ""),
                ["systemUUID"] = ReadOr("/sys/class/dmi/id/product_uuid", ""),
                ["bootID"] = ReadOr("/proc/sys/kernel/random/boot_id", ""),
                ["kernelVersion"] = ReadOr("/proc/sys/kernel/osrelease", Environment.OSVersion.Version.ToString()),
                ["osImage"] = OsImage(),
                ["containerRuntimeVersion"] = "runc://" + RuncVersion(),
                ["kubeletVersion"] = KubeletVersion,
                ["kubeProxyVersion"] = "",
                ["operatingSystem"] = "linux",
                ["architecture"] = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "arm64" : "amd64",
            },
        };
    }

    private static long TotalMemoryKi()
    {
        foreach (var line in File.ReadLines("/proc/meminfo"))
        {
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    private static (long Total, long Available) Disk(string path)
    {
        Directory.CreateDirectory(path);
        var usage = Drivers.Host.HostTools.Usage(path);
        return (usage.TotalBytes, usage.AvailableBytes);
    }

    private static string ReadOr(string path, string fallback)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() : fallback;
        }
        catch (IOException)
        {
            return fallback;
        }
        catch (UnauthorizedAccessException)
        {
            return fallback;
        }
    }

    private static string OsImage()
    {
        foreach (var line in File.Exists("/etc/os-release") ? File.ReadLines("/etc/os-release") : [])
        {
            if (line.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))
            {
                return line["PRETTY_NAME=".Length..].Trim('"');
            }
        }

        return "Linux";
    }

    private static string? _runcVersion;

    private static string RuncVersion()
    {
        if (_runcVersion is null)
        {
            try
            {
                using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("runc", "--version") { RedirectStandardOutput = true })!;
                var first = p.StandardOutput.ReadLine() ?? "";
                p.WaitForExit();
                _runcVersion = first.Replace("runc version ", "", StringComparison.Ordinal).Trim();
            }
            catch (System.ComponentModel.Win32Exception)
            {
                _runcVersion = "unknown";
            }
        }

        return _runcVersion;
    }
}
