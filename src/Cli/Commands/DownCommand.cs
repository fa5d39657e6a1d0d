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

        if (purge && Directory.Exists(home.Root))
        {
            Directory.Delete(home.Root, recursive: true);
            Console.Error.WriteLine($"kura: deleted {home.Root}");
        }

        return 0;
    }
}
