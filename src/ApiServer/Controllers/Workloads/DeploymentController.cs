using System.Globalization;
using System.Text.Json.Nodes;
using Kura.ApiServer.Handlers;
using Kura.Controllers.Workloads;
using Kura.Model.Errors;
using Kura.Model.Selectors;
using Kura.Store;

namespace Kura.ApiServer.Controllers.Workloads;

/// <summary>
/// The Deployment controller (pkg/controller/deployment): one ReplicaSet per pod template
/// (`&lt;deployment&gt;-&lt;pod-template-hash&gt;`, found again by template equality, revision
/// annotations), rolled out with RollingUpdate or Recreate, proportional scaling, paused
/// deployments, old ReplicaSets kept up to revisionHistoryLimit, and the status and conditions
/// `kubectl rollout status` reads. Decisions are DeploymentPlanner's and DeploymentStatuses'.
/// </summary>
public sealed class DeploymentController(ObjectService objects) : WorkloadBase(objects)
{
    private const string Prefix = "/apps/deployments/";
    private const int MaxRevisionHistoryChars = 2000;

    /// <summary>Annotations a Deployment does not pass to its ReplicaSets (deploymentutil annotationsToSkip).</summary>
    private static readonly HashSet<string> AnnotationsToSkip = new(StringComparer.Ordinal)
    {
        "kubectl.kubernetes.io/last-applied-configuration", DeploymentView.RevisionAnnotation, DeploymentView.RevisionHistoryAnnotation,
        DeploymentView.DesiredReplicasAnnotation, DeploymentView.MaxReplicasAnnotation, "deprecated.deployment.rollback.to",
    };

    private readonly EventRecorder _events = new(objects, "deployment-controller");

    protected override IReadOnlyList<string> WatchedPrefixes { get; } = [Prefix, "/apps/replicasets/", "/core/pods/"];

    protected override IEnumerable<string> KeysFor(WatchEvent change)
    {
        if (change.Key.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return [change.Key];
        }

        if (change.Key.StartsWith("/apps/replicasets/", StringComparison.Ordinal))
        {
            return OwnerKey(change, "Deployment", Prefix);
        }

        // Recreate waits for old pods to be gone: a deleted pod of a ReplicaSet wakes its Deployment.
        if (change.Type != WatchEventType.Deleted)
        {
            return [];
        }

        var rsOwner = OwnerKey(change, "ReplicaSet", "/apps/replicasets/").FirstOrDefault();
        return rsOwner is not null && Store.Get(rsOwner)?.Object is { } rs ? OwnerKey(new WatchEvent(change.Type, rsOwner, rs, change.Revision), "Deployment", Prefix) : [];
    }

    protected override async Task ReconcileAsync(string key, CancellationToken ct)
    {
        var d = Store.Get(key)?.Object;
        if (d is null || d["metadata"]?["deletionTimestamp"] is not null)
        {
            return;
        }

        var view = DeploymentView.From(d);
        var now = Time.GetUtcNow();
        if (DeploymentStatuses.WithPausedCondition(view, d["status"] as JsonObject, now) is { } pausedStatus)
        {
            await UpdateStatusAsync(Objects.Type("apps", "Deployment"), d, pausedStatus, ct);
            return;
        }

        var rsList = await ClaimReplicaSetsAsync(d, ct);
        var (newRs, old) = Split(d, rsList);
        if (view.Paused || DeploymentPlanner.IsScalingEvent(view, [.. old.Select(ReplicaSetView.From), .. newRs is null ? [] : new[] { ReplicaSetView.From(newRs) }]))
        {
            await SyncAsync(key, d, view, newRs, old, ct);
            return;
        }

        if (view.Recreate)
        {
            await RolloutRecreateAsync(key, d, view, newRs, old, ct);
        }
        else
        {
            await RolloutRollingAsync(key, d, view, newRs, old, ct);
        }
    }

    /// <summary>sync: scaling only (and history cleanup when paused), then status without progress estimation.</summary>
    private async Task SyncAsync(string key, JsonObject d, DeploymentView view, JsonObject? newRs, List<JsonObject> old, CancellationToken ct)
    {
        if (newRs is not null)
        {
            newRs = await SyncNewReplicaSetAsync(d, newRs, old, ct);
        }

        var statusReplicas = (int)(PodTemplates.Num(d["status"]?["replicas"]) ?? 0);
        await ApplyAsync(d, view, DeploymentPlanner.Scale(view, newRs is null ? null : ReplicaSetView.From(newRs), [.. old.Select(ReplicaSetView.From)], statusReplicas), ct);
        if (view.Paused)
        {
            await CleanupAsync(d, view, old, ct);
        }

        await ReportAsync(key, newRs, progress: false, ct);
    }

