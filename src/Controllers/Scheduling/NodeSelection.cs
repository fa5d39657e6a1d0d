using System.Globalization;
using System.Text.Json.Nodes;
using Kura.Model.Meta;

namespace Kura.Controllers.Scheduling;

/// <summary>
/// Node selector and node affinity matching (component-helpers/scheduling/corev1/nodeaffinity):
/// terms are ORed, the requirements of a term ANDed, an empty term selects nothing; matchFields
/// knows metadata.name only.
/// </summary>
public static class NodeSelection
{
    /// <summary>The NodeAffinity filter: spec.nodeSelector and the required node affinity terms.</summary>
    public static bool PodMatchesNode(JsonObject pod, JsonObject node)
    {
        var labels = Obj.StringMap(node["metadata"]?["labels"]);
        foreach (var (key, value) in Obj.StringMap(pod["spec"]?["nodeSelector"]))
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value)
            {
                return false;
            }
        }

        var required = pod["spec"]?["affinity"]?["nodeAffinity"]?["requiredDuringSchedulingIgnoredDuringExecution"] as JsonObject;
        return required is null || MatchesTerms(required["nodeSelectorTerms"] as JsonArray, node);
    }

    /// <summary>A NodeSelector: true when any term matches.</summary>
    public static bool MatchesTerms(JsonArray? terms, JsonObject node)
    {
        var labels = Obj.StringMap(node["metadata"]?["labels"]);
        var name = Obj.Name(node);
        return terms?.OfType<JsonObject>().Any(t => MatchesTerm(t, labels, name)) ?? false;
    }

    public static bool MatchesTerm(JsonObject term, IReadOnlyDictionary<string, string> labels, string nodeName)
    {
        var expressions = (term["matchExpressions"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        var fields = (term["matchFields"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        if (expressions.Count == 0 && fields.Count == 0)
        {
            return false;
        }

        return expressions.All(e => Matches(e, labels))
            && fields.All(f => Obj.GetString(f, "key") == "metadata.name" && Obj.GetString(f, "operator") is "In" or "NotIn"
                && Matches(f, new Dictionary<string, string> { ["metadata.name"] = nodeName }));
    }

    /// <summary>One NodeSelectorRequirement against a label set (labels.Requirement semantics).</summary>
    public static bool Matches(JsonObject requirement, IReadOnlyDictionary<string, string> labels)
    {
        var key = Obj.GetString(requirement, "key") ?? "";
        var values = (requirement["values"] as JsonArray)?.Select(v => v?.GetValue<string>() ?? "").ToList() ?? [];
        var has = labels.TryGetValue(key, out var value);
        return Obj.GetString(requirement, "operator") switch
        {
            "In" => has && values.Contains(value!),
            "NotIn" => !has || !values.Contains(value!),
            "Exists" => has,
            "DoesNotExist" => !has,
            "Gt" => has && values.Count == 1 && TryInt(value!, out var a) && TryInt(values[0], out var b) && a > b,
            "Lt" => has && values.Count == 1 && TryInt(value!, out var c) && TryInt(values[0], out var d) && c < d,
            _ => false,
        };
    }

    /// <summary>The NodeAffinity score before normalising: the summed weights of the matching preferred terms.</summary>
    public static long PreferredWeight(JsonObject pod, JsonObject node)
    {
        var preferred = pod["spec"]?["affinity"]?["nodeAffinity"]?["preferredDuringSchedulingIgnoredDuringExecution"] as JsonArray;
        if (preferred is null)
        {
            return 0;
        }

        var labels = Obj.StringMap(node["metadata"]?["labels"]);
        var name = Obj.Name(node);
        return preferred.OfType<JsonObject>()
            .Where(p => p["preference"] is JsonObject term && MatchesTerm(term, labels, name))
            .Sum(p => Obj.GetInt64(p, "weight") ?? 0);
    }

    /// <summary>A PersistentVolume's spec.nodeAffinity against a node (CheckNodeAffinity): no affinity allows every node.</summary>
    public static bool VolumeAllowsNode(JsonObject pv, JsonObject node)
    {
        var required = pv["spec"]?["nodeAffinity"]?["required"] as JsonObject;
        return required is null || MatchesTerms(required["nodeSelectorTerms"] as JsonArray, node);
    }

    /// <summary>A StorageClass's allowedTopologies (MatchTopologySelectorTerms): none allows every node.</summary>
    public static bool TopologyAllowsNode(JsonArray? allowedTopologies, JsonObject node)
    {
        if (allowedTopologies is null || allowedTopologies.Count == 0)
        {
            return true;
        }

        var labels = Obj.StringMap(node["metadata"]?["labels"]);
        return allowedTopologies.OfType<JsonObject>().Any(term =>
            (term["matchLabelExpressions"] as JsonArray)?.OfType<JsonObject>().All(e =>
                labels.TryGetValue(Obj.GetString(e, "key") ?? "", out var v)
                && ((e["values"] as JsonArray)?.Any(x => x?.GetValue<string>() == v) ?? false)) ?? true);
    }

    private static bool TryInt(string text, out long value) => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
}
