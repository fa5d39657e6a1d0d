using Kura.Node.Images;
using Kura.Node.Runtime;

namespace Kura.Node.Pods;

/// <summary>A pod worker's memory of one container: the running instance, the last exit, back-offs.</summary>
internal sealed class ContainerRecord(string name, bool init)
{
    /// <summary>The kubelet's restart back-off: 10 s doubling to 5 min, reset after 10 min of running.</summary>
    public static readonly TimeSpan InitialBackoff = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan BackoffReset = TimeSpan.FromMinutes(10);

    public string Name => name;

    public bool Init => init;

    public RunningContainer? Current { get; set; }

    public string? CurrentDirectory { get; set; }

    public TerminatedState? LastTerminated { get; set; }

    public int RestartCount { get; set; }

    public bool EverStarted { get; set; }

    public WaitingState? Waiting { get; set; }

    /// <summary>When the next start may happen (restart or image pull back-off).</summary>
    public DateTimeOffset NotBefore { get; set; }

    public TimeSpan RestartBackoff { get; set; }

    public TimeSpan PullBackoff { get; set; }

    public ImageRecord? Image { get; set; }

    /// <summary>The probes of the running instance (null when it is not running).</summary>
    public ProbeRunner? Probes { get; set; }

    public CancellationTokenSource? ProbesStop { get; set; }

    /// <summary>Stops the running instance's probes.</summary>
    public void StopProbes()
    {
        ProbesStop?.Cancel();
        ProbesStop?.Dispose();
        ProbesStop = null;
        Probes = null;
    }

    public bool Succeeded => Current is null && LastTerminated is { ExitCode: 0 };

    /// <summary>Records an exit and sets when the container may start again.</summary>
    public void Exited(TerminatedState state, DateTimeOffset now)
    {
        LastTerminated = state;
        Current = null;
        if (state.FinishedAt - state.StartedAt >= BackoffReset)
        {
            RestartBackoff = TimeSpan.Zero;
        }

        // The first restart is immediate; later ones wait 10 s, 20 s, 40 s … up to 5 min.
        NotBefore = now + RestartBackoff;
        RestartBackoff = RestartBackoff == TimeSpan.Zero ? InitialBackoff : TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, RestartBackoff.Ticks * 2));
    }

    public ContainerView View(string image) => new(
        name,
        Image?.Reference ?? image,
        Image is null ? "" : $"{Image.Reference.Split(':')[0]}@{Image.Id}",
        Current is not null ? new RunningState(Current.StartedAt)
            : Waiting is not null ? Waiting
            : LastTerminated is not null ? LastTerminated
            : new WaitingState("ContainerCreating"),
        Current is not null || Waiting is not null ? LastTerminated : null,
        RestartCount,
        Current is not null && (Probes?.Ready ?? true),
        Current?.Id ?? LastTerminated?.ContainerId);
}