    private async Task RolloutRollingAsync(string key, JsonObject d, DeploymentView view, JsonObject? newRs, List<JsonObject> old, CancellationToken ct)
    {
        newRs = newRs is null ? await CreateReplicaSetAsync(d, view, old, ct) : await SyncNewReplicaSetAsync(d, newRs, old, ct);
        if (newRs is null)
        {
            return;
        }

        var all = old.Select(ReplicaSetView.From).Append(ReplicaSetView.From(newRs)).ToList();
        if (DeploymentPlanner.ReconcileNew(view, all, ReplicaSetView.From(newRs)) is int size)
        {
            await ApplyAsync(d, view, [new ScaleAction(Name(newRs), Replicas(newRs), size)], ct);
            await ReportAsync(key, newRs, progress: true, ct);
            return;
        }

        var down = DeploymentPlanner.ReconcileOld(view, all, ReplicaSetView.From(newRs));
        if (down.Count > 0)
        {
            await ApplyAsync(d, view, down, ct);
            await ReportAsync(key, newRs, progress: true, ct);
            return;
        }

        if (DeploymentStatuses.Complete(view, d["status"] as JsonObject))
        {
            await CleanupAsync(d, view, old, ct);
        }

        await ReportAsync(key, newRs, progress: true, ct);
    }

    /// <summary>rolloutRecreate: old ReplicaSets to zero, wait until none of their pods runs, then the new one at full size.</summary>
    private async Task RolloutRecreateAsync(string key, JsonObject d, DeploymentView view, JsonObject? newRs, List<JsonObject> old, CancellationToken ct)
    {
        var down = DeploymentPlanner.RecreateScaleDown([.. old.Select(ReplicaSetView.From)]);
        if (down.Count > 0)
        {
            await ApplyAsync(d, view, down, ct);
            await ReportAsync(key, newRs, progress: true, ct);
            return;
        }

        var oldUids = old.Select(Uid).ToHashSet(StringComparer.Ordinal);
        var oldPodsRunning = old.Any(r => (PodTemplates.Num(r["status"]?["replicas"]) ?? 0) > 0)
            || List($"/core/pods/{Ns(d)}/").Any(p => PodTemplates.ControllerUid(p) is { } c && oldUids.Contains(c) && PodTemplates.Phase(p) is not ("Succeeded" or "Failed"));
        if (oldPodsRunning)
        {
            await ReportAsync(key, newRs, progress: true, ct);
            return;
        }

        newRs = newRs is null ? await CreateReplicaSetAsync(d, view, old, ct) : await SyncNewReplicaSetAsync(d, newRs, old, ct);
        if (newRs is null)
        {
            return;
        }

        if (Replicas(newRs) != view.Replicas)
        {
            await ApplyAsync(d, view, [new ScaleAction(Name(newRs), Replicas(newRs), view.Replicas)], ct);
        }

        if (DeploymentStatuses.Complete(view, d["status"] as JsonObject))
        {
            await CleanupAsync(d, view, old, ct);
        }

        await ReportAsync(key, newRs, progress: true, ct);
    }

    /// <summary>The new ReplicaSet (same template but for the hash label; the oldest if several) and the rest.</summary>
    private static (JsonObject? New, List<JsonObject> Old) Split(JsonObject d, List<JsonObject> rsList)
    {
        var template = d["spec"]?["template"];
        var newRs = rsList.Where(r => PodTemplates.EqualIgnoreHash(r["spec"]?["template"], template))
            .OrderBy(PodTemplates.Created).ThenBy(Name, StringComparer.Ordinal).FirstOrDefault();
        return (newRs, rsList.Where(r => !ReferenceEquals(r, newRs)).ToList());
    }

