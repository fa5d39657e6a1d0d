using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Kura.ApiServer.Handlers;
using Kura.Controllers.Scheduling;
using Kura.Model.Errors;
using Kura.Model.Meta;
using Kura.Store;

namespace Kura.ApiServer.Controllers.Scheduling;

/// <summary>
/// kube-controller-manager's node lifecycle controller, taint eviction controller and PodGC
/// (pkg/controller/nodelifecycle, tainteviction, podgc): nodes whose kubelet went silent for the
/// grace period get Unknown conditions and the unreachable taints; pods that do not tolerate a
/// NoExecute taint are deleted (gracefully: on a dead node they stay Terminating, as in
/// Kubernetes); pods whose node is gone, and terminating pods on an out-of-service node, are
/// force deleted.
/// </summary>
public sealed class NodeLifecycleController : StoreController
{
    private const string NodePrefix = "/core/nodes/";
    private const string PodPrefix = "/core/pods/";
    private const string LeasePrefix = "/coordination.k8s.io/leases/kube-node-lease/";
    private const string TickKey = "/kura/node-lifecycle-tick/";

    private readonly ObjectService _objects;
    private readonly TimeSpan _gracePeriod;
    private readonly TimeSpan _monitorPeriod;
    private readonly DateTimeOffset _start;
    private readonly EventRecorder _nodeEvents;
    private readonly EventRecorder _evictionEvents;
    private readonly ConcurrentDictionary<string, string?> _lastReady = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _taintSeen = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _evictionScheduled = new(StringComparer.Ordinal);

    public NodeLifecycleController(ObjectService objects, TimeSpan gracePeriod)
        : base(objects.Store, objects.Time)
    {
        _objects = objects;
        _gracePeriod = gracePeriod;

        // --node-monitor-period is 5 s; a shorter grace period (tests, `kura up`) checks more often.
        _monitorPeriod = TimeSpan.FromTicks(Math.Clamp(gracePeriod.Ticks / 4, TimeSpan.FromMilliseconds(200).Ticks, TimeSpan.FromSeconds(5).Ticks));
        _start = objects.Time.GetUtcNow();
        _nodeEvents = new EventRecorder(objects, "node-controller");
        _evictionEvents = new EventRecorder(objects, "taint-eviction-controller");
        Enqueue(TickKey);
    }

    protected override IReadOnlyList<string> WatchedPrefixes { get; } = [NodePrefix, LeasePrefix, PodPrefix];

    protected override IEnumerable<string> KeysFor(WatchEvent change)
    {
        if (change.Key.StartsWith(LeasePrefix, StringComparison.Ordinal))
        {
            return [NodeKey(change.Key[LeasePrefix.Length..])];
        }

        if (change.Key.StartsWith(NodePrefix, StringComparison.Ordinal))
        {
            var name = Obj.Name(change.Object);
            return [change.Key, .. PodKeysOn(name)];
        }

        return change.Type != WatchEventType.Deleted && !string.IsNullOrEmpty(Obj.GetString(change.Object, "spec", "nodeName")) ? [change.Key] : [];
    }

    private static string NodeKey(string name) => $"{NodePrefix}/{name}";

    private List<string> PodKeysOn(string node) =>
        [.. Store.List(PodPrefix).Items.Where(i => Obj.GetString(i.Object, "spec", "nodeName") == node).Select(i => i.Key)];

    protected override Task ReconcileAsync(string key, CancellationToken ct)
    {
        if (key == TickKey)
        {
            foreach (var item in Store.List(NodePrefix).Items)
            {
                Enqueue(item.Key);
            }

            RequeueAfter(TickKey, _monitorPeriod, ct);
            return Task.CompletedTask;
        }

        return key.StartsWith(NodePrefix, StringComparison.Ordinal) ? SyncNodeAsync(key, ct) : SyncPodAsync(key, ct);
    }

