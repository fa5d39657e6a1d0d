using System.Globalization;
using System.Text.Json.Nodes;

namespace Kura.Controllers.Workloads;

/// <summary>
/// Deployment rollout arithmetic (pkg/controller/deployment/util): maxSurge rounds up and
/// maxUnavailable rounds down against the desired replicas, and both may not be zero.
/// </summary>
public static class RollingUpdate
{
    public static (int MaxSurge, int MaxUnavailable) Limits(JsonObject? rollingUpdate, int desired)
    {
        var surge = Resolve(rollingUpdate?["maxSurge"], desired, roundUp: true, "25%");
        var unavailable = Resolve(rollingUpdate?["maxUnavailable"], desired, roundUp: false, "25%");
        if (surge == 0 && unavailable == 0)
        {
            unavailable = 1;
        }

        return (surge, unavailable);
    }

    /// <summary>How many replicas the new ReplicaSet may have now (NewRSNewReplicas).</summary>
    public static int NewReplicas(int desired, int maxSurge, int newReplicas, int totalReplicas)
    {
        if (newReplicas >= desired)
        {
            return desired;
        }

        var room = desired + maxSurge - totalReplicas;
        return room <= 0 ? newReplicas : Math.Min(newReplicas + room, desired);
    }

    /// <summary>How many old replicas may go now without dropping below the minimum available.</summary>
    public static int OldScaleDown(int desired, int maxUnavailable, int totalAvailable) =>
        Math.Max(0, totalAvailable - (desired - maxUnavailable));

    private static int Resolve(JsonNode? value, int desired, bool roundUp, string fallback)
    {
        var text = value?.ToString() ?? fallback;
        if (text.EndsWith('%'))
        {
            var percent = double.Parse(text[..^1], CultureInfo.InvariantCulture);
            var exact = desired * percent / 100;
            return (int)(roundUp ? Math.Ceiling(exact) : Math.Floor(exact));
        }

        return int.Parse(text, CultureInfo.InvariantCulture);
    }
}