    /// <summary>getReplicaSetsForDeployment: owned ReplicaSets that match the selector, adopting matching orphans and releasing the rest.</summary>
    private async Task<List<JsonObject>> ClaimReplicaSetsAsync(JsonObject d, CancellationToken ct)
    {
        var rsType = Objects.Type("apps", "ReplicaSet");
        var selector = LabelSelector.FromJson(d["spec"]?["selector"] as JsonObject);
        var claimed = new List<JsonObject>();
        foreach (var rs in List($"/apps/replicasets/{Ns(d)}/"))
        {
            var controller = PodTemplates.ControllerUid(rs);
            var matches = selector.Matches(rs["metadata"]?["labels"] as JsonObject);
            if (controller == Uid(d) && matches)
            {
                claimed.Add(rs);
            }
            else if (controller == Uid(d))
            {
                await SetOwnerRefsAsync(rsType, Ns(d), Name(rs), r => new JsonArray([.. Refs(r).Where(x => x["uid"]?.GetValue<string>() != Uid(d)).Select(x => x.DeepClone())]), ct);
            }
            else if (controller is null && matches && rs["metadata"]?["deletionTimestamp"] is null)
            {
                var adopted = await Objects.GuaranteedUpdateAsync(rsType, Ns(d), Name(rs), r =>
                {
                    if (PodTemplates.ControllerUid(r) is not null)
                    {
                        return null;
                    }

                    r["metadata"]!["ownerReferences"] = new JsonArray([.. Refs(r).Select(x => x.DeepClone()), PodTemplates.ControllerRef(d)]);
                    return r;
                }, ct: ct);
                if (adopted is not null && PodTemplates.ControllerUid(adopted) == Uid(d))
                {
                    claimed.Add(adopted);
                }
            }
        }

        return claimed;
    }

    /// <summary>getNewReplicaSet for an existing one: copy annotations, move its revision to the newest (a roll back), match minReadySeconds.</summary>
    private async Task<JsonObject> SyncNewReplicaSetAsync(JsonObject d, JsonObject newRs, List<JsonObject> old, CancellationToken ct)
    {
        var revision = DeploymentPlanner.NextRevision(old.Select(ReplicaSetView.From)).ToString(CultureInfo.InvariantCulture);
        var updated = await Objects.GuaranteedUpdateAsync(Objects.Type("apps", "ReplicaSet"), Ns(newRs), Name(newRs), rs =>
        {
            var changed = SetNewReplicaSetAnnotations(d, rs, revision, exists: true);
            var minReady = d["spec"]?["minReadySeconds"]?.DeepClone() ?? 0;
            if (PodTemplates.Num(rs["spec"]?["minReadySeconds"]) != PodTemplates.Num(minReady))
            {
                rs["spec"]!["minReadySeconds"] = minReady;
                changed = true;
            }

            return changed ? rs : null;
        }, ct: ct) ?? newRs;

        if (DeploymentStatuses.Condition(d["status"] as JsonObject, DeploymentStatuses.Progressing) is null && DeploymentView.From(d).HasProgressDeadline)
        {
            var status = (JsonObject?)d["status"]?.DeepClone() ?? [];
            DeploymentStatuses.SetCondition(status, DeploymentStatuses.Progressing, "True", "FoundNewReplicaSet", $"Found new replica set \"{Name(updated)}\"", Time.GetUtcNow());
            await UpdateStatusAsync(Objects.Type("apps", "Deployment"), d, status, ct);
        }

        return updated;
    }