    private async Task SyncNodeAsync(string key, CancellationToken ct)
    {
        var node = Store.Get(key)?.Object;
        if (node is null)
        {
            _lastReady.TryRemove(key, out _);
            return;
        }

        var name = Obj.Name(node);
        var nodeType = _objects.Type("", "Node");
        var plan = Plan(node);
        if (plan.Conditions is not null)
        {
            // Re-planned on the object being written, so a status the kubelet posted meanwhile wins.
            node = await _objects.GuaranteedUpdateAsync(nodeType, null, name, n =>
            {
                var fresh = Plan(n);
                if (fresh.Conditions is null)
                {
                    return null;
                }

                ((JsonObject)(n["status"] ??= new JsonObject()))["conditions"] = fresh.Conditions;
                return n;
            }, "status", ct) ?? node;
        }

        if (Plan(node).ChangesTaints)
        {
            node = await _objects.GuaranteedUpdateAsync(nodeType, null, name, n =>
            {
                var fresh = Plan(n);
                if (!fresh.ChangesTaints)
                {
                    return null;
                }

                var spec = (JsonObject)(n["spec"] ??= new JsonObject());
                spec["taints"] = NodeLifecycle.ApplyTaints(spec["taints"] as JsonArray, fresh);
                return n;
            }, ct: ct) ?? node;
        }

        var ready = NodeLifecycle.ReadyStatus(node);
        var hadPrevious = _lastReady.TryGetValue(key, out var previous);
        _lastReady[key] = ready;
        if (hadPrevious && previous == "True" && ready != "True")
        {
            // RecordNodeStatusChange and MarkPodsNotReady (pkg/controller/util/node).
            await _nodeEvents.RecordAsync(node, "Normal", "NodeNotReady", $"Node {name} status is now: NodeNotReady", ct);
            if (ready == "Unknown")
            {
                await MarkPodsNotReadyAsync(name, ct);
            }
        }
    }

    private NodeHealthPlan Plan(JsonObject node)
    {
        var lease = Store.Get($"{LeasePrefix}{Obj.Name(node)}")?.Object;
        return NodeLifecycle.Plan(node, lease, Time.GetUtcNow(), _gracePeriod, _start);
    }

