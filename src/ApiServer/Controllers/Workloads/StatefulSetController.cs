using System.Globalization;
using System.Text.Json.Nodes;
using Kura.ApiServer.Handlers;
using Kura.Controllers.Workloads;
using Kura.Model.Errors;
using Kura.Model.Selectors;
using Kura.Store;

namespace Kura.ApiServer.Controllers.Workloads;

/// <summary>
/// The StatefulSet controller (pkg/controller/statefulset): revisions as ControllerRevisions
/// (StatefulSetRevisions), pods `&lt;set&gt;-&lt;ordinal&gt;` made in the order StatefulSetPlanner
/// decides, each after its claims `&lt;template&gt;-&lt;set&gt;-&lt;ordinal&gt;`, and the claims'
/// ownerReferences kept to persistentVolumeClaimRetentionPolicy (StatefulSetClaims) so the
/// garbage collector removes them only when the policy says Delete.
/// </summary>
public sealed class StatefulSetController(ObjectService objects) : WorkloadBase(objects)
{
    private const string Prefix = "/apps/statefulsets/";
    private readonly EventRecorder _events = new(objects, "statefulset-controller");

    protected override IReadOnlyList<string> WatchedPrefixes { get; } = [Prefix, "/core/pods/"];

    protected override IEnumerable<string> KeysFor(WatchEvent change) =>
        change.Key.StartsWith(Prefix, StringComparison.Ordinal) ? [change.Key] : OwnerKey(change, "StatefulSet", Prefix);

    protected override async Task ReconcileAsync(string key, CancellationToken ct)
    {
        var set = Store.Get(key)?.Object;
        if (set is null || set["metadata"]?["deletionTimestamp"] is not null)
        {
            return;
        }

        var ns = Ns(set);
        var view = StatefulSetView.From(set);
        var now = Time.GetUtcNow();
        var revisions = OwnedRevisions(set);
        var collisionCount = PodTemplates.Num(set["status"]?["collisionCount"]) ?? 0;
        var data = StatefulSetRevisions.Data(set);
        var decision = StatefulSetRevisions.Decide(Name(set), data, collisionCount, [.. revisions.Select(ToView)], set["status"]?["currentRevision"]?.GetValue<string>());
        await EnsureRevisionAsync(set, data, decision, ct);
        var pods = await ClaimPodsAsync(set, ct);

        // Claims of existing pods follow the retention policy before anything is deleted.
        foreach (var pod in pods.Where(p => !PodTemplates.IsTerminating(p)))
        {
            var ordinal = StatefulSetPlanner.Ordinal(Name(set), Name(pod));
            await FixClaimOwnersAsync(set, pod, ordinal >= 0 && ordinal < view.Replicas, ct);
        }

        var plan = StatefulSetPlanner.Plan(view, pods, decision.CurrentName, decision.UpdateName, collisionCount, now);
        foreach (var step in plan.Steps)
        {
            switch (step)
            {
                case CreateStatefulPod create:
                    var template = create.AtUpdateRevision || decision.CurrentName == decision.UpdateName
                        ? set["spec"]!["template"]!.AsObject()
                        : StatefulSetRevisions.Template(revisions.FirstOrDefault(r => Name(r) == decision.CurrentName)?["data"] ?? data);
                    await CreatePodAsync(set, create.Ordinal, template, create.AtUpdateRevision ? decision.UpdateName : decision.CurrentName, ct);
                    break;
                case DeleteStatefulPod delete:
                    await DeleteQuietlyAsync(Objects.Type("", "Pod"), ns, delete.Name, ct);
                    await _events.RecordAsync(set, "Normal", "SuccessfulDelete", $"delete Pod {delete.Name} in StatefulSet {Name(set)} successful", ct);
                    break;
            }
        }

        var current = Store.Get(key)?.Object;
        if (current is null)
        {
            return;
        }

        var after = List($"/core/pods/{ns}/").Where(p => PodTemplates.ControllerUid(p) == Uid(current)).ToList();
        var status = StatefulSetPlanner.Status(view, after, decision.CurrentName, decision.UpdateName, collisionCount, now);
        await UpdateStatusAsync(Objects.Type("apps", "StatefulSet"), current, status, ct);

        var live = new[] { decision.CurrentName, decision.UpdateName, status["currentRevision"]!.GetValue<string>() }.Concat(after.Select(StatefulSetPlanner.Revision));
        var limit = (int)(PodTemplates.Num(set["spec"]?["revisionHistoryLimit"]) ?? 10);
        foreach (var name in StatefulSetRevisions.ToDelete([.. OwnedRevisions(set).Select(ToView)], live, limit))
        {
            await DeleteQuietlyAsync(Objects.Type("apps", "ControllerRevision"), ns, name, ct);
        }

        if (ReplicaSetPlanner.NextAvailabilityCheck(after, view.MinReadySeconds, now) is { } wait)
        {
            EnqueueAfter(key, wait + TimeSpan.FromMilliseconds(100), ct);
        }
    }

