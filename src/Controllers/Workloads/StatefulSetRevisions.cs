using System.Text.Json.Nodes;

namespace Kura.Controllers.Workloads;

/// <summary>A ControllerRevision as the planner sees it.</summary>
public sealed record RevisionView(string Name, long Revision, JsonNode? Data);

/// <summary>What to do about the update revision: use an existing one (bumping its number on a roll back) or create one.</summary>
public sealed record RevisionDecision(string UpdateName, long UpdateNumber, bool Create, bool Renumber, string CurrentName);

/// <summary>
/// StatefulSet history (stateful_set_control.go getStatefulSetRevisions, truncateHistory;
/// controller/history): a revision stores a strategic merge patch that restores the pod
/// template, `{"spec":{"template":{…,"$patch":"replace"}}}` — what `kubectl rollout undo
/// statefulset` applies; its name is `&lt;set&gt;-&lt;hash of the data&gt;`.
/// </summary>
public static class StatefulSetRevisions
{
    public const string HashLabel = "controller.kubernetes.io/hash";

    /// <summary>getPatch: the revision data for a set's template.</summary>
    public static JsonObject Data(JsonObject set)
    {
        var template = set["spec"]?["template"]?.DeepClone() as JsonObject ?? [];
        template["$patch"] = "replace";
        return new JsonObject { ["spec"] = new JsonObject { ["template"] = template } };
    }

    /// <summary>The pod template a revision restores.</summary>
    public static JsonObject Template(JsonNode? data)
    {
        var template = data?["spec"]?["template"]?.DeepClone() as JsonObject ?? [];
        template.Remove("$patch");
        return template;
    }

    public static string Hash(JsonObject data, long collisionCount) => PodTemplates.Hash(data, collisionCount);

    /// <summary>
    /// getStatefulSetRevisions: the newest revision if it already holds this data; else an older
    /// equal one renumbered to the next revision (a roll back); else a new one. The current
    /// revision is status.currentRevision if it still exists, otherwise the update revision.
    /// </summary>
    public static RevisionDecision Decide(string setName, JsonObject data, long collisionCount, IReadOnlyList<RevisionView> revisions, string? statusCurrentRevision)
    {
        var sorted = revisions.OrderBy(r => r.Revision).ThenBy(r => r.Name, StringComparer.Ordinal).ToList();
        var next = sorted.Count == 0 ? 1 : sorted[^1].Revision + 1;
        var canonical = PodTemplates.Canonical(data);
        var equal = sorted.Where(r => PodTemplates.Canonical(r.Data) == canonical).ToList();
        RevisionDecision decision;
        if (equal.Count > 0 && equal[^1].Name == sorted[^1].Name)
        {
            decision = new RevisionDecision(sorted[^1].Name, sorted[^1].Revision, false, false, "");
        }
        else if (equal.Count > 0)
        {
            decision = new RevisionDecision(equal[^1].Name, next, false, true, "");
        }
        else
        {
            decision = new RevisionDecision($"{setName}-{Hash(data, collisionCount)}", next, true, false, "");
        }

        var current = sorted.FirstOrDefault(r => r.Name == statusCurrentRevision)?.Name ?? decision.UpdateName;
        return decision with { CurrentName = current };
    }

    /// <summary>truncateHistory: revisions neither current, update nor worn by a pod, beyond revisionHistoryLimit, lowest first.</summary>
    public static IReadOnlyList<string> ToDelete(IReadOnlyList<RevisionView> revisions, IEnumerable<string> live, int historyLimit)
    {
        var liveSet = live.ToHashSet(StringComparer.Ordinal);
        var history = revisions.Where(r => !liveSet.Contains(r.Name)).OrderBy(r => r.Revision).ToList();
        return history.Count <= historyLimit ? [] : history.Take(history.Count - historyLimit).Select(r => r.Name).ToList();
    }
}
