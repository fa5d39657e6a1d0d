using System.Globalization;
using System.Text.Json.Nodes;

namespace Kura.Controllers.Workloads;

/// <summary>
/// Deployment rollout arithmetic (deploymentutil.ResolveFenceposts and
/// intstr.GetScaledValueFromIntOrPercent): maxSurge rounds up and maxUnavailable rounds down
/// against the desired replicas; when both resolve to zero, maxUnavailable becomes 1.
/// </summary>
public static class RollingUpdate
{
    public static (int MaxSurge, int MaxUnavailable) Limits(JsonObject? rollingUpdate, int desired)
    {
        var surge = Resolve(rollingUpdate?["maxSurge"], desired, roundUp: true);
        var unavailable = Resolve(rollingUpdate?["maxUnavailable"], desired, roundUp: false);
        if (surge == 0 && unavailable == 0)
        {
            unavailable = 1;
        }

        return (surge, unavailable);
    }

    /// <summary>An int-or-percent against <paramref name="total"/>; absent means 0 (the API server defaults 25%).</summary>
    public static int Resolve(JsonNode? value, int total, bool roundUp)
    {
        if (value is null)
        {
            return 0;
        }

        var text = value.ToString();
        if (text.EndsWith('%'))
        {
            var percent = int.Parse(text[..^1], CultureInfo.InvariantCulture);
            var exact = (double)percent * total / 100;
            return (int)(roundUp ? Math.Ceiling(exact) : Math.Floor(exact));
        }

        return int.Parse(text, CultureInfo.InvariantCulture);
    }
}
