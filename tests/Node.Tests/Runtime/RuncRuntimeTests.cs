using Kura.Node.Runtime;

namespace Kura.Node.Tests.Runtime;

/// <summary>Real runc with a busybox root filesystem built from Debian's busybox-static.</summary>
public sealed class RuncRuntimeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kura-runc-").FullName;
    private readonly RuncRuntime _runtime;

    public RuncRuntimeTests()
    {
        _runtime = new RuncRuntime(Path.Combine(_dir, "runc"));
    }

    internal static string BusyboxRootfs(string parent)
    {
        var rootfs = Path.Combine(parent, "rootfs");
        var bin = Path.Combine(rootfs, "bin");
        Directory.CreateDirectory(bin);
        File.Copy("/bin/busybox", Path.Combine(bin, "busybox"));
        foreach (var applet in new[] { "sh", "echo", "cat", "sleep", "ls", "id", "hostname", "true", "false" })
        {
            File.CreateSymbolicLink(Path.Combine(bin, applet), "busybox");
        }

        foreach (var d in new[] { "proc", "sys", "dev", "etc", "tmp" })
        {
            Directory.CreateDirectory(Path.Combine(rootfs, d));
        }

        return rootfs;
    }

    private ContainerLaunch Launch(string id, params string[] args)
    {
        var bundle = Path.Combine(_dir, id);
        Directory.CreateDirectory(bundle);
        return new ContainerLaunch { Id = id, BundleDirectory = bundle, RootfsPath = BusyboxRootfs(bundle), Args = args, Env = ["PATH=/bin"], Hostname = "web-0" };
    }

    [Fact]
    public async Task Start_ProcessWritesBothStreams_LogHasCriRecordsAndExitCode()
    {
        var log = Path.Combine(_dir, "logs", "0.log");
        var running = await _runtime.StartAsync(Launch("t1", "sh", "-c", "echo out; echo err >&2; hostname; exit 3"), log, CancellationToken.None);
        var exit = await running.Exited.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exit.ExitCode == 3, File.ReadAllText(Path.Combine(_dir, "t1", "runc.log")) + File.ReadAllText(log));
        Assert.Null(exit.StartError);
        var lines = File.ReadAllLines(log);
        Assert.Contains(lines, l => l.EndsWith(" stdout F out", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith(" stderr F err", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith(" stdout F web-0", StringComparison.Ordinal));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z stdout F out$", lines.First(l => l.Contains(" stdout F out", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Start_MissingExecutable_IsAStartError()
    {
        var running = await _runtime.StartAsync(Launch("t2", "/no/such/program"), Path.Combine(_dir, "logs", "t2.log"), CancellationToken.None);
        var exit = await running.Exited.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.NotNull(exit.StartError);
        Assert.Contains("/no/such/program", exit.StartError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signal_Term_StopsALongRunningContainer()
    {
        var running = await _runtime.StartAsync(Launch("t3", "sleep", "600"), Path.Combine(_dir, "logs", "t3.log"), CancellationToken.None);
        await WaitListedAsync("t3");
        await _runtime.SignalAsync("t3", "KILL");
        var exit = await running.Exited.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(137, exit.ExitCode);
        Assert.DoesNotContain("t3", await _runtime.ListAsync());
    }

    [Fact]
    public async Task KillAll_RemovesEveryContainerOfTheNode()
    {
        await _runtime.StartAsync(Launch("t4", "sleep", "600"), Path.Combine(_dir, "logs", "t4.log"), CancellationToken.None);
        await WaitListedAsync("t4");
        await _runtime.KillAllAsync();
        Assert.Empty(await _runtime.ListAsync());
    }

    private async Task WaitListedAsync(string id)
    {
        for (var i = 0; i < 100 && !(await _runtime.ListAsync()).Contains(id); i++)
        {
            await Task.Delay(50);
        }
    }

    public void Dispose()
    {
        _runtime.KillAllAsync().GetAwaiter().GetResult();
        Directory.Delete(_dir, recursive: true);
    }
}
