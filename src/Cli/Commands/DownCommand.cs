using System.Diagnostics;
using Kura.Cli.Local;

namespace Kura.Cli.Commands;

/// <summary>`kura down`: stops the background server, keeping its data unless --purge.</summary>
public static class DownCommand
{
    public static async Task<int> RunAsync(KuraHome home, bool purge, CancellationToken ct)
    {
        var pid = home.RunningPid();
        if (pid is null)
        {
            Console.Error.WriteLine("kura: not running");
        }
        else
        {
            using var process = Process.GetProcessById(pid.Value);
            Console.Error.WriteLine($"kura: stopping pid {pid}");
            _ = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", pid.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) } });
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(15));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine("kura: the server did not stop within 15s; killing it");
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(ct);
            }
        }

        if (File.Exists(home.PidFile))
        {
            File.Delete(home.PidFile);
        }

        // The nodes' network namespaces and bridge go with the cluster.
        NodeNetwork.For(home.Root).TearDown(home.LoadSettings()?.Nodes ?? 16);

        if (purge && Directory.Exists(home.Root))
        {
            // Volumes may still be mounted under the nodes' directories: detach them first so the
            // delete never walks into a mount, then free the loop devices of deleted volume images.
            await ReleaseMountsAsync(home.Root);
            Directory.Delete(home.Root, recursive: true);
            Console.Error.WriteLine($"kura: deleted {home.Root}");
        }

        return 0;
    }

    private static async Task ReleaseMountsAsync(string root)
    {
        var prefix = Path.GetFullPath(root).TrimEnd('/') + "/";
        foreach (var mount in Drivers.Host.HostTools.MountsUnder(root))
        {
            await RunAsync("umount", "-l", mount);
        }

        var loops = await RunAsync("losetup", "--list", "--noheadings", "--output", "NAME,BACK-FILE");
        foreach (var line in loops.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (fields.Length == 2 && fields[1].StartsWith(prefix, StringComparison.Ordinal))
            {
                await RunAsync("losetup", "--detach", fields[0]);
            }
        }
    }

    private static async Task<string> RunAsync(string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return output;
    }
}
