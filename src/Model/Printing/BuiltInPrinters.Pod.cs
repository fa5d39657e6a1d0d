using System.Text.Json.Nodes;
using static Kura.Model.Printing.ColumnPrinter;

namespace Kura.Model.Printing;

/// <summary>
/// Pods: printers.go printPod, including the STATUS reason rules (SchedulingGated, Init:x/y,
/// Init:&lt;reason&gt;, container waiting/terminated reasons, Completed→Running/NotReady,
/// Terminating, NodeLost→Unknown), sidecar (restartable init) containers and RESTARTS "n (age ago)".
/// </summary>
public static partial class BuiltInPrinters
{
    private static ColumnPrinter Pod() => new(
        [
            Name(),
            Text("Ready", "Ready containers out of all containers."),
            Text("Status", "Summary of the pod's phase and container states."),
            Text("Restarts", "Container restarts, and how long ago the last one was."),
            Age(),
            Text("IP", "Pod IP address.", 1),
            Text("Node", "Node the pod is bound to.", 1),
            Text("Nominated Node", "Node the scheduler nominated for preemption.", 1),
            Text("Readiness Gates", "Readiness gates whose condition is True, out of all gates.", 1),
        ],
        PodRow,
        PodConditions);

    private static object?[] PodRow(JsonObject pod, DateTimeOffset now)
    {
        var spec = pod["spec"];
        var status = pod["status"];
        var phase = S(status, "phase");
        var reason = S(status, "reason") is { Length: > 0 } r ? r : phase;
        if (Objects(status, "conditions").Any(c => S(c, "type") == "PodScheduled" && S(c, "reason") == "SchedulingGated"))
        {
            reason = "SchedulingGated";
        }

        var total = (long)Array(spec, "containers").Count;
        long ready = 0;
        long restarts = 0;
        long sidecarRestarts = 0;
        DateTimeOffset? lastRestart = null;
        DateTimeOffset? lastSidecarRestart = null;

        // Restartable init containers (restartPolicy: Always) are sidecars and count as containers.
        var sidecars = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in Objects(spec, "initContainers"))
        {
            if (S(c, "restartPolicy") == "Always")
            {
                sidecars.Add(S(c, "name"));
                total++;
            }
        }

        var initCount = Array(spec, "initContainers").Count;
        var initializing = false;
        var i = 0;
        foreach (var c in Objects(status, "initContainerStatuses"))
        {
            var sidecar = sidecars.Contains(S(c, "name"));
            restarts += Int(c, "restartCount");
            lastRestart = Later(lastRestart, c);
            if (sidecar)
            {
                sidecarRestarts += Int(c, "restartCount");
                lastSidecarRestart = Later(lastSidecarRestart, c);
            }

            var terminated = c["state"]?["terminated"] as JsonObject;
            var waitingReason = S(c, "state", "waiting", "reason");
            if (terminated is not null && Int(terminated, "exitCode") == 0)
            {
                i++;
                continue;
            }

            if (sidecar && Bool(c, "started") == true)
            {
                ready += Bool(c, "ready") == true ? 1 : 0;
                i++;
                continue;
            }

            reason = terminated is not null ? "Init:" + TerminatedReason(terminated)
                : c["state"]?["waiting"] is JsonObject && waitingReason.Length > 0 && waitingReason != "PodInitializing" ? "Init:" + waitingReason
                : $"Init:{i}/{initCount}";
            initializing = true;
            break;
        }

        if (!initializing || InitializedConditionTrue(status))
        {
            restarts = sidecarRestarts;
            lastRestart = lastSidecarRestart;
            var hasRunning = false;
            foreach (var c in Objects(status, "containerStatuses").Reverse())
            {
                restarts += Int(c, "restartCount");
                lastRestart = Later(lastRestart, c);
                var terminated = c["state"]?["terminated"] as JsonObject;
                if (S(c, "state", "waiting", "reason") is { Length: > 0 } waiting)
                {
                    reason = waiting;
                }
                else if (terminated is not null)
                {
                    reason = TerminatedReason(terminated);
                }
                else if (Bool(c, "ready") == true && c["state"]?["running"] is JsonObject)
                {
                    hasRunning = true;
                    ready++;
                }
            }

            if (reason == "Completed" && hasRunning)
            {
                reason = Objects(status, "conditions").Any(c => S(c, "type") == "Ready" && S(c, "status") == "True") ? "Running" : "NotReady";
            }
        }

        if (Has(pod, "metadata", "deletionTimestamp"))
        {
            if (S(status, "reason") == "NodeLost")
            {
                reason = "Unknown";
            }
            else if (phase is not ("Succeeded" or "Failed"))
            {
                reason = "Terminating";
            }
        }

        var restartText = Itoa(restarts);
        if (restarts != 0 && lastRestart is { } last)
        {
            restartText = $"{restartText} ({HumanDuration.Since(last, now)} ago)";
        }

        var ip = S(status, "podIP") is { Length: > 0 } podIp ? podIp : Objects(status, "podIPs").Select(p => S(p, "ip")).FirstOrDefault() ?? "";
        return
        [
            NameOf(pod), $"{ready}/{total}", reason, restartText, AgeOf(pod, now),
            OrNone(ip), OrNone(S(spec, "nodeName")), OrNone(S(status, "nominatedNodeName")), ReadinessGates(spec, status),
        ];
    }

    /// <summary>Table row conditions printPod sets for finished pods.</summary>
    private static JsonArray? PodConditions(JsonObject pod) => S(pod, "status", "phase") switch
    {
        "Succeeded" => [new JsonObject { ["type"] = "Completed", ["status"] = "True", ["reason"] = "Succeeded", ["message"] = "The pod has completed successfully." }],
        "Failed" => [new JsonObject { ["type"] = "Completed", ["status"] = "True", ["reason"] = "Failed", ["message"] = "The pod failed." }],
        _ => null,
    };

    private static string TerminatedReason(JsonObject terminated) =>
        S(terminated, "reason") is { Length: > 0 } r ? r
        : Int(terminated, "signal") != 0 ? $"Signal:{Int(terminated, "signal")}"
        : $"ExitCode:{Int(terminated, "exitCode")}";

    /// <summary>The later of a running maximum and a status's lastState.terminated.finishedAt.</summary>
    private static DateTimeOffset? Later(DateTimeOffset? current, JsonObject containerStatus) =>
        HumanDuration.ParseNonZero(Str(containerStatus, "lastState", "terminated", "finishedAt")) is { } finished && (current is null || current < finished) ? finished : current;

    /// <summary>isPodInitializedConditionTrue: the first Initialized condition decides.</summary>
    private static bool InitializedConditionTrue(JsonNode? status) =>
        Objects(status, "conditions").FirstOrDefault(c => S(c, "type") == "Initialized") is { } c && S(c, "status") == "True";

    private static string ReadinessGates(JsonNode? spec, JsonNode? status)
    {
        var gates = Objects(spec, "readinessGates").ToList();
        if (gates.Count == 0)
        {
            return "<none>";
        }

        var conditions = Objects(status, "conditions").ToList();
        var passing = gates.Count(g => conditions.FirstOrDefault(c => S(c, "type") == S(g, "conditionType")) is { } c && S(c, "status") == "True");
        return $"{passing}/{gates.Count}";
    }

    private static string OrNone(string value) => value.Length == 0 ? "<none>" : value;
}
