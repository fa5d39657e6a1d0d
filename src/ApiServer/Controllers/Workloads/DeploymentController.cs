using System.Globalization;
using System.Text.Json.Nodes;
using Kura.ApiServer.Handlers;
using Kura.Controllers.Workloads;
using Kura.Model.Errors;
using Kura.Store;

namespace Kura.ApiServer.Controllers.Workloads;

/// <summary>
/// The Deployment controller (pkg/controller/deployment): one ReplicaSet per pod template
/// (`&lt;deployment&gt;-&lt;pod-template-hash&gt;`, revision annotations), rolled out with RollingUpdate
/// (maxSurge/maxUnavailable) or Recreate, old ReplicaSets kept up to revisionHistoryLimit, and the
/// status and conditions `kubectl rollout status` reads.
/// </summary>
public sealed class DeploymentController(ObjectService objects) : WorkloadBase(objects)
{
    public const string RevisionAnnotation = "deployment.kubernetes.io/revision";
    public const string DesiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas";
    public const string MaxReplicasAnnotation = "deployment.kubernetes.io/max-replicas";
    private const string Prefix = "/apps/deployments/";
    private readonly EventRecorder _events = new(objects, "deployment-controller");

    protected override IReadOnlyList<string> WatchedPrefixes { get; } = [Prefix, "/apps/replicasets/"];

    protected override IEnumerable<string> KeysFor(WatchEvent change) =>
        change.Key.StartsWith(Prefix, StringComparison.Ordinal) ? [change.Key] : OwnerKey(change, "Deployment", Prefix);

    protected override async Task ReconcileAsync(string key, CancellationToken ct)
    {
        var d = Store.Get(key)?.Object;
        if (d is null || d["metadata"]?["deletionTimestamp"] is not null)
        {
            return;
        }

        var ns = Ns(d);
        var rsType = Objects.Type("apps", "ReplicaSet");
        var desired = Replicas(d);
        var template = d["spec"]!["template"]!.AsObject();
        var hash = PodTemplates.Hash(template);
        var all = Owned("replicasets", "apps", ns, d).ToList();
        var newRs = all.FirstOrDefault(rs => rs["metadata"]?["labels"]?[PodTemplates.PodTemplateHashLabel]?.GetValue<string>() == hash);
        var old = all.Where(rs => rs != newRs).ToList();
        var maxRevision = all.Select(Revision).DefaultIfEmpty(0).Max();
        var (maxSurge, maxUnavailable) = d["spec"]?["strategy"]?["type"]?.GetValue<string>() == "Recreate"
            ? (0, desired)
            : RollingUpdate.Limits(d["spec"]?["strategy"]?["rollingUpdate"] as JsonObject, desired);
        string? progress = null;
        if (newRs is null)
        {
            if (d["spec"]?["paused"]?.GetValue<bool>() == true)
            {
                return;
            }

            var recreate = d["spec"]?["strategy"]?["type"]?.GetValue<string>() == "Recreate";
            var total = old.Sum(r => Replicas(r));
            var initial = recreate ? 0 : RollingUpdate.NewReplicas(desired, maxSurge, 0, total);
            newRs = await CreateReplicaSetAsync(d, template, hash, maxRevision + 1, initial, maxSurge, ct);
            progress = $"Created new replica set \"{Name(newRs)}\"";
            if (initial > 0)
            {
                await _events.RecordAsync(d, "Normal", "ScalingReplicaSet", $"Scaled up replica set {Name(newRs)} from 0 to {initial}", ct);
            }
        }
        else if (Revision(newRs) < maxRevision)
        {
            // A template seen before is back (rollout undo): it becomes the newest revision.
            newRs = await AnnotateAsync(rsType, newRs, RevisionAnnotation, (maxRevision + 1).ToString(CultureInfo.InvariantCulture), ct) ?? newRs;
        }

        if (d["spec"]?["paused"]?.GetValue<bool>() != true)
        {
            await RolloutAsync(d, newRs, old, desired, maxSurge, maxUnavailable, ct);
            await CleanupAsync(d, old, ct);
        }

        await ReportAsync(key, newRs, progress, desired, maxUnavailable, ct);
    }

