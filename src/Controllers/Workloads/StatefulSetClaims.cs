using System.Text.Json.Nodes;

namespace Kura.Controllers.Workloads;

/// <summary>
/// A StatefulSet's claims (stateful_set_utils.go): one per volumeClaimTemplate and ordinal,
/// named `&lt;template&gt;-&lt;set&gt;-&lt;ordinal&gt;`, labelled with the set's selector, mounted by the pod
/// under the template's name; and their ownerReferences under
/// persistentVolumeClaimRetentionPolicy (KEP-1847): Retain/Retain none; whenDeleted=Delete a
/// controller reference to the set; whenScaled=Delete a controller reference to the pod once the
/// pod is scaled away (and to the set while it is in range, if whenDeleted=Delete too).
/// </summary>
public static class StatefulSetClaims
{
    public static IEnumerable<JsonObject> Templates(JsonObject set) => (set["spec"]?["volumeClaimTemplates"] as JsonArray)?.OfType<JsonObject>() ?? [];

    public static string ClaimName(JsonObject template, string set, int ordinal) => $"{template["metadata"]!["name"]!.GetValue<string>()}-{set}-{ordinal}";

    public static IEnumerable<string> ClaimNames(JsonObject set, int ordinal) =>
        Templates(set).Select(t => ClaimName(t, set["metadata"]!["name"]!.GetValue<string>(), ordinal));

    /// <summary>getPersistentVolumeClaims: the claim a pod of <paramref name="ordinal"/> needs from <paramref name="template"/>.</summary>
    public static JsonObject NewClaim(JsonObject set, JsonObject template, int ordinal)
    {
        var meta = template["metadata"]?.DeepClone() as JsonObject ?? [];
        meta["name"] = ClaimName(template, set["metadata"]!["name"]!.GetValue<string>(), ordinal);
        meta["namespace"] = set["metadata"]!["namespace"]!.DeepClone();
        var labels = meta["labels"] as JsonObject ?? [];
        foreach (var (k, v) in set["spec"]?["selector"]?["matchLabels"] as JsonObject ?? [])
        {
            labels[k] = v?.DeepClone();
        }

        meta["labels"] = labels;
        meta.Remove("creationTimestamp");
        return new JsonObject { ["apiVersion"] = "v1", ["kind"] = "PersistentVolumeClaim", ["metadata"] = meta, ["spec"] = template["spec"]?.DeepClone() ?? new JsonObject() };
    }

    /// <summary>updateStorage: a volume per claim template pointing at the pod's claim, first; the pod's other volumes after.</summary>
    public static void MountClaims(JsonObject set, JsonObject podSpec, int ordinal)
    {
        var templates = Templates(set).ToList();
        if (templates.Count == 0)
        {
            return;
        }

        var names = templates.Select(t => t["metadata"]!["name"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        var volumes = new JsonArray();
        foreach (var t in templates)
        {
            volumes.Add(new JsonObject
            {
                ["name"] = t["metadata"]!["name"]!.GetValue<string>(),
                ["persistentVolumeClaim"] = new JsonObject { ["claimName"] = ClaimName(t, set["metadata"]!["name"]!.GetValue<string>(), ordinal) },
            });
        }

        foreach (var v in (podSpec["volumes"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            if (!names.Contains(v["name"]?.GetValue<string>() ?? ""))
            {
                volumes.Add(v.DeepClone());
            }
        }

        podSpec["volumes"] = volumes;
    }

    /// <summary>
    /// updateClaimOwnerRefForSetAndPod: the claim's ownerReferences under the set's policy, or null
    /// when they are already right. References to the set or pod are scrubbed and re-added as
    /// controller references; a claim controlled by someone else only loses ours; a claim holding
    /// a stale reference (same name, other uid: an earlier set or pod) is left alone.
    /// </summary>
    public static JsonArray? OwnerRefs(JsonObject claim, JsonObject set, JsonObject pod, bool podInRange)
    {
        var refs = (claim["metadata"]?["ownerReferences"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        var setUid = Uid(set);
        var podUid = Uid(pod);
        if (refs.Any(r => IsStale(r, set)) || refs.Any(r => IsStale(r, pod)))
        {
            return null;
        }

        var ours = refs.Where(r => Uid(r) == setUid || Uid(r) == podUid).ToList();
        var unexpectedController = refs.Any(r => r["controller"]?.GetValue<bool>() == true && Uid(r) != setUid && Uid(r) != podUid);
        var kept = refs.Except(ours).Select(r => (JsonObject)r.DeepClone()).ToList();
        if (!unexpectedController)
        {
            var whenDeleted = set["spec"]?["persistentVolumeClaimRetentionPolicy"]?["whenDeleted"]?.GetValue<string>() == "Delete";
            var whenScaled = set["spec"]?["persistentVolumeClaimRetentionPolicy"]?["whenScaled"]?.GetValue<string>() == "Delete";
            if (whenScaled && !podInRange)
            {
                kept.Add(PodTemplates.ControllerRef(pod));
            }
            else if (whenDeleted)
            {
                kept.Add(PodTemplates.ControllerRef(set));
            }
        }

        var next = new JsonArray([.. kept]);
        var before = new JsonArray([.. refs.Select(r => r.DeepClone())]);
        return PodTemplates.Canonical(next) == PodTemplates.Canonical(before) ? null : next;
    }

    /// <summary>PodClaimIsStale: a claim that still belongs to an earlier pod of this ordinal (or is being deleted) must go before the pod is made again.</summary>
    public static bool IsStale(JsonObject claim) =>
        claim["metadata"]?["deletionTimestamp"] is not null
        || ((claim["metadata"]?["ownerReferences"] as JsonArray)?.OfType<JsonObject>().Any(r => r["kind"]?.GetValue<string>() == "Pod") ?? false);

    private static bool IsStale(JsonObject reference, JsonObject owner) =>
        reference["kind"]?.GetValue<string>() == owner["kind"]?.GetValue<string>()
        && reference["name"]?.GetValue<string>() == owner["metadata"]?["name"]?.GetValue<string>()
        && Uid(reference) != Uid(owner);

    private static string Uid(JsonObject o) => (o["uid"] ?? o["metadata"]?["uid"])?.GetValue<string>() ?? "";
}
