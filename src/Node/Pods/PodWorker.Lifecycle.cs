using System.Text.Json.Nodes;
using Kura.Client;
using Kura.Model.Errors;

namespace Kura.Node.Pods;

internal sealed partial class PodWorker
{
    /// <summary>Writes the pod's status when it changed (merge patch on pods/status).</summary>
    private async Task ReportAsync(JsonObject pod, List<JsonObject> initSpecs, List<JsonObject> appSpecs, CancellationToken ct)
    {
        List<ContainerView> init, app;
        lock (_containers)
        {
            init = [.. initSpecs.Select(c => View(c, init: true))];
            app = [.. appSpecs.Select(c => View(c, init: false))];
        }

        var observation = new PodObservation(_volumes is not null, init, app, _node.NodeIp, _startTime);
        var status = PodStatusBuilder.Build(pod, observation, _node.Time.GetUtcNow());
        status["reason"] ??= null;
        status["message"] ??= null;
        if (_reportedStatus is not null && JsonNode.DeepEquals(_reportedStatus, status))
        {
            return;
        }

        try
        {
            await _node.Api.PatchAsync(ResourceRef.Pods, _ns, _name, new JsonObject { ["metadata"] = new JsonObject { ["uid"] = _uid }, ["status"] = status }, subresource: "status", ct: ct);
            _reportedStatus = status;
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
            // Gone or replaced: the next pass terminates this worker.
        }
    }

    private ContainerView View(JsonObject spec, bool init)
    {
        var record = Record(spec, init);
        return record.View(spec["image"]?.GetValue<string>() ?? "");
    }

    /// <summary>
    /// Stops the containers (SIGTERM, then SIGKILL when the grace period ends), tears the volumes
    /// down, and deletes the pod object for good with a uid precondition (the kubelet's final
    /// `gracePeriodSeconds: 0` delete), so a new pod of the same name is never touched.
    /// </summary>
    private async Task TerminateAsync(JsonObject? pod, CancellationToken ct)
    {
        var graceSeconds = pod?["metadata"]?["deletionGracePeriodSeconds"]?.GetValue<long>()
            ?? pod?["spec"]?["terminationGracePeriodSeconds"]?.GetValue<long>() ?? 30;
        List<ContainerRecord> running;
        lock (_containers)
        {
            foreach (var record in _containers.Values)
            {
                record.StopProbes();
            }

            running = [.. _containers.Values.Where(c => c.Current is not null)];
        }

        foreach (var record in running)
        {
            if (pod is not null)
            {
                await _node.Events.NormalAsync(pod, record.Name, "Killing", $"Stopping container {record.Name}", ct);
            }

            await _node.Runtime.SignalAsync(record.Current!.Id, "TERM");
        }

        var deadline = Task.Delay(TimeSpan.FromSeconds(Math.Max(0, graceSeconds)), _node.Time, ct);
        var exits = Task.WhenAll(running.Select(r => r.Current!.Exited));
        if (await Task.WhenAny(exits, deadline) != exits)
        {
            foreach (var record in running)
            {
                await _node.Runtime.SignalAsync(record.Current!.Id, "KILL");
            }

            await exits.WaitAsync(TimeSpan.FromSeconds(30), ct);
        }

        foreach (var record in running)
        {
            await _node.Runtime.DeleteAsync(record.Current!.Id);
        }

        lock (_containers)
        {
            foreach (var record in _containers.Values)
            {
                ReleaseRootfs(record);
            }
        }

        var podDirectory = _node.Paths.PodDirectory(_uid);
        if (_volumes is not null)
        {
            await _node.Volumes.TearDownAsync(_volumes.Values, podDirectory, p => _node.VolumeInUseByOthers(p, _uid), ct);
            _volumes = null;
        }

        // Whatever is still mounted below the pod is detached before anything is deleted, so a
        // failed unmount can never turn into deleting a volume's data.
        Agent.MountSafeDelete.Remove(podDirectory);
        var logs = Path.GetDirectoryName(_node.Paths.ContainerLogDirectory(_ns, _name, _uid, "x"))!;
        if (Directory.Exists(logs))
        {
            Directory.Delete(logs, recursive: true);
        }

        if (pod is not null && pod["metadata"]?["uid"]?.GetValue<string>() == _uid)
        {
            try
            {
                await _node.Api.DeleteAsync(ResourceRef.Pods, _ns, _name, new JsonObject
                {
                    ["gracePeriodSeconds"] = 0,
                    ["preconditions"] = new JsonObject { ["uid"] = _uid },
                }, ct);
            }
            catch (ApiException e) when (e.Code is 404 or 409)
            {
            }
        }
    }
}