    private async Task RolloutAsync(JsonObject d, JsonObject newRs, List<JsonObject> old, int desired, int maxSurge, int maxUnavailable, CancellationToken ct)
    {
        var recreate = d["spec"]?["strategy"]?["type"]?.GetValue<string>() == "Recreate";
        var live = old.Where(r => Replicas(r) > 0).ToList();
        if (recreate)
        {
            foreach (var rs in live)
            {
                await ScaleAsync(d, rs, 0, ct);
            }

            // Recreate: the new pods start only once every old pod is gone.
            if (old.All(r => (r["status"]?["replicas"]?.GetValue<long>() ?? 0) == 0) && Replicas(newRs) != desired)
            {
                await ScaleAsync(d, newRs, desired, ct);
            }

            return;
        }

        var total = Replicas(newRs) + live.Sum(r => Replicas(r));
        var newCount = RollingUpdate.NewReplicas(desired, maxSurge, Replicas(newRs), total);
        if (newCount != Replicas(newRs))
        {
            await ScaleAsync(d, newRs, newCount, ct);
        }

        var available = Available(newRs) + live.Sum(Available);
        var budget = RollingUpdate.OldScaleDown(desired, maxUnavailable, available);

        // Unhealthy old replicas go first: removing them costs no availability.
        foreach (var rs in live.OrderBy(Revision))
        {
            var unhealthy = Replicas(rs) - Available(rs);
            if (unhealthy > 0)
            {
                await ScaleAsync(d, rs, Replicas(rs) - unhealthy, ct);
            }
        }

        foreach (var rs in live.OrderBy(Revision))
        {
            if (budget <= 0)
            {
                break;
            }

            var current = Math.Min(Replicas(rs), Available(rs));
            var down = Math.Min(current, budget);
            if (down > 0)
            {
                await ScaleAsync(d, rs, current - down, ct);
                budget -= down;
            }
        }
    }

    private async Task ReportAsync(string key, JsonObject newRs, string? progress, int desired, int maxUnavailable, CancellationToken ct)
    {
        var d = Store.Get(key)?.Object;
        if (d is null)
        {
            return;
        }

        var all = Owned("replicasets", "apps", Ns(d), d).ToList();
        newRs = all.FirstOrDefault(r => Uid(r) == Uid(newRs)) ?? newRs;
        long Sum(string field) => all.Sum(r => r["status"]?[field]?.GetValue<long>() ?? 0);
        var available = Sum("availableReplicas");
        var total = Sum("replicas");
        var updated = newRs["status"]?["replicas"]?.GetValue<long>() ?? 0;
        var now = Model.Meta.Obj.Rfc3339(Time.GetUtcNow());
        var complete = updated == desired && total == desired && available >= desired && Replicas(newRs) == desired;
        var conditions = d["status"]?["conditions"]?.DeepClone() as JsonArray ?? [];
        var minimum = available >= desired - maxUnavailable;
        SetCondition(conditions, "Available", minimum, minimum ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
            minimum ? "Deployment has minimum availability." : "Deployment does not have minimum availability.", now);
        var (reason, message) = progress is not null ? ("NewReplicaSetCreated", progress)
            : complete ? ("NewReplicaSetAvailable", $"ReplicaSet \"{Name(newRs)}\" has successfully progressed.")
            : ("ReplicaSetUpdated", $"ReplicaSet \"{Name(newRs)}\" is progressing.");
        SetCondition(conditions, "Progressing", true, reason, message, now);
        var status = new JsonObject
        {
            ["observedGeneration"] = d["metadata"]?["generation"]?.DeepClone() ?? 1,
            ["replicas"] = total,
            ["updatedReplicas"] = updated,
            ["readyReplicas"] = Sum("readyReplicas"),
            ["availableReplicas"] = available,
            ["unavailableReplicas"] = Math.Max(0, total - available),
            ["conditions"] = conditions,
        };
        if (status["readyReplicas"]!.GetValue<long>() == 0)
        {
            status.Remove("readyReplicas");
        }

        if (d["metadata"]?["annotations"]?[RevisionAnnotation]?.GetValue<string>() != newRs["metadata"]?["annotations"]?[RevisionAnnotation]?.GetValue<string>())
        {
            d = await AnnotateAsync(Objects.Type("apps", "Deployment"), d, RevisionAnnotation, newRs["metadata"]!["annotations"]![RevisionAnnotation]!.GetValue<string>(), ct) ?? d;
        }

        await UpdateStatusAsync(Objects.Type("apps", "Deployment"), d, status, ct);
    }

    /// <summary>Sets a condition; lastUpdateTime moves on every change, lastTransitionTime only when the status flips.</summary>
    private static void SetCondition(JsonArray conditions, string type, bool value, string reason, string message, string now)
    {
        var existing = conditions.OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == type);
        var status = value ? "True" : "False";
        if (existing is not null && existing["status"]?.GetValue<string>() == status && existing["reason"]?.GetValue<string>() == reason && existing["message"]?.GetValue<string>() == message)
        {
            return;
        }

        var transition = existing is not null && existing["status"]?.GetValue<string>() == status ? existing["lastTransitionTime"]?.DeepClone() : now;
        if (existing is not null)
        {
            conditions.Remove(existing);
        }

