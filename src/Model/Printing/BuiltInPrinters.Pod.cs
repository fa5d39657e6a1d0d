using System.Text.Json.Nodes;
using static Kura.Model.Printing.ColumnPrinter;

namespace Kura.Model.Printing;

public static partial class BuiltInPrinters
{
    private static ColumnPrinter Pod() => new(
        [
            Name(),
            Text("Ready", "The aggregate readiness state of this pod for accepting traffic."),
            Text("Status", "The aggregate status of the containers in this pod."),
            Text("Restarts", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
            Age(),
            Text("IP", "IP address allocated to the pod.", 1),
            Text("Node", "Name of the node where the pod is running.", 1),
            Text("Nominated Node", "Name of the node where the pod may be scheduled.", 1),
            Text("Readiness Gates", "Pod readiness gates.", 1),
        ],
        PodRow);

    /// <summary>printPod: the STATUS reason rules (init containers, waiting/terminated reasons, Terminating).</summary>
    private static object?[] PodRow(JsonObject o, DateTimeOffset now)
    {
        var statuses = (o["status"]?["containerStatuses"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        var initStatuses = (o["status"]?["initContainerStatuses"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        var total = (o["spec"]?["containers"] as JsonArray)?.Count ?? 0;
        var ready = statuses.Count(s => Bool(s, "ready") == true);
        long restarts = statuses.Sum(s => Int(s, "restartCount"));
        DateTimeOffset? lastRestart = null;
        var reason = Str(o, "status", "reason") ?? Str(o, "status", "phase") ?? "";

        var initializing = false;
        var initCount = (o["spec"]?["initContainers"] as JsonArray)?.Count ?? 0;
        for (var i = 0; i < initStatuses.Count; i++)
        {
            var s = initStatuses[i];
            restarts += Int(s, "restartCount");
            if (Str(s, "state", "terminated", "reason") is not null && Int(s, "state", "terminated", "exitCode") == 0)
            {
                continue;
            }

            if (s["state"]?["terminated"] is JsonObject t)
            {
                reason = "Init:" + (Str(t, "reason") is { Length: > 0 } r ? r : Int(t, "signal") != 0 ? $"Signal:{Int(t, "signal")}" : $"ExitCode:{Int(t, "exitCode")}");
            }
            else if (Str(s, "state", "waiting", "reason") is { Length: > 0 } w && w != "PodInitializing")
            {
                reason = "Init:" + w;
            }
            else
            {
                reason = $"Init:{i}/{initCount}";
            }

            initializing = true;
            break;
        }

        if (!initializing)
        {
            var hasRunning = false;
            foreach (var s in statuses.AsEnumerable().Reverse())
            {
                if (Str(s, "lastState", "terminated", "finishedAt") is { } finished && Meta.Obj.ParseTime(finished) is { } f && (lastRestart is null || f > lastRestart))
                {
                    lastRestart = f;
                }

                if (Str(s, "state", "waiting", "reason") is { Length: > 0 } waiting)
                {
                    reason = waiting;
                }
                else if (s["state"]?["terminated"] is JsonObject t)
                {
                    reason = Str(t, "reason") is { Length: > 0 } r ? r : Int(t, "signal") != 0 ? $"Signal:{Int(t, "signal")}" : $"ExitCode:{Int(t, "exitCode")}";
                }
                else if (Bool(s, "ready") == true && s["state"]?["running"] is not null)
                {
                    hasRunning = true;
                }
            }

            if (reason == "Completed" && hasRunning)
            {
                reason = "Running";
            }
        }

        if (o["metadata"]?["deletionTimestamp"] is not null)
        {
            reason = Str(o, "status", "reason") == "NodeLost" ? "Unknown" : "Terminating";
        }

        var restartText = restarts.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (lastRestart is { } lr)
        {
            restartText += $" ({HumanDuration.Format(now - lr)} ago)";
        }

        var gates = o["spec"]?["readinessGates"] is JsonArray g && g.Count > 0 ? $"0/{g.Count}" : "<none>";
        return
        [
            NameOf(o), $"{ready}/{total}", reason, restartText, AgeOf(o, now),
            Str(o, "status", "podIP") ?? "<none>", Str(o, "spec", "nodeName") is { Length: > 0 } n ? n : "<none>",
            Str(o, "status", "nominatedNodeName") is { Length: > 0 } nn ? nn : "<none>", gates,
        ];
    }
}
