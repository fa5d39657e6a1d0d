using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Kura.Node.Runtime;

/// <summary>How a container instance ended.</summary>
/// <param name="ExitCode">The process's exit status (128 + signal when killed by one).</param>
/// <param name="StartError">Set when runc could not start the process at all (bad command, bad mount).</param>
public sealed record ContainerExit(int ExitCode, string? StartError, DateTimeOffset FinishedAt);

/// <summary>A container instance started by <see cref="RuncRuntime"/>.</summary>
public sealed class RunningContainer(string id, DateTimeOffset startedAt, Task<ContainerExit> exited)
{
    public string Id => id;

    public DateTimeOffset StartedAt => startedAt;

    /// <summary>Completes when the container's process has ended.</summary>
    public Task<ContainerExit> Exited => exited;
}

/// <summary>
/// Runs containers with runc (`runc run` in the foreground, one child per container, so the exit
/// status arrives without polling and stdout/stderr flow through pipes into the CRI log file).
/// Each node has its own runc state root, so `kura node stop` can kill exactly its containers.
/// </summary>
public sealed class RuncRuntime(string runcRoot, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public string Root => runcRoot;

    /// <summary>Writes the bundle and starts the container; the log file receives its output.</summary>
    public async Task<RunningContainer> StartAsync(ContainerLaunch launch, string logPath, CancellationToken ct)
    {
        Directory.CreateDirectory(launch.BundleDirectory);
        await File.WriteAllTextAsync(Path.Combine(launch.BundleDirectory, "config.json"), OciSpecBuilder.Build(launch).ToJsonString(), ct);
        var runcLog = Path.Combine(launch.BundleDirectory, "runc.log");
        File.Delete(runcLog);

        var psi = new ProcessStartInfo("runc")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])["--root", runcRoot, "--log", runcLog, "--log-format", "json", "run", "--bundle", launch.BundleDirectory, launch.Id])
        {
            psi.ArgumentList.Add(a);
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start runc");
        var startedAt = _time.GetUtcNow();
        process.StandardInput.Close();
        var log = new CriLogWriter(logPath, _time);
        var stdout = log.PumpAsync(process.StandardOutput.BaseStream, "stdout");
        var stderr = log.PumpAsync(process.StandardError.BaseStream, "stderr");
        var exited = WaitAsync(process, log, stdout, stderr, runcLog);
        return new RunningContainer(launch.Id, startedAt, exited);
    }

    private async Task<ContainerExit> WaitAsync(Process process, CriLogWriter log, Task stdout, Task stderr, string runcLog)
    {
        using (process)
        using (log)
        {
            await process.WaitForExitAsync();
            await Task.WhenAll(stdout, stderr);
            var finishedAt = _time.GetUtcNow();
            return new ContainerExit(process.ExitCode, StartErrorFrom(runcLog), finishedAt);
        }
    }

    /// <summary>runc's own error ("runc run failed: …") tells a start failure from a process exit.</summary>
    private static string? StartErrorFrom(string runcLog)
    {
        if (!File.Exists(runcLog))
        {
            return null;
        }

        foreach (var line in File.ReadLines(runcLog).Reverse())
        {
            try
            {
                if (JsonNode.Parse(line) is JsonObject entry && entry["level"]?.GetValue<string>() == "error" && entry["msg"]?.GetValue<string>() is { } msg)
                {
                    const string prefix = "runc run failed: ";
                    return msg.StartsWith(prefix, StringComparison.Ordinal) ? msg[prefix.Length..] : msg;
                }
            }
            catch (JsonException)
            {
            }
        }

        return null;
    }

    /// <summary>
    /// Runs a command inside a running container (probes); the output is combined stdout and
    /// stderr. A timeout kills the command and reports exit code -1.
    /// </summary>
    public async Task<(int ExitCode, string Output)> ExecAsync(string id, IReadOnlyList<string> command, TimeSpan timeout, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("runc") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])["--root", runcRoot, "exec", id, .. command])
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start runc");
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"command timed out after {timeout.TotalSeconds:0}s");
        }

        return (process.ExitCode, (await output) + (await error));
    }

    /// <summary>Sends a signal to the container's init process (ignored when it is already gone).</summary>
    public Task SignalAsync(string id, string signal) => RuncAsync(["kill", id, signal], ignoreFailure: true);

    /// <summary>Removes what is left of a container (its state; the process must be gone or is killed).</summary>
    public Task DeleteAsync(string id) => RuncAsync(["delete", "--force", id], ignoreFailure: true);

    /// <summary>The ids of all containers in this node's runc root.</summary>
    public async Task<IReadOnlyList<string>> ListAsync()
    {
        var output = await RuncAsync(["list", "--quiet"], ignoreFailure: true);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>Kills and deletes every container of this node (a node restart, or `kura node stop`).</summary>
    public async Task KillAllAsync()
    {
        foreach (var id in await ListAsync())
        {
            await SignalAsync(id, "KILL");
            await DeleteAsync(id);
        }
    }

    private async Task<string> RuncAsync(string[] args, bool ignoreFailure)
    {
        var psi = new ProcessStartInfo("runc") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("--root");
        psi.ArgumentList.Add(runcRoot);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start runc");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 && !ignoreFailure)
        {
            throw new InvalidOperationException($"runc {string.Join(' ', args)}: {(await error).Trim()}");
        }

        return await output;
    }
}