        conditions.Add(new JsonObject { ["type"] = type, ["status"] = status, ["lastUpdateTime"] = now, ["lastTransitionTime"] = transition, ["reason"] = reason, ["message"] = message });
    }

    private async Task<JsonObject> CreateReplicaSetAsync(JsonObject d, JsonObject template, string hash, int revision, int replicas, int maxSurge, CancellationToken ct)
    {
        var rsTemplate = (JsonObject)template.DeepClone();
        var meta = rsTemplate["metadata"] as JsonObject ?? [];
        var labels = meta["labels"] as JsonObject ?? [];
        labels[PodTemplates.PodTemplateHashLabel] = hash;
        meta["labels"] = labels;
        rsTemplate["metadata"] = meta;
        var selector = d["spec"]!["selector"]!.DeepClone().AsObject();
        var matchLabels = selector["matchLabels"] as JsonObject ?? [];
        matchLabels[PodTemplates.PodTemplateHashLabel] = hash;
        selector["matchLabels"] = matchLabels;
        var rs = new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "ReplicaSet",
            ["metadata"] = new JsonObject
            {
                ["name"] = $"{Name(d)}-{hash}",
                ["namespace"] = Ns(d),
                ["labels"] = labels.DeepClone(),
                ["annotations"] = new JsonObject
                {
                    [RevisionAnnotation] = revision.ToString(CultureInfo.InvariantCulture),
                    [DesiredReplicasAnnotation] = Replicas(d).ToString(CultureInfo.InvariantCulture),
                    [MaxReplicasAnnotation] = (Replicas(d) + maxSurge).ToString(CultureInfo.InvariantCulture),
                },
                ["ownerReferences"] = new JsonArray(PodTemplates.ControllerRef(d)),
            },
            ["spec"] = new JsonObject
            {
                ["replicas"] = replicas,
                ["minReadySeconds"] = d["spec"]?["minReadySeconds"]?.DeepClone() ?? 0,
                ["selector"] = selector,
                ["template"] = rsTemplate,
            },
        };
        if (d["metadata"]?["annotations"]?["kubernetes.io/change-cause"] is { } cause)
        {
            rs["metadata"]!["annotations"]!["kubernetes.io/change-cause"] = cause.DeepClone();
        }

        try
        {
            return await Objects.CreateAsync(Objects.Type("apps", "ReplicaSet"), Ns(d), rs, WriteOptions.Internal with { FieldManager = "kube-controller-manager" }, ct);
        }
        catch (ApiException e) when (e.Code == 409)
        {
            return Objects.Get(Objects.Type("apps", "ReplicaSet"), Ns(d), Name(rs));
        }
    }

    private async Task ScaleAsync(JsonObject d, JsonObject rs, int replicas, CancellationToken ct)
    {
        var from = Replicas(rs);
        if (from == replicas)
        {
            return;
        }

        await Objects.GuaranteedUpdateAsync(Objects.Type("apps", "ReplicaSet"), Ns(rs), Name(rs), r =>
        {
            r["spec"]!["replicas"] = replicas;
            Model.Meta.Obj.EnsureObject(r, "metadata", "annotations")[DesiredReplicasAnnotation] = Replicas(d).ToString(CultureInfo.InvariantCulture);
            return r;
        }, ct: ct);
        await _events.RecordAsync(d, "Normal", "ScalingReplicaSet", $"Scaled {(replicas > from ? "up" : "down")} replica set {Name(rs)} from {from} to {replicas}", ct);
    }

    /// <summary>Old ReplicaSets without pods beyond revisionHistoryLimit go, oldest first.</summary>
    private async Task CleanupAsync(JsonObject d, List<JsonObject> old, CancellationToken ct)
    {
        var limit = (int)(d["spec"]?["revisionHistoryLimit"]?.GetValue<long>() ?? 10);
        var idle = old.Where(r => Replicas(r) == 0 && (r["status"]?["replicas"]?.GetValue<long>() ?? 0) == 0).OrderBy(Revision).ToList();
        foreach (var rs in idle.Take(Math.Max(0, idle.Count - limit)))
        {
            await DeleteQuietlyAsync(Objects.Type("apps", "ReplicaSet"), Ns(rs), Name(rs), ct);
        }
    }

    private async Task<JsonObject?> AnnotateAsync(Model.Registry.ResourceType type, JsonObject obj, string key, string value, CancellationToken ct) =>
        await Objects.GuaranteedUpdateAsync(type, Ns(obj), Name(obj), o =>
        {
            var annotations = Model.Meta.Obj.EnsureObject(o, "metadata", "annotations");
            if (annotations[key]?.GetValue<string>() == value)
            {
                return null;
            }

            annotations[key] = value;
            return o;
        }, ct: ct);

    private static int Revision(JsonObject rs) =>
        int.TryParse(rs["metadata"]?["annotations"]?[RevisionAnnotation]?.GetValue<string>(), CultureInfo.InvariantCulture, out var r) ? r : 0;

    private static int Available(JsonObject rs) => (int)(rs["status"]?["availableReplicas"]?.GetValue<long>() ?? 0);
}