    /// <summary>getNewReplicaSet, creating: `&lt;deployment&gt;-&lt;hash&gt;` with the hash label on template and selector, sized by NewRSNewReplicas.</summary>
    private async Task<JsonObject?> CreateReplicaSetAsync(JsonObject d, DeploymentView view, List<JsonObject> old, CancellationToken ct)
    {
        var rsType = Objects.Type("apps", "ReplicaSet");
        var collisionCount = PodTemplates.Num(d["status"]?["collisionCount"]);
        var hash = PodTemplates.Hash(d["spec"]!["template"], collisionCount);
        var template = (JsonObject)d["spec"]!["template"]!.DeepClone();
        var labels = Model.Meta.Obj.EnsureObject(template, "metadata", "labels");
        labels[PodTemplates.PodTemplateHashLabel] = hash;
        var selector = (JsonObject)d["spec"]!["selector"]!.DeepClone();
        Model.Meta.Obj.EnsureObject(selector, "matchLabels")[PodTemplates.PodTemplateHashLabel] = hash;
        var all = old.Select(ReplicaSetView.From).ToList();
        var replicas = DeploymentPlanner.NewReplicaSetReplicas(view, [.. all, new ReplicaSetView("", 0, 0, 0, 0, 0, DateTimeOffset.MaxValue, null, null)], 0);
        var rs = new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "ReplicaSet",
            ["metadata"] = new JsonObject
            {
                ["name"] = $"{Name(d)}-{hash}",
                ["namespace"] = Ns(d),
                ["labels"] = labels.DeepClone(),
                ["annotations"] = new JsonObject(),
                ["ownerReferences"] = new JsonArray(PodTemplates.ControllerRef(d)),
            },
            ["spec"] = new JsonObject
            {
                ["replicas"] = replicas,
                ["minReadySeconds"] = d["spec"]?["minReadySeconds"]?.DeepClone() ?? 0,
                ["selector"] = selector,
                ["template"] = template,
            },
        };
        SetNewReplicaSetAnnotations(d, rs, DeploymentPlanner.NextRevision(all).ToString(CultureInfo.InvariantCulture), exists: false);
        JsonObject created;
        try
        {
            created = await Objects.CreateAsync(rsType, Ns(d), rs, ControllerWrite, ct);
        }
        catch (ApiException e) when (e.Code == 409)
        {
            // Ours and the same template: a resync got there first. Otherwise a hash collision: count it and retry.
            var existing = Objects.TryGet(rsType, Ns(d), Name(rs))?.Object;
            if (existing is not null && PodTemplates.ControllerUid(existing) == Uid(d) && PodTemplates.EqualIgnoreHash(existing["spec"]?["template"], d["spec"]?["template"]))
            {
                return existing;
            }

            var status = (JsonObject?)d["status"]?.DeepClone() ?? [];
            status["collisionCount"] = (collisionCount ?? 0) + 1;
            await UpdateStatusAsync(Objects.Type("apps", "Deployment"), d, status, ct);
            throw;
        }
        catch (ApiException e) when (e.Code is 403 or 422)
        {
            var message = $"Failed to create new replica set \"{Name(rs)}\": {e.Message}";
            var status = (JsonObject?)d["status"]?.DeepClone() ?? [];
            DeploymentStatuses.SetCondition(status, DeploymentStatuses.Progressing, "False", "ReplicaSetCreateError", message, Time.GetUtcNow());
            await UpdateStatusAsync(Objects.Type("apps", "Deployment"), d, status, ct);
            await _events.RecordAsync(d, "Warning", "ReplicaSetCreateError", message, ct);
            throw;
        }

        if (replicas > 0)
        {
            await _events.RecordAsync(d, "Normal", "ScalingReplicaSet", $"Scaled up replica set {Name(created)} from 0 to {replicas}", ct);
        }

        if (view.HasProgressDeadline)
        {
            var status = (JsonObject?)d["status"]?.DeepClone() ?? [];
            DeploymentStatuses.SetCondition(status, DeploymentStatuses.Progressing, "True", "NewReplicaSetCreated", $"Created new replica set \"{Name(created)}\"", Time.GetUtcNow());
            await UpdateStatusAsync(Objects.Type("apps", "Deployment"), d, status, ct);
        }

