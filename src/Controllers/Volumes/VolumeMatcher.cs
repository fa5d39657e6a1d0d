using System.Text.Json.Nodes;
using Kura.Model.Quantities;
using Kura.Model.Selectors;

namespace Kura.Controllers.Volumes;

/// <summary>
/// Kubernetes' FindMatchingVolume and findByClaim (component-helpers pv_helpers.go,
/// persistentvolume/index.go; reference/kubernetes.md §1.2): volumes grouped by access-mode
/// set, the smallest set that covers the claim first, and in each group the smallest
/// sufficient volume that passes the claim's class, selector and volumeMode.
/// </summary>
public static class VolumeMatcher
{
    /// <summary>The volume a claim should bind, or null. <paramref name="delayBinding"/> is true for WaitForFirstConsumer classes.</summary>
    public static JsonObject? FindBestMatch(JsonObject claim, IEnumerable<JsonObject> volumes, bool delayBinding)
    {
        var requested = Modes(claim["spec"]?["accessModes"]);
        var groups = volumes
            .GroupBy(v => string.Join(",", Modes(v["spec"]?["accessModes"]).Order(StringComparer.Ordinal)))
            .Select(g => (Modes: Modes(g.First()["spec"]?["accessModes"]), Volumes: g.ToList()))
            .Where(g => requested.IsSubsetOf(g.Modes))
            .OrderBy(g => g.Modes.Count);
        foreach (var group in groups)
        {
            if (Match(claim, group.Volumes, delayBinding) is { } match)
            {
                return match;
            }
        }

        return null;
    }

    private static JsonObject? Match(JsonObject claim, List<JsonObject> volumes, bool delayBinding)
    {
        var request = Storage(claim["spec"]?["resources"]?["requests"]?["storage"]);
        var selector = claim["spec"]?["selector"] is JsonObject s ? LabelSelector.FromJson(s) : null;
        var claimClass = ClassOf(claim);
        JsonObject? best = null;
        Quantity? bestSize = null;
        foreach (var pv in volumes)
        {
            if (pv["spec"]?["claimRef"] is JsonObject claimRef && !PointsAt(claimRef, claim))
            {
                continue;
            }

            var size = Storage(pv["spec"]?["capacity"]?["storage"]);
            if (size is null || request is null || size.Value < request.Value)
            {
                continue;
            }

            if (!VolumeModeMatches(claim, pv) || pv["metadata"]?["deletionTimestamp"] is not null)
            {
                continue;
            }

            // A volume pre-bound to this claim wins at once, whatever its phase, selector or class.
            if (pv["spec"]?["claimRef"] is JsonObject)
            {
                return pv;
            }

            if (delayBinding || pv["status"]?["phase"]?.GetValue<string>() != "Available")
            {
                continue;
            }

            if (selector is not null && !selector.Matches(pv["metadata"]?["labels"] as JsonObject))
            {
                continue;
            }

            if (ClassOf(pv) != claimClass)
            {
                continue;
            }

            if (bestSize is null || size.Value < bestSize.Value)
            {
                best = pv;
                bestSize = size;
            }
        }

        return best;
    }

    /// <summary>Why an explicitly requested volume cannot be bound (checkVolumeSatisfyClaim), or null when it can.</summary>
    public static string? CheckVolumeSatisfiesClaim(JsonObject pv, JsonObject claim)
    {
        var request = Storage(claim["spec"]?["resources"]?["requests"]?["storage"]);
        var size = Storage(pv["spec"]?["capacity"]?["storage"]);
        if (pv["metadata"]?["deletionTimestamp"] is not null)
        {
            return "the volume is marked for deletion";
        }

        if (size is null || request is null || size.Value < request.Value)
        {
            return "requested PV is too small";
        }

        if (ClassOf(pv) != ClassOf(claim))
        {
            return "storageClassName does not match";
        }

        if (!VolumeModeMatches(claim, pv))
        {
            return "incompatible volumeMode";
        }

        return Modes(claim["spec"]?["accessModes"]).IsSubsetOf(Modes(pv["spec"]?["accessModes"])) ? null : "incompatible accessMode";
    }

    /// <summary>A claimRef points at a claim when name and namespace match and its uid is empty or the claim's.</summary>
    public static bool PointsAt(JsonObject claimRef, JsonObject claim)
    {
        var uid = claimRef["uid"]?.GetValue<string>() ?? "";
        return claimRef["name"]?.GetValue<string>() == claim["metadata"]?["name"]?.GetValue<string>()
            && claimRef["namespace"]?.GetValue<string>() == claim["metadata"]?["namespace"]?.GetValue<string>()
            && (uid.Length == 0 || uid == claim["metadata"]?["uid"]?.GetValue<string>());
    }

    /// <summary>The class of a claim or volume: the beta annotation wins, nil counts as "".</summary>
    public static string ClassOf(JsonObject obj) =>
        obj["metadata"]?["annotations"]?[StorageNames.BetaStorageClass]?.GetValue<string>()
        ?? obj["spec"]?["storageClassName"]?.GetValue<string>() ?? "";

    private static bool VolumeModeMatches(JsonObject claim, JsonObject pv) =>
        (claim["spec"]?["volumeMode"]?.GetValue<string>() ?? "Filesystem") == (pv["spec"]?["volumeMode"]?.GetValue<string>() ?? "Filesystem");

    private static HashSet<string> Modes(JsonNode? modes) =>
        modes is JsonArray a ? [.. a.Select(m => m?.GetValue<string>() ?? "")] : [];

    private static Quantity? Storage(JsonNode? value) => value is not null && Quantity.TryParse(value.ToString(), out var q) ? q : null;
}
