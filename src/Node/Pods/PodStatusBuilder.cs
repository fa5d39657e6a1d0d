using System.Globalization;
using System.Text.Json.Nodes;
using Kura.Model.Meta;

namespace Kura.Node.Pods;

/// <summary>What the node observed about a pod, from which its status is computed.</summary>
public sealed record PodObservation(
    bool SandboxReady,
    IReadOnlyList<ContainerView> InitContainers,
    IReadOnlyList<ContainerView> Containers,
    string HostIp,
    DateTimeOffset StartTime,
    string? Reason = null,
    string? Message = null);

/// <summary>
/// Computes a pod's status the way the kubelet does (pkg/kubelet/kubelet_pods.go getPhase and
/// generateAPIPodStatus; pkg/kubelet/status generate.go for the conditions). Pure: the caller
/// supplies the previous status so unchanged conditions keep their transition times.
/// </summary>
public static class PodStatusBuilder
{
    public static string Phase(string restartPolicy, IReadOnlyList<ContainerView> init, IReadOnlyList<ContainerView> containers)
    {
        // An init container that failed for good fails the pod; one still to finish keeps it Pending.
        foreach (var c in init)
        {
            if (c.State is TerminatedState { ExitCode: not 0 } && restartPolicy == "Never")
            {
                return "Failed";
            }
        }

        if (init.Any(c => c.State is not TerminatedState { ExitCode: 0 }))
        {
            return "Pending";
        }

        int running = 0, waiting = 0, stopped = 0, succeeded = 0;
        foreach (var c in containers)
        {
            switch (c.State)
            {
                case RunningState:
                    running++;
                    break;
                case TerminatedState t:
                    stopped++;
                    if (t.ExitCode == 0)
                    {
                        succeeded++;
                    }

                    break;
                case WaitingState:
                    if (c.LastTerminated is not null)
                    {
                        stopped++;
                    }
                    else
                    {
                        waiting++;
                    }

                    break;
            }
        }

        if (waiting > 0)
        {
            return "Pending";
        }

        if (running > 0)
        {
            return "Running";
        }

        if (stopped > 0)
        {
            return restartPolicy switch
            {
                "Always" => "Running",
                "OnFailure" => stopped == succeeded ? "Succeeded" : "Running",
                _ => stopped == succeeded ? "Succeeded" : "Failed",
            };
        }

        return "Pending";
    }

