using System.Globalization;
using System.Text.Json.Nodes;
using Kura.Model.Quantities;
using Kura.Node.Images;
using Kura.Node.Runtime;

namespace Kura.Node.Pods;

internal sealed partial class PodWorker
{
    /// <summary>Starts the container unless a back-off holds it; returns when to look again.</summary>
    private async Task<TimeSpan> StartIfDueAsync(JsonObject pod, JsonObject spec, ContainerRecord record, DateTimeOffset now, CancellationToken ct)
    {
        if (now < record.NotBefore)
        {
            if (record.LastTerminated is not null && record.Waiting?.Reason is not ("ErrImagePull" or "ImagePullBackOff" or "CreateContainerConfigError" or "ErrImageNeverPull"))
            {
                var message = PodStatusBuilder.CrashLoopMessage(record.NotBefore - record.LastTerminated.FinishedAt, record.Name, pod);
                if (record.Waiting?.Reason != "CrashLoopBackOff")
                {
                    await _node.Events.WarningAsync(pod, record.Name, "BackOff", $"Back-off restarting failed container {record.Name} in pod {_name}_{_ns}({_uid})", ct);
                }

                record.Waiting = new WaitingState("CrashLoopBackOff", message);
            }

            return record.NotBefore - now;
        }

        var image = await ResolveImageAsync(pod, spec, record, now, ct);
        if (image is null)
        {
            return record.NotBefore > now ? record.NotBefore - now : TimeSpan.FromSeconds(10);
        }

        ContainerLaunch launch;
        string logPath;
        var restart = record.EverStarted ? record.RestartCount + 1 : 0;
        try
        {
            var env = await _node.Environment.ResolveAsync(pod, spec, image.Config.Env, ct);
            var vars = env.Select(e => e.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);
            var command = spec["command"]?.AsArray().Select(a => ContainerCommand.Expand(a!.GetValue<string>(), vars)).ToList();
            var args = spec["args"]?.AsArray().Select(a => ContainerCommand.Expand(a!.GetValue<string>(), vars)).ToList();
            var process = ContainerCommand.Resolve(command, args, image.Config.Entrypoint, image.Config.Cmd);
            if (process.Count == 0)
            {
                throw new ContainerConfigException("no command specified");
            }

            var directory = Path.Combine(_node.Paths.PodDirectory(_uid), "containers", record.Name, restart.ToString(CultureInfo.InvariantCulture));
            var mounts = Mounts(spec);
            if (Directory.Exists(directory))
            {
                ContainerRootfs.Unmount(directory);
                Directory.Delete(directory, recursive: true);
            }

            var rootfs = ContainerRootfs.Mount(image, directory);
            record.CurrentDirectory = directory;
            var (uid, gid) = User(pod, spec, image.Config.User, rootfs);
            var limits = spec["resources"]?["limits"] as JsonObject;
            var requests = spec["resources"]?["requests"] as JsonObject;
            var security = spec["securityContext"] as JsonObject;
            launch = new ContainerLaunch
            {
                Id = $"{_uid}-{record.Name}-{restart}",
                BundleDirectory = directory,
                RootfsPath = rootfs,
                Args = process,
                Env = env,
                WorkingDirectory = spec["workingDir"]?.GetValue<string>() is { Length: > 0 } wd ? wd : image.Config.WorkingDir,
                Hostname = pod["spec"]?["hostname"]?.GetValue<string>() ?? _name,
                Uid = uid,
                Gid = gid,
                Mounts = mounts,
                MemoryLimitBytes = limits?["memory"] is { } memory ? Quantity.Parse(memory.GetValue<string>()).Value : null,
                CpuLimitMillis = limits?["cpu"] is { } cpu ? Quantity.Parse(cpu.GetValue<string>()).MilliValue : null,
                CpuRequestMillis = requests?["cpu"] is { } cpuRequest ? Quantity.Parse(cpuRequest.GetValue<string>()).MilliValue : null,
                NetworkNamespacePath = _node.NetworkNamespacePath,
                Privileged = security?["privileged"]?.GetValue<bool>() ?? false,
                ReadOnlyRootFilesystem = security?["readOnlyRootFilesystem"]?.GetValue<bool>() ?? false,
                AddCapabilities = security?["capabilities"]?["add"]?.AsArray().Select(c => c!.GetValue<string>()).ToList() ?? [],
                DropCapabilities = security?["capabilities"]?["drop"]?.AsArray().Select(c => c!.GetValue<string>()).ToList() ?? [],
                CgroupsPath = $"/kura/{_node.NodeName}/{_uid}/{record.Name}",
            };
            logPath = Path.Combine(_node.Paths.ContainerLogDirectory(_ns, _name, _uid, record.Name), $"{restart}.log");
        }
        catch (ContainerConfigException e)
        {
            record.Waiting = new WaitingState("CreateContainerConfigError", e.Message);
            record.NotBefore = now + TimeSpan.FromSeconds(5);
            await _node.Events.WarningAsync(pod, record.Name, "Failed", $"Error: {e.Message}", ct);
            return TimeSpan.FromSeconds(5);
        }

        await _node.Events.NormalAsync(pod, record.Name, "Created", $"Created container: {record.Name}", ct);
        var running = await _node.Runtime.StartAsync(launch, logPath, ct);
        lock (_containers)
        {
            record.Current = running;
            record.RestartCount = restart;
            record.EverStarted = true;
            record.Waiting = null;
        }

        _ = running.Exited.ContinueWith(_ => Wake(), TaskScheduler.Default);
        await _node.Events.NormalAsync(pod, record.Name, "Started", $"Started container {record.Name}", ct);
        StartProbes(pod, spec, record, running, ct);
        return ResyncPeriod;
    }