    private async Task MarkPodsNotReadyAsync(string node, CancellationToken ct)
    {
        var podType = _objects.Type("", "Pod");
        foreach (var item in Store.List(PodPrefix).Items.Where(i => Obj.GetString(i.Object, "spec", "nodeName") == node))
        {
            var changed = false;
            var updated = await _objects.GuaranteedUpdateAsync(podType, Obj.Namespace(item.Object), Obj.Name(item.Object), p =>
            {
                var ready = (p["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => Obj.GetString(c, "type") == "Ready");
                if (ready is null || Obj.GetString(ready, "status") == "False")
                {
                    return null;
                }

                ready["status"] = "False";
                ready["lastTransitionTime"] = Obj.Rfc3339(Time.GetUtcNow());
                changed = true;
                return p;
            }, "status", ct);
            if (changed && updated is not null)
            {
                await _nodeEvents.RecordAsync(updated, "Warning", "NodeNotReady", "Node is not ready", ct);
            }
        }
    }

    private async Task SyncPodAsync(string key, CancellationToken ct)
    {
        var pod = Store.Get(key)?.Object;
        var nodeName = pod is null ? null : Obj.GetString(pod, "spec", "nodeName");
        if (pod is null || string.IsNullOrEmpty(nodeName))
        {
            Forget(key);
            return;
        }

        var node = Store.Get(NodeKey(nodeName))?.Object;
        switch (TaintEviction.DecideGc(pod, node))
        {
            case PodGcAction.DeleteOrphan:
                await FailAndDeleteAsync(pod, ("DeletionByPodGC", "PodGC: node no longer exists"), ct);
                Forget(key);
                return;
            case PodGcAction.ForceDeleteOutOfService:
                await FailAndDeleteAsync(pod, null, ct);
                Forget(key);
                return;
        }

        if (node is null || pod["metadata"]?["deletionTimestamp"] is not null)
        {
            return;
        }

        var now = Time.GetUtcNow();
        var taints = Taint.Of(node);
        if (!taints.Any(t => t.Effect == SchedulingNames.NoExecute))
        {
            if (_evictionScheduled.TryRemove(key, out _))
            {
                await _evictionEvents.RecordAsync(pod, "Normal", "TaintManagerEviction", $"Cancelling deletion of Pod {Obj.Namespace(pod)}/{Obj.Name(pod)}", ct);
            }

            _taintSeen.TryRemove(key, out _);
            return;
        }

        var decision = TaintEviction.Decide(pod, taints, now, _taintSeen.GetOrAdd(key, now));
        switch (decision.Action)
        {
            case EvictionAction.DeleteNow:
                await EvictAsync(pod, ct);
                Forget(key);
                break;
            case EvictionAction.DeleteLater:
                _evictionScheduled[key] = 0;
                RequeueAfter(key, decision.At!.Value - now, ct);
                break;
            default:
                _evictionScheduled.TryRemove(key, out _);
                break;
        }
    }

    private void Forget(string key)
    {
        _taintSeen.TryRemove(key, out _);
        _evictionScheduled.TryRemove(key, out _);
    }

    /// <summary>addConditionAndDeletePod: DisruptionTarget, the TaintManagerEviction event, then a normal (graceful) delete.</summary>
    private async Task EvictAsync(JsonObject pod, CancellationToken ct)
    {
        var ns = Obj.Namespace(pod);
        var name = Obj.Name(pod);
        await _evictionEvents.RecordAsync(pod, "Normal", "TaintManagerEviction", $"Marking for deletion Pod {ns}/{name}", ct);
        await AddDisruptionTargetAsync(pod, ("DeletionByTaintManager", "Taint manager: deleting due to NoExecute taint"), markFailed: false, ct);
        await DeleteAsync(pod, new DeleteOptions(PreconditionUid: Obj.Uid(pod)), ct);
    }

    /// <summary>markFailedAndDeletePodWithCondition: phase Failed (and a DisruptionTarget condition), then delete with grace 0.</summary>
    private async Task FailAndDeleteAsync(JsonObject pod, (string Reason, string Message)? condition, CancellationToken ct)
    {
        await AddDisruptionTargetAsync(pod, condition, markFailed: true, ct);
        await DeleteAsync(pod, new DeleteOptions(GracePeriodSeconds: 0, PreconditionUid: Obj.Uid(pod)), ct);
    }

    private async Task AddDisruptionTargetAsync(JsonObject pod, (string Reason, string Message)? condition, bool markFailed, CancellationToken ct)
    {
        var now = Obj.Rfc3339(Time.GetUtcNow());
        await _objects.GuaranteedUpdateAsync(_objects.Type("", "Pod"), Obj.Namespace(pod), Obj.Name(pod), p =>
        {
            var status = (JsonObject)(p["status"] ??= new JsonObject());
            var changed = false;
            if (condition is { } c)
            {
                var conditions = status["conditions"] as JsonArray ?? [];
                if (!conditions.OfType<JsonObject>().Any(x => Obj.GetString(x, "type") == "DisruptionTarget"))
                {
                    conditions.Add(new JsonObject
                    {
                        ["type"] = "DisruptionTarget",
                        ["status"] = "True",
                        ["lastProbeTime"] = null,
                        ["lastTransitionTime"] = now,
                        ["reason"] = c.Reason,
                        ["message"] = c.Message,
                    });
                    status["conditions"] = conditions;
                    changed = true;
                }
            }

            if (markFailed && Obj.GetString(status, "phase") is not ("Succeeded" or "Failed"))
            {
                status["phase"] = "Failed";
                changed = true;
            }

            return changed ? p : null;
        }, "status", ct);
    }

    private async Task DeleteAsync(JsonObject pod, DeleteOptions options, CancellationToken ct)
    {
        try
        {
            await _objects.DeleteAsync(_objects.Type("", "Pod"), Obj.Namespace(pod), Obj.Name(pod), options, ct);
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
            // Already gone, or replaced by a new pod of the same name: nothing to evict.
        }
    }

    private void RequeueAfter(string key, TimeSpan delay, CancellationToken ct) =>
        _ = Task.Run(async () =>
        {
            try
            {
                await Task.Delay(delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Time, ct);
                Enqueue(key);
            }
            catch (OperationCanceledException)
            {
            }
        }, CancellationToken.None);
}
