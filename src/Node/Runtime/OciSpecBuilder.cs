using System.Text.Json.Nodes;

namespace Kura.Node.Runtime;

/// <summary>
/// Builds the OCI runtime spec (config.json, runtime-spec v1.0.2) for a container: the namespaces,
/// default mounts, capabilities and masked paths a container runtime gives a Kubernetes container
/// (the same defaults runc's `spec` template and containerd's CRI plugin use).
/// </summary>
public static class OciSpecBuilder
{
    /// <summary>The capability set container runtimes grant by default (containerd/moby defaults).</summary>
    public static readonly IReadOnlyList<string> DefaultCapabilities =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];

    private static readonly string[] AllCapabilities =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",
        "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
        "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
        "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
        "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
    ];

    public static JsonObject Build(ContainerLaunch launch)
    {
        var caps = Capabilities(launch);
        var capArray = new JsonArray([.. caps.Select(c => (JsonNode)c)]);
        var mounts = new JsonArray
        {
            Mount("/proc", "proc", "proc", ["nosuid", "noexec", "nodev"]),
            Mount("/dev", "tmpfs", "tmpfs", ["nosuid", "strictatime", "mode=755", "size=65536k"]),
            Mount("/dev/pts", "devpts", "devpts", ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]),
            Mount("/dev/shm", "shm", "tmpfs", ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]),
            Mount("/dev/mqueue", "mqueue", "mqueue", ["nosuid", "noexec", "nodev"]),
            Mount("/sys", "sysfs", "sysfs", ["nosuid", "noexec", "nodev", "ro"]),
            Mount("/sys/fs/cgroup", "cgroup", "cgroup", ["nosuid", "noexec", "nodev", "relatime", "ro"]),
        };
        foreach (var m in launch.Mounts)
        {
            mounts.Add(m.Type == "bind"
                ? Mount(m.Destination, m.Source, "bind", m.ReadOnly ? ["rbind", "rprivate", "ro"] : ["rbind", "rprivate", "rw"])
                : Mount(m.Destination, m.Source, m.Type, m.ReadOnly ? ["ro"] : []));
        }

        var namespaces = new JsonArray
        {
            new JsonObject { ["type"] = "pid" },
            new JsonObject { ["type"] = "ipc" },
            new JsonObject { ["type"] = "uts" },
            new JsonObject { ["type"] = "mount" },
        };
        if (launch.NetworkNamespacePath is { } netns)
        {
            namespaces.Add(new JsonObject { ["type"] = "network", ["path"] = netns });
        }

        var linux = new JsonObject
        {
            ["namespaces"] = namespaces,
            ["resources"] = Resources(launch),
        };
        if (launch.CgroupsPath.Length > 0)
        {
            linux["cgroupsPath"] = launch.CgroupsPath;
        }

        if (!launch.Privileged)
        {
            linux["maskedPaths"] = new JsonArray("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware");
            linux["readonlyPaths"] = new JsonArray("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");
        }

        return new JsonObject
        {
            ["ociVersion"] = "1.0.2",
            ["process"] = new JsonObject
            {
                ["terminal"] = false,
                ["user"] = new JsonObject { ["uid"] = launch.Uid, ["gid"] = launch.Gid },
                ["args"] = new JsonArray([.. launch.Args.Select(a => (JsonNode)a)]),
                ["env"] = new JsonArray([.. launch.Env.Select(e => (JsonNode)e)]),
                ["cwd"] = launch.WorkingDirectory.Length == 0 ? "/" : launch.WorkingDirectory,
                ["capabilities"] = new JsonObject
                {
                    ["bounding"] = capArray.DeepClone(),
                    ["effective"] = capArray.DeepClone(),
                    ["permitted"] = capArray.DeepClone(),
                },
                ["noNewPrivileges"] = false,
            },
            ["root"] = new JsonObject { ["path"] = launch.RootfsPath, ["readonly"] = launch.ReadOnlyRootFilesystem },
            ["hostname"] = launch.Hostname,
            ["mounts"] = mounts,
            ["linux"] = linux,
        };
    }

    private static List<string> Capabilities(ContainerLaunch launch)
    {
        if (launch.Privileged)
        {
            return [.. AllCapabilities];
        }

        static string Normal(string c) => c.StartsWith("CAP_", StringComparison.Ordinal) ? c : "CAP_" + c.ToUpperInvariant();
        var drop = launch.DropCapabilities.Select(Normal).ToHashSet(StringComparer.Ordinal);
        var set = drop.Contains("CAP_ALL") ? [] : DefaultCapabilities.Where(c => !drop.Contains(c)).ToList();
        foreach (var add in launch.AddCapabilities.Select(Normal))
        {
            if (add == "CAP_ALL")
            {
                return [.. AllCapabilities];
            }

            if (!set.Contains(add))
            {
                set.Add(add);
            }
        }

        return set;
    }

    private static JsonObject Resources(ContainerLaunch launch)
    {
        var resources = new JsonObject
        {
            // Containers may use the usual character devices and nothing else (runc's defaults add them).
            ["devices"] = new JsonArray(new JsonObject { ["allow"] = launch.Privileged, ["access"] = "rwm" }),
        };
        if (launch.MemoryLimitBytes is long memory)
        {
            resources["memory"] = new JsonObject { ["limit"] = memory };
        }

        var cpu = new JsonObject();
        if (launch.CpuLimitMillis is long limit)
        {
            // 100 ms periods, quota in microseconds (the kubelet's milliCPUToQuota).
            cpu["period"] = 100000;
            cpu["quota"] = Math.Max(1000, limit * 100);
        }

        if (launch.CpuRequestMillis is long request)
        {
            // The kubelet's milliCPUToShares: 1024 shares per CPU, at least 2.
            cpu["shares"] = Math.Max(2, request * 1024 / 1000);
        }

        if (cpu.Count > 0)
        {
            resources["cpu"] = cpu;
        }

        return resources;
    }

    private static JsonObject Mount(string destination, string source, string type, string[] options) => new()
    {
        ["destination"] = destination,
        ["type"] = type,
        ["source"] = source,
        ["options"] = new JsonArray([.. options.Select(o => (JsonNode)o)]),
    };
}