        return created;
    }

    /// <summary>SetNewReplicaSetAnnotations: the Deployment's annotations (but the skipped ones), the revision (keeping the revisions it had before in revision-history), and for a new one the replica annotations.</summary>
    private static bool SetNewReplicaSetAnnotations(JsonObject d, JsonObject rs, string newRevision, bool exists)
    {
        var view = DeploymentView.From(d);
        var annotations = Model.Meta.Obj.EnsureObject(rs, "metadata", "annotations");
        var changed = false;
        foreach (var (k, v) in d["metadata"]?["annotations"] as JsonObject ?? [])
        {
            if (!AnnotationsToSkip.Contains(k) && annotations[k]?.GetValue<string>() != v?.GetValue<string>())
            {
                annotations[k] = v?.DeepClone();
                changed = true;
            }
        }

        var oldRevision = annotations[DeploymentView.RevisionAnnotation]?.GetValue<string>();
        if (!long.TryParse(oldRevision ?? "0", CultureInfo.InvariantCulture, out var oldNumber))
        {
            return changed;
        }

        if (oldNumber < long.Parse(newRevision, CultureInfo.InvariantCulture))
        {
            annotations[DeploymentView.RevisionAnnotation] = newRevision;
            changed = true;
            if (oldRevision is not null)
            {
                var history = annotations[DeploymentView.RevisionHistoryAnnotation]?.GetValue<string>();
                var entries = string.IsNullOrEmpty(history) ? [] : history.Split(',').ToList();
                entries.Add(oldRevision);
                while (string.Join(',', entries).Length > MaxRevisionHistoryChars && entries.Count > 1)
                {
                    entries.RemoveAt(0);
                }

                annotations[DeploymentView.RevisionHistoryAnnotation] = string.Join(',', entries);
            }
        }

        if (!exists)
        {
            annotations[DeploymentView.DesiredReplicasAnnotation] = view.Replicas.ToString(CultureInfo.InvariantCulture);
            annotations[DeploymentView.MaxReplicasAnnotation] = (view.Replicas + view.MaxSurge).ToString(CultureInfo.InvariantCulture);
            changed = true;
        }

        return changed;
    }

    /// <summary>scaleReplicaSet: spec.replicas with the desired/max replica annotations, and the ScalingReplicaSet event.</summary>
    private async Task ApplyAsync(JsonObject d, DeploymentView view, IReadOnlyList<ScaleAction> actions, CancellationToken ct)
    {
        foreach (var action in actions)
        {
            var desired = view.Replicas.ToString(CultureInfo.InvariantCulture);
            var max = (view.Replicas + view.MaxSurge).ToString(CultureInfo.InvariantCulture);
            var scaled = false;
            await Objects.GuaranteedUpdateAsync(Objects.Type("apps", "ReplicaSet"), Ns(d), action.Name, rs =>
            {
                var annotations = Model.Meta.Obj.EnsureObject(rs, "metadata", "annotations");
                scaled = Replicas(rs) != action.To;
                if (!scaled && annotations[DeploymentView.DesiredReplicasAnnotation]?.GetValue<string>() == desired && annotations[DeploymentView.MaxReplicasAnnotation]?.GetValue<string>() == max)
                {
                    return null;
                }

                rs["spec"]!["replicas"] = action.To;
                annotations[DeploymentView.DesiredReplicasAnnotation] = desired;
                annotations[DeploymentView.MaxReplicasAnnotation] = max;
                return rs;
            }, ct: ct);
            if (scaled)
            {
                await _events.RecordAsync(d, "Normal", "ScalingReplicaSet", $"Scaled {action.Operation} replica set {action.Name} from {action.From} to {action.To}", ct);
            }
        }
    }

    private async Task CleanupAsync(JsonObject d, DeploymentView view, List<JsonObject> old, CancellationToken ct)
    {
        foreach (var name in DeploymentPlanner.HistoryToDelete(view, [.. old.Select(ReplicaSetView.From)]))
        {
            await DeleteQuietlyAsync(Objects.Type("apps", "ReplicaSet"), Ns(d), name, ct);
        }
    }

    /// <summary>syncRolloutStatus (or syncDeploymentStatus without progress): counts and conditions from the ReplicaSets as they are now; the revision annotation follows the new ReplicaSet.</summary>
    private async Task ReportAsync(string key, JsonObject? newRs, bool progress, CancellationToken ct)
    {
        var d = Store.Get(key)?.Object;
        if (d is null)
        {
            return;
        }

        var view = DeploymentView.From(d);
        var now = Time.GetUtcNow();
        var all = List($"/apps/replicasets/{Ns(d)}/").Where(r => PodTemplates.ControllerUid(r) == Uid(d)).ToList();
        var fresh = newRs is null ? null : all.FirstOrDefault(r => Uid(r) == Uid(newRs));
        var current = d["status"] as JsonObject;
        var status = DeploymentStatuses.Calculate(view, current, [.. all.Select(ReplicaSetView.From)], fresh is null ? null : ReplicaSetView.From(fresh), now);
        if (progress)
        {
            status = DeploymentStatuses.WithRolloutProgress(view, current, status, fresh is null ? null : Name(fresh), now);
        }

        if (fresh?["metadata"]?["annotations"]?[DeploymentView.RevisionAnnotation]?.GetValue<string>() is { } revision
            && d["metadata"]?["annotations"]?[DeploymentView.RevisionAnnotation]?.GetValue<string>() != revision)
        {
            d = await Objects.GuaranteedUpdateAsync(Objects.Type("apps", "Deployment"), Ns(d), Name(d), o =>
            {
                Model.Meta.Obj.EnsureObject(o, "metadata", "annotations")[DeploymentView.RevisionAnnotation] = revision;
                return o;
            }, ct: ct) ?? d;
        }

        await UpdateStatusAsync(Objects.Type("apps", "Deployment"), d, status, ct);
        if (progress && DeploymentStatuses.RecheckDeadlineAfter(view, status, status, now) is { } after)
        {
            EnqueueAfter(key, after, ct);
        }
    }

    private static IEnumerable<JsonObject> Refs(JsonObject o) => (o["metadata"]?["ownerReferences"] as JsonArray)?.OfType<JsonObject>() ?? [];
}