    private List<JsonObject> OwnedRevisions(JsonObject set)
    {
        var selector = LabelSelector.FromJson(set["spec"]?["selector"] as JsonObject);
        return List($"/apps/controllerrevisions/{Ns(set)}/")
            .Where(r => PodTemplates.ControllerUid(r) == Uid(set) && selector.Matches(r["metadata"]?["labels"] as JsonObject)).ToList();
    }

    private static RevisionView ToView(JsonObject r) => new(Name(r), PodTemplates.Num(r["revision"]) ?? 0, r["data"]);

    /// <summary>Creates the update revision, or renumbers an older equal one (a roll back).</summary>
    private async Task EnsureRevisionAsync(JsonObject set, JsonObject data, RevisionDecision decision, CancellationToken ct)
    {
        var type = Objects.Type("apps", "ControllerRevision");
        if (decision.Renumber)
        {
            await Objects.GuaranteedUpdateAsync(type, Ns(set), decision.UpdateName, r =>
            {
                if (PodTemplates.Num(r["revision"]) == decision.UpdateNumber)
                {
                    return null;
                }

                r["revision"] = decision.UpdateNumber;
                return r;
            }, ct: ct);
            return;
        }

        if (!decision.Create)
        {
            return;
        }

        var labels = set["spec"]?["template"]?["metadata"]?["labels"]?.DeepClone() as JsonObject ?? [];
        labels[StatefulSetRevisions.HashLabel] = decision.UpdateName[(Name(set).Length + 1)..];
        var annotations = set["metadata"]?["annotations"]?.DeepClone() as JsonObject ?? [];
        var revision = new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "ControllerRevision",
            ["metadata"] = new JsonObject
            {
                ["name"] = decision.UpdateName,
                ["namespace"] = Ns(set),
                ["labels"] = labels,
                ["annotations"] = annotations,
                ["ownerReferences"] = new JsonArray(PodTemplates.ControllerRef(set)),
            },
            ["data"] = data.DeepClone(),
            ["revision"] = decision.UpdateNumber,
        };
        try
        {
            await Objects.CreateAsync(type, Ns(set), revision, ControllerWrite, ct);
        }
        catch (ApiException e) when (e.Code == 409)
        {
            // Same name, other data: a hash collision; count it so the next name differs.
            var existing = Objects.TryGet(type, Ns(set), decision.UpdateName)?.Object;
            if (existing is null || PodTemplates.Canonical(existing["data"]) != PodTemplates.Canonical(data))
            {
                var status = (JsonObject?)set["status"]?.DeepClone() ?? [];
                status["collisionCount"] = (PodTemplates.Num(status["collisionCount"]) ?? 0) + 1;
                await UpdateStatusAsync(Objects.Type("apps", "StatefulSet"), set, status, ct);
                throw;
            }
        }
    }

    /// <summary>Owned pods that match the selector; orphans named like this set's pods and matching it are adopted.</summary>
    private async Task<List<JsonObject>> ClaimPodsAsync(JsonObject set, CancellationToken ct)
    {
        var podType = Objects.Type("", "Pod");
        var selector = LabelSelector.FromJson(set["spec"]?["selector"] as JsonObject);
        var claimed = new List<JsonObject>();
        foreach (var pod in List($"/core/pods/{Ns(set)}/"))
        {
            var controller = PodTemplates.ControllerUid(pod);
            if (controller == Uid(set))
            {
                claimed.Add(pod);
            }
            else if (controller is null && !PodTemplates.IsTerminating(pod) && StatefulSetPlanner.Ordinal(Name(set), Name(pod)) >= 0 && selector.Matches(pod["metadata"]?["labels"] as JsonObject))
            {
                var adopted = await Objects.GuaranteedUpdateAsync(podType, Ns(set), Name(pod), p =>
                {
                    if (PodTemplates.ControllerUid(p) is not null)
                    {
                        return null;
                    }

                    p["metadata"]!["ownerReferences"] = new JsonArray([.. ((p["metadata"]?["ownerReferences"] as JsonArray)?.Select(r => r?.DeepClone()) ?? []), PodTemplates.ControllerRef(set)]);
                    return p;
                }, ct: ct);
                if (adopted is not null && PodTemplates.ControllerUid(adopted) == Uid(set))
                {
                    claimed.Add(adopted);
                }
            }
        }

        return claimed;
    }

    /// <summary>CreateStatefulPod: the claims first (events as upstream), then the pod; a stale claim (an earlier pod's, or being deleted) waits.</summary>
    private async Task CreatePodAsync(JsonObject set, int ordinal, JsonObject template, string revision, CancellationToken ct)
    {
        var claimType = Objects.Type("", "PersistentVolumeClaim");
        var name = $"{Name(set)}-{ordinal}";
        foreach (var claimTemplate in StatefulSetClaims.Templates(set))
        {
            var claimName = StatefulSetClaims.ClaimName(claimTemplate, Name(set), ordinal);
            if (Objects.TryGet(claimType, Ns(set), claimName)?.Object is { } existing)
            {
                if (StatefulSetClaims.IsStale(existing))
                {
                    return;
                }

                continue;
            }

            try
            {
                await Objects.CreateAsync(claimType, Ns(set), StatefulSetClaims.NewClaim(set, claimTemplate, ordinal), ControllerWrite, ct);
                await _events.RecordAsync(set, "Normal", "SuccessfulCreate", $"create Claim {claimName} Pod {name} in StatefulSet {Name(set)} success", ct);
            }
            catch (ApiException e) when (e.Code != 409)
            {
                await _events.RecordAsync(set, "Warning", "FailedCreate", $"create Claim {claimName} for Pod {name} in StatefulSet {Name(set)} failed error: {e.Message}", ct);
                throw;
            }
        }

        var pod = PodTemplates.NewPod(template, set, new Dictionary<string, string>
        {
            [StatefulSetPlanner.RevisionLabel] = revision,
            ["statefulset.kubernetes.io/pod-name"] = name,
            ["apps.kubernetes.io/pod-index"] = ordinal.ToString(CultureInfo.InvariantCulture),
        });
        pod["metadata"]!["name"] = name;
        var spec = pod["spec"]!.AsObject();
        spec["hostname"] = name;
        if (set["spec"]?["serviceName"]?.GetValue<string>() is { Length: > 0 } service)
        {
            spec["subdomain"] = service;
        }

        StatefulSetClaims.MountClaims(set, spec, ordinal);
        JsonObject created;
        try
        {
            created = await Objects.CreateAsync(Objects.Type("", "Pod"), Ns(set), pod, ControllerWrite, ct);
        }
        catch (ApiException e) when (e.Code == 409)
        {
            return;
        }
        catch (ApiException e)
        {
            await _events.RecordAsync(set, "Warning", "FailedCreate", $"create Pod {name} in StatefulSet {Name(set)} failed error: {e.Message}", ct);
            throw;
        }

        await _events.RecordAsync(set, "Normal", "SuccessfulCreate", $"create Pod {name} in StatefulSet {Name(set)} successful", ct);
        await FixClaimOwnersAsync(set, created, inRange: true, ct);
    }

    private async Task FixClaimOwnersAsync(JsonObject set, JsonObject pod, bool inRange, CancellationToken ct)
    {
        var ordinal = StatefulSetPlanner.Ordinal(Name(set), Name(pod));
        if (ordinal < 0)
        {
            return;
        }

        var claimType = Objects.Type("", "PersistentVolumeClaim");
        foreach (var claimName in StatefulSetClaims.ClaimNames(set, ordinal))
        {
            if (Objects.TryGet(claimType, Ns(set), claimName)?.Object is { } claim && StatefulSetClaims.OwnerRefs(claim, set, pod, inRange) is not null)
            {
                await SetOwnerRefsAsync(claimType, Ns(set), claimName, c => StatefulSetClaims.OwnerRefs(c, set, pod, inRange), ct);
            }
        }
    }
}