    private void StartProbes(JsonObject pod, JsonObject spec, ContainerRecord record, RunningContainer running, CancellationToken ct)
    {
        var probes = new ProbeRunner(_node.Runtime, running.Id, _node.NodeIp, spec, _node.Time);
        var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        lock (_containers)
        {
            record.Probes = probes;
            record.ProbesStop = stop;
        }

        var grace = pod["spec"]?["terminationGracePeriodSeconds"]?.GetValue<long>() ?? 30;
        _ = probes.RunAsync(
            Wake,
            async reason =>
            {
                await _node.Events.NormalAsync(pod, record.Name, "Killing", $"Container {record.Name} {reason}, will be restarted", ct);
                await _node.Runtime.SignalAsync(running.Id, "TERM");
                if (await Task.WhenAny(running.Exited, Task.Delay(TimeSpan.FromSeconds(grace), _node.Time, ct)) != running.Exited)
                {
                    await _node.Runtime.SignalAsync(running.Id, "KILL");
                }
            },
            (kind, message) => _node.Events.WarningAsync(pod, record.Name, "Unhealthy", message, ct),
            stop.Token);
    }

    /// <summary>The image per imagePullPolicy, with the kubelet's events and back-off; null while it is not available.</summary>
    private async Task<ImageRecord?> ResolveImageAsync(JsonObject pod, JsonObject spec, ContainerRecord record, DateTimeOffset now, CancellationToken ct)
    {
        var image = spec["image"]?.GetValue<string>() ?? "";
        var policy = spec["imagePullPolicy"]?.GetValue<string>() ?? DefaultPullPolicy(image);
        var present = _node.Images.Find(image);
        if (policy == "Never" || (policy == "IfNotPresent" && present is not null))
        {
            if (present is null)
            {
                var message = $"Container image \"{image}\" is not present with pull policy of Never";
                record.Waiting = new WaitingState("ErrImageNeverPull", message);
                await _node.Events.WarningAsync(pod, record.Name, "ErrImageNeverPull", message, ct);
                return null;
            }

            await _node.Events.NormalAsync(pod, record.Name, "Pulled", $"Container image \"{image}\" already present on machine", ct);
            return record.Image = present;
        }

        if (record.Waiting?.Reason is "ErrImagePull" or "ImagePullBackOff" && now < record.NotBefore)
        {
            if (record.Waiting.Reason != "ImagePullBackOff")
            {
                await _node.Events.NormalAsync(pod, record.Name, "BackOff", $"Back-off pulling image \"{image}\"", ct);
                await _node.Events.WarningAsync(pod, record.Name, "Failed", "Error: ImagePullBackOff", ct);
            }

            record.Waiting = new WaitingState("ImagePullBackOff", $"Back-off pulling image \"{image}\"");
            return null;
        }

        var registry = ImageReference.TryParse(image, out var parsed, out _) ? parsed.Registry : "";
        if (present is not null && _node.UnreachableRegistries.TryGetValue(registry, out var until) && until > now)
        {
            await _node.Events.NormalAsync(pod, record.Name, "Pulled", $"Container image \"{image}\" already present on machine", ct);
            return record.Image = present;
        }

        await _node.Events.NormalAsync(pod, record.Name, "Pulling", $"Pulling image \"{image}\"", ct);
        var started = _node.Time.GetTimestamp();
        try
        {
            // With a copy on the node, a registry that does not answer quickly is not worth waiting for.
            using var pullTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (present is not null)
            {
                pullTimeout.CancelAfter(TimeSpan.FromSeconds(3));
            }

            ImageRecord pulled;
            try
            {
                pulled = await _node.Images.PullAsync(image, pullTimeout.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new ImagePullException($"failed to pull and unpack image \"{image}\": the registry did not answer within 3s");
            }

            var took = Go(_node.Time.GetElapsedTime(started));
            await _node.Events.NormalAsync(pod, record.Name, "Pulled", $"Successfully pulled image \"{image}\" in {took} ({took} including waiting). Image size: {pulled.Size} bytes.", ct);
            record.PullBackoff = TimeSpan.Zero;
            return record.Image = pulled;
        }
        catch (ImagePullException e) when (present is not null)
        {
            _node.UnreachableRegistries[registry] = now + TimeSpan.FromMinutes(1);
            // Offline machines (and kind-style loaded images) are the common case here: a copy on
            // the node beats failing the pod, but say so.
            await _node.Events.WarningAsync(pod, record.Name, "Pulled", $"Container image \"{image}\" already present on machine; pulling it again failed: {e.Message}", ct);
            return record.Image = present;
        }
        catch (ImagePullException e)
        {
            record.PullBackoff = record.PullBackoff == TimeSpan.Zero ? ContainerRecord.InitialBackoff : TimeSpan.FromTicks(Math.Min(ContainerRecord.MaxBackoff.Ticks, record.PullBackoff.Ticks * 2));
            record.NotBefore = now + record.PullBackoff;
            record.Waiting = new WaitingState("ErrImagePull", e.Message);
            await _node.Events.WarningAsync(pod, record.Name, "Failed", $"Failed to pull image \"{image}\": {e.Message}", ct);
            await _node.Events.WarningAsync(pod, record.Name, "Failed", "Error: ErrImagePull", ct);
            return null;
        }
    }

    /// <summary>Always for `:latest` or untagged images, IfNotPresent otherwise (the API server's default).</summary>
    internal static string DefaultPullPolicy(string image)
    {
        if (image.Contains('@', StringComparison.Ordinal))
        {
            return "IfNotPresent";
        }

        var lastSlash = image.LastIndexOf('/');
        var colon = image.IndexOf(':', lastSlash + 1);
        return colon < 0 || image[(colon + 1)..] == "latest" ? "Always" : "IfNotPresent";
    }

    private List<ContainerMount> Mounts(JsonObject spec)
    {
        var mounts = new List<ContainerMount>();
        var podDirectory = _node.Paths.PodDirectory(_uid);
        var targets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var vm in spec["volumeMounts"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            var name = vm["name"]!.GetValue<string>();
            var target = vm["mountPath"]!.GetValue<string>();
            if (_volumes is null || !_volumes.TryGetValue(name, out var volume))
            {
                throw new ContainerConfigException($"cannot find volume \"{name}\" to mount into container \"{spec["name"]}\"");
            }

            var source = volume.HostPath;
            if (vm["subPath"]?.GetValue<string>() is { Length: > 0 } subPath)
            {
                if (Path.IsPathRooted(subPath) || subPath.Split('/').Contains(".."))
                {
                    throw new ContainerConfigException($"failed to prepare subPath for volumeMount \"{name}\" of container \"{spec["name"]}\": subPath must be a relative path without '..'");
                }

                source = Path.Combine(source, subPath);
                if (!File.Exists(source))
                {
                    Directory.CreateDirectory(source);
                }
            }

            mounts.Add(new ContainerMount(target, source, volume.ReadOnly || (vm["readOnly"]?.GetValue<bool>() ?? false)));
            targets.Add(target);
        }

        foreach (var (target, file) in new[] { ("/etc/hosts", "etc-hosts"), ("/etc/hostname", "etc-hostname"), ("/etc/resolv.conf", "resolv.conf") })
        {
            if (!targets.Contains(target))
            {
                mounts.Insert(0, new ContainerMount(target, Path.Combine(podDirectory, file), false));
            }
        }

        var terminationLog = spec["terminationMessagePath"]?.GetValue<string>() ?? "/dev/termination-log";
        var logFile = Path.Combine(podDirectory, "containers", $"{spec["name"]}.termination-log");
        Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
        if (!File.Exists(logFile))
        {
            File.WriteAllBytes(logFile, []);
        }

        mounts.Add(new ContainerMount(terminationLog, logFile, false));
        return mounts;
    }

    /// <summary>runAsUser/runAsGroup (container, then pod), else the image's USER (numeric or from its /etc/passwd).</summary>
    private static (long Uid, long Gid) User(JsonObject pod, JsonObject spec, string imageUser, string rootfs)
    {
        var podSecurity = pod["spec"]?["securityContext"] as JsonObject;
        var security = spec["securityContext"] as JsonObject;
        var uid = security?["runAsUser"]?.GetValue<long>() ?? podSecurity?["runAsUser"]?.GetValue<long>();
        var gid = security?["runAsGroup"]?.GetValue<long>() ?? podSecurity?["runAsGroup"]?.GetValue<long>();
        if (uid is null && imageUser.Length > 0)
        {
            var parts = imageUser.Split(':', 2);
            if (long.TryParse(parts[0], CultureInfo.InvariantCulture, out var numeric))
            {
                uid = numeric;
            }
            else
            {
                var passwd = Path.Combine(rootfs, "etc", "passwd");
                var entry = File.Exists(passwd) ? File.ReadLines(passwd).Select(l => l.Split(':')).FirstOrDefault(f => f.Length > 3 && f[0] == parts[0]) : null;
                uid = entry is null ? throw new ContainerConfigException($"unable to find user {parts[0]}: no matching entries in passwd file") : long.Parse(entry[2], CultureInfo.InvariantCulture);
                gid ??= long.Parse(entry[3], CultureInfo.InvariantCulture);
            }

            if (parts.Length > 1 && long.TryParse(parts[1], CultureInfo.InvariantCulture, out var group))
            {
                gid ??= group;
            }
        }

        return (uid ?? 0, gid ?? 0);
    }

    private void ReleaseRootfs(ContainerRecord record)
    {
        if (record.CurrentDirectory is { } directory)
        {
            // The instance is gone: its root filesystem (and writable layer) goes too, mounts
            // detached first so nothing below a mount is ever deleted.
            ContainerRootfs.Unmount(directory);
            Agent.MountSafeDelete.Remove(directory);
            record.CurrentDirectory = null;
        }
    }

    /// <summary>A duration as Go prints a millisecond-truncated time.Duration (523ms, 1.234s).</summary>
    private static string Go(TimeSpan d) =>
        d.TotalSeconds < 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)d.TotalMilliseconds}ms") : string.Create(CultureInfo.InvariantCulture, $"{Math.Round(d.TotalSeconds, 3)}s");
}