    public static JsonObject Build(JsonObject pod, PodObservation seen, DateTimeOffset now)
    {
        var previous = pod["status"] as JsonObject ?? [];
        var restartPolicy = pod["spec"]?["restartPolicy"]?.GetValue<string>() ?? "Always";
        var phase = Phase(restartPolicy, seen.InitContainers, seen.Containers);
        var initDone = seen.InitContainers.All(c => c.State is TerminatedState { ExitCode: 0 });
        var unready = seen.Containers.Where(c => !c.Ready).Select(c => c.Name).ToList();
        var incompleteInit = seen.InitContainers.Where(c => c.State is not TerminatedState { ExitCode: 0 }).Select(c => c.Name).ToList();

        var conditions = new List<(string Type, bool IsTrue, string? Reason, string? Message)>
        {
            ("PodReadyToStartContainers", seen.SandboxReady, null, null),
            ("Initialized", initDone, initDone ? null : "ContainersNotInitialized", initDone ? null : $"containers with incomplete status: [{string.Join(' ', incompleteInit)}]"),
        };
        if (phase is "Succeeded" or "Failed")
        {
            conditions.Add(("Ready", false, "PodCompleted", null));
            conditions.Add(("ContainersReady", false, "PodCompleted", null));
        }
        else
        {
            var ready = unready.Count == 0 && seen.Containers.Count > 0;
            var message = ready ? null : $"containers with unready status: [{string.Join(' ', unready)}]";
            conditions.Add(("Ready", ready, ready ? null : "ContainersNotReady", message));
            conditions.Add(("ContainersReady", ready, ready ? null : "ContainersNotReady", message));
        }

        var conditionArray = new JsonArray();
        foreach (var (type, isTrue, reason, message) in conditions)
        {
            var old = (previous["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == type);
            var statusText = isTrue ? "True" : "False";
            var since = old is not null && old["status"]?.GetValue<string>() == statusText && old["lastTransitionTime"] is { } t
                ? t.GetValue<string>()
                : Obj.Rfc3339(now);
            var condition = new JsonObject { ["type"] = type, ["status"] = statusText, ["lastProbeTime"] = null, ["lastTransitionTime"] = since };
            if (reason is not null)
            {
                condition["reason"] = reason;
            }

            if (message is not null)
            {
                condition["message"] = message;
            }

            conditionArray.Add(condition);
        }

        // The scheduler's condition stays as it wrote it.
        if ((previous["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == "PodScheduled") is { } scheduled)
        {
            conditionArray.Add(scheduled.DeepClone());
        }

        var status = new JsonObject
        {
            ["phase"] = phase,
            ["conditions"] = conditionArray,
            ["hostIP"] = seen.HostIp,
            ["hostIPs"] = new JsonArray(new JsonObject { ["ip"] = seen.HostIp }),
            ["podIP"] = seen.HostIp,
            ["podIPs"] = new JsonArray(new JsonObject { ["ip"] = seen.HostIp }),
            ["startTime"] = previous["startTime"]?.DeepClone() ?? Obj.Rfc3339(seen.StartTime),
            ["containerStatuses"] = Statuses(seen.Containers),
            ["qosClass"] = previous["qosClass"]?.DeepClone() ?? "BestEffort",
        };
        if (seen.InitContainers.Count > 0)
        {
            status["initContainerStatuses"] = Statuses(seen.InitContainers);
        }

        if (seen.Reason is not null)
        {
            status["reason"] = seen.Reason;
            status["message"] = seen.Message;
        }

        return status;
    }

    private static JsonArray Statuses(IReadOnlyList<ContainerView> containers)
    {
        var array = new JsonArray();
        foreach (var c in containers)
        {
            var entry = new JsonObject
            {
                ["name"] = c.Name,
                ["state"] = State(c.State),
                ["lastState"] = c.LastTerminated is null ? new JsonObject() : State(c.LastTerminated),
                ["ready"] = c.Ready,
                ["restartCount"] = c.RestartCount,
                ["image"] = c.Image,
                ["imageID"] = c.ImageId,
                ["started"] = c.State is RunningState,
            };
            if (c.ContainerId is not null)
            {
                entry["containerID"] = "runc://" + c.ContainerId;
            }

            array.Add(entry);
        }

        return array;
    }

    private static JsonObject State(ContainerStateView state) => state switch
    {
        WaitingState w => new JsonObject { ["waiting"] = Without(new JsonObject { ["reason"] = w.Reason, ["message"] = w.Message }) },
        RunningState r => new JsonObject { ["running"] = new JsonObject { ["startedAt"] = Obj.Rfc3339(r.StartedAt) } },
        TerminatedState t => new JsonObject
        {
            ["terminated"] = Without(new JsonObject
            {
                ["exitCode"] = t.ExitCode,
                ["reason"] = t.Reason,
                ["message"] = t.Message,
                ["startedAt"] = Obj.Rfc3339(t.StartedAt),
                ["finishedAt"] = Obj.Rfc3339(t.FinishedAt),
                ["containerID"] = t.ContainerId is null ? null : "runc://" + t.ContainerId,
            }),
        },
        _ => [],
    };

    private static JsonObject Without(JsonObject o)
    {
        foreach (var key in o.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            o.Remove(key);
        }

        return o;
    }

    /// <summary>`back-off 10s restarting failed container=app pod=app-0_default(uid)` (kubelet's CrashLoopBackOff text).</summary>
    public static string CrashLoopMessage(TimeSpan backoff, string container, JsonObject pod) =>
        string.Create(CultureInfo.InvariantCulture, $"back-off {Go(backoff)} restarting failed container={container} pod={pod["metadata"]!["name"]}_{pod["metadata"]!["namespace"]}({pod["metadata"]!["uid"]})");

    /// <summary>A duration as Go's time.Duration prints it (10s, 1m20s, 5m0s).</summary>
    public static string Go(TimeSpan d) =>
        d.TotalMinutes >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)d.TotalMinutes}m{d.Seconds}s") : string.Create(CultureInfo.InvariantCulture, $"{(int)d.TotalSeconds}s");
}
