using System.Text.Json.Nodes;
using System.Threading.Channels;
using Kura.Client;
using Kura.Model.Errors;
using Kura.Node.Agent;
using Kura.Node.Runtime;
using Kura.Node.Volumes;

namespace Kura.Node.Pods;

/// <summary>
/// Runs one pod on this node (the kubelet's pod worker): sets up its volumes, runs init
/// containers in order and then the containers, restarts them as restartPolicy says with the
/// kubelet's back-off, reports status and events, and on deletion stops the containers within the
/// grace period, tears the volumes down and removes the pod object for good.
/// </summary>
internal sealed partial class PodWorker
{
    private static readonly TimeSpan ResyncPeriod = TimeSpan.FromSeconds(10);
    private readonly NodeContext _node;
    private readonly string _ns;
    private readonly string _name;
    private readonly string _uid;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Dictionary<string, ContainerRecord> _containers = new(StringComparer.Ordinal);
    private readonly DateTimeOffset _startTime;
    private IReadOnlyDictionary<string, PodVolume>? _volumes;
    private TimeSpan _volumeBackoff = TimeSpan.FromSeconds(1);
    private DateTimeOffset _volumesNotBefore;
    private DateTimeOffset _volumesRefreshed;
    private string? _volumeError;
    private JsonObject? _reportedStatus;
    private readonly JsonObject? _statusAtStart;

    public PodWorker(NodeContext node, JsonObject pod)
    {
        _node = node;
        _ns = pod["metadata"]!["namespace"]!.GetValue<string>();
        _name = pod["metadata"]!["name"]!.GetValue<string>();
        _uid = pod["metadata"]!["uid"]!.GetValue<string>();
        _startTime = node.Time.GetUtcNow();
        _statusAtStart = pod["status"]?.DeepClone() as JsonObject;
    }

    public string Uid => _uid;

    public string Namespace => _ns;

    public string Name => _name;

    /// <summary>The CSI volumes this pod has published on the node.</summary>
    public IEnumerable<CsiPublication> Publications => _volumes?.Values.Select(v => v.Csi).OfType<CsiPublication>() ?? [];

    public void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>What the streaming server needs to find a container of this pod.</summary>
    public ContainerHandle? Handle(string container)
    {
        lock (_containers)
        {
            if (!_containers.TryGetValue(container, out var record))
            {
                return null;
            }

            return new ContainerHandle(_uid, container, record.Current?.Id ?? record.LastTerminated?.ContainerId, _node.Paths.RuncRoot,
                _node.Paths.ContainerLogDirectory(_ns, _name, _uid, container), record.RestartCount, record.Current is not null);
        }
    }

    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var pod = _node.GetPod(_ns, _name);
            if (pod is null || pod["metadata"]?["uid"]?.GetValue<string>() != _uid || pod["metadata"]?["deletionTimestamp"] is not null)
            {
                await TerminateWithRetriesAsync(ct);
                return;
            }

            TimeSpan wait;
            try
            {
                wait = await SyncAsync(pod, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // Anything unexpected (an unreachable driver, a failed mount) is retried: a pod
                // worker never gives up on its pod.
                Console.Error.WriteLine($"kura-node {_node.NodeName}: pod {_ns}/{_name}: {e.Message}");
                wait = TimeSpan.FromSeconds(2);
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(wait);
            try
            {
                await _wake.Reader.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
            }
        }
    }

    /// <summary>One pass: harvest exits, set up volumes, start what should run, report status.</summary>
    private async Task<TimeSpan> SyncAsync(JsonObject pod, CancellationToken ct)
    {
        var now = _node.Time.GetUtcNow();
        var spec = pod["spec"]!.AsObject();
        var restartPolicy = spec["restartPolicy"]?.GetValue<string>() ?? "Always";
        var initSpecs = spec["initContainers"]?.AsArray().OfType<JsonObject>().ToList() ?? [];
        var appSpecs = spec["containers"]?.AsArray().OfType<JsonObject>().ToList() ?? [];
        foreach (var c in initSpecs)
        {
            Record(c, init: true);
        }

        foreach (var c in appSpecs)
        {
            Record(c, init: false);
        }

        HarvestExits(now);
        var next = ResyncPeriod;
        if (await EnsureVolumesAsync(pod, now, ct) is { } retry)
        {
            await ReportAsync(pod, initSpecs, appSpecs, ct);
            return retry;
        }

        var initDone = true;
        foreach (var c in initSpecs)
        {
            var record = Record(c, init: true);
            if (record.Succeeded)
            {
                continue;
            }

            initDone = false;
            if (record.Current is null && (record.LastTerminated is null || restartPolicy != "Never"))
            {
                next = Min(next, await StartIfDueAsync(pod, c, record, now, ct));
            }

            break;
        }

        if (initDone)
        {
            foreach (var c in appSpecs)
            {
                var record = Record(c, init: false);
                if (record.Current is not null)
                {
                    continue;
                }

                var exit = record.LastTerminated;
                var restart = exit is null || restartPolicy == "Always" || (restartPolicy == "OnFailure" && exit.ExitCode != 0);
                if (restart)
                {
                    next = Min(next, await StartIfDueAsync(pod, c, record, now, ct));
                }
            }
        }

        await ReportAsync(pod, initSpecs, appSpecs, ct);
        return next;
    }

