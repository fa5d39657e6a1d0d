using Kura.Cli.Local;

namespace Kura.Cli.Commands;

/// <summary>`kura status`: whether the control plane runs and answers /readyz.</summary>
public static class StatusCommand
{
    public static async Task<int> RunAsync(KuraHome home, CancellationToken ct)
    {
        var settings = home.LoadSettings();
        var pid = home.RunningPid();
        if (pid is null || settings is null)
        {
            Console.WriteLine("kura: stopped");
            return 3;
        }

        var ready = await UpCommand.IsReadyAsync(home, settings, ct);
        Console.WriteLine($"kura: {(ready ? "running" : "starting")} (pid {pid}) at {settings.Url}");
        Console.WriteLine($"  data:  {home.Root}");
        Console.WriteLine($"  log:   {home.LogFile}");
        return ready ? 0 : 1;
    }
}