    private ContainerRecord Record(JsonObject container, bool init)
    {
        var name = container["name"]!.GetValue<string>();
        lock (_containers)
        {
            if (!_containers.TryGetValue(name, out var record))
            {
                _containers[name] = record = new ContainerRecord(name, init);

                // After a node restart the count goes on from what the pod status last said.
                var previous = (_statusAtStart?[init ? "initContainerStatuses" : "containerStatuses"] as JsonArray)?.OfType<JsonObject>()
                    .FirstOrDefault(s => s["name"]?.GetValue<string>() == name);
                if (previous?["containerID"] is not null)
                {
                    record.RestartCount = (int)(previous["restartCount"]?.GetValue<long>() ?? 0);
                    record.EverStarted = true;
                }
            }

            return record;
        }
    }

    private void HarvestExits(DateTimeOffset now)
    {
        List<ContainerRecord> records;
        lock (_containers)
        {
            records = [.. _containers.Values];
        }

        foreach (var record in records)
        {
            if (record.Current is { Exited.IsCompleted: true } running)
            {
                var exit = running.Exited.Result;
                var state = exit.StartError is { } error
                    ? new TerminatedState(128, "StartError", error, running.StartedAt, exit.FinishedAt, running.Id)
                    : new TerminatedState(exit.ExitCode, exit.ExitCode == 0 ? "Completed" : "Error", null, running.StartedAt, exit.FinishedAt, running.Id);
                lock (_containers)
                {
                    record.StopProbes();
                    record.Exited(state, now);
                }

                ReleaseRootfs(record);
            }
        }
    }

    /// <summary>Null when the volumes are ready; otherwise how long until the next attempt.</summary>
    private async Task<TimeSpan?> EnsureVolumesAsync(JsonObject pod, DateTimeOffset now, CancellationToken ct)
    {
        var podDirectory = _node.Paths.PodDirectory(_uid);
        if (_volumes is not null)
        {
            if (now - _volumesRefreshed > TimeSpan.FromSeconds(30))
            {
                _volumesRefreshed = now;
                await _node.Volumes.RefreshAsync(pod, podDirectory, ct);
            }

            return null;
        }

        if (now < _volumesNotBefore)
        {
            return _volumesNotBefore - now;
        }

        try
        {
            Directory.CreateDirectory(podDirectory);
            PodFiles.Write(pod, podDirectory, _node.NodeIp);
            _volumes = await _node.Volumes.SetUpAsync(pod, podDirectory, ct);
            _volumesRefreshed = now;
            _volumeError = null;
            return null;
        }
        catch (VolumeSetupFailedException e)
        {
            _volumeError = e.Message;
            await _node.Events.WarningAsync(pod, null, "FailedMount", e.Message, ct);
            _volumesNotBefore = now + _volumeBackoff;
            var wait = _volumeBackoff;
            _volumeBackoff = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(30).Ticks, _volumeBackoff.Ticks * 2));
            return wait;
        }
    }

    /// <summary>Termination must finish (the pod object waits for it), so failures are retried.</summary>
    private async Task TerminateWithRetriesAsync(CancellationToken ct)
    {
        while (true)
        {
            var pod = _node.GetPod(_ns, _name);
            try
            {
                await TerminateAsync(pod?["metadata"]?["uid"]?.GetValue<string>() == _uid ? pod : null, ct);
                return;
            }
            catch (Exception e) when (!ct.IsCancellationRequested && e is not OperationCanceledException)
            {
                Console.Error.WriteLine($"kura-node {_node.NodeName}: stopping pod {_ns}/{_name}: {e.Message}; retrying");
                await Task.Delay(TimeSpan.FromSeconds(2), _node.Time, ct);
            }
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
