using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Kura.ApiServer.Handlers;
using Kura.Controllers.Scheduling;
using Kura.Controllers.Volumes;
using Kura.Model.Errors;
using Kura.Model.Meta;
using Kura.Store;

namespace Kura.ApiServer.Controllers.Scheduling;

/// <summary>
/// kube-scheduler's loop (pkg/scheduler/schedule_one.go): each pending pod of default-scheduler
/// goes through <see cref="PodScheduler"/>; a chosen node gets the pod's volumes ready first
/// (VolumeBinding PreBind: static volumes pre-bound, WaitForFirstConsumer claims annotated with
/// the selected node, then waiting until the binder has bound them all), then the pod is bound as
/// pods/binding does. Unschedulable pods get PodScheduled=False and a FailedScheduling event, and
/// are retried when nodes, claims, volumes or classes change, when a placed pod goes, and periodically.
/// </summary>
public sealed class SchedulerController : StoreController
{
    private const string PodPrefix = "/core/pods/";
    private const string NodePrefix = "/core/nodes/";
    private const string ClaimPrefix = "/core/persistentvolumeclaims/";
    private const string VolumePrefix = "/core/persistentvolumes/";
    private const string ClassPrefix = "/storage.k8s.io/storageclasses/";
    private const string TickKey = "/kura/scheduler-tick/";
    private static readonly TimeSpan RetryPeriod = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan VolumeWait = TimeSpan.FromSeconds(1);

    private readonly ObjectService _objects;
    private readonly EventRecorder _events;
    private readonly ConcurrentDictionary<string, byte> _unschedulable = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _assumed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _nodeShapes = new(StringComparer.Ordinal);

    public SchedulerController(ObjectService objects)
        : base(objects.Store, objects.Time)
    {
        _objects = objects;
        _events = new EventRecorder(objects, SchedulingNames.DefaultScheduler);
        Enqueue(TickKey);
    }

    protected override IReadOnlyList<string> WatchedPrefixes { get; } = [PodPrefix, NodePrefix, ClaimPrefix, VolumePrefix, ClassPrefix];

    protected override IEnumerable<string> KeysFor(WatchEvent change)
    {
        if (change.Key.StartsWith(PodPrefix, StringComparison.Ordinal))
        {
            if (change.Type != WatchEventType.Deleted && IsPending(change.Object))
            {
                return [change.Key];
            }

            // A placed pod that goes away or finishes frees room on its node.
            var placed = !string.IsNullOrEmpty(Obj.GetString(change.Object, "spec", "nodeName"));
            var finished = !PodScheduler.IsActive(change.Object) && (change.Previous is null || PodScheduler.IsActive(change.Previous));
            return placed && (change.Type == WatchEventType.Deleted || finished) ? WaitingKeys() : [];
        }

        if (change.Key.StartsWith(NodePrefix, StringComparison.Ordinal))
        {
            // Heartbeats alone do not make a pod schedulable: only a change of what the filters read does.
            var shape = change.Type == WatchEventType.Deleted ? "" : NodeShape(change.Object);
            var old = _nodeShapes.GetValueOrDefault(change.Key);
            if (shape.Length == 0)
            {
                _nodeShapes.TryRemove(change.Key, out _);
            }
            else
            {
                _nodeShapes[change.Key] = shape;
            }

            return old == shape ? [] : WaitingKeys();
        }

        return WaitingKeys();
    }

    private List<string> WaitingKeys() => [.. _unschedulable.Keys, .. _assumed.Keys];

    private static string NodeShape(JsonObject node) => string.Join("|",
        node["metadata"]?["labels"]?.ToJsonString(), node["spec"]?["taints"]?.ToJsonString(), node["spec"]?["unschedulable"]?.ToJsonString(),
        node["status"]?["allocatable"]?.ToJsonString(), NodeLifecycle.ReadyStatus(node));

    /// <summary>A pod this scheduler should place: no node yet, not being deleted, ours, not gated.</summary>
    public static bool IsPending(JsonObject pod) =>
        string.IsNullOrEmpty(Obj.GetString(pod, "spec", "nodeName"))
        && pod["metadata"]?["deletionTimestamp"] is null
        && (Obj.GetString(pod, "spec", "schedulerName") ?? SchedulingNames.DefaultScheduler) == SchedulingNames.DefaultScheduler
        && (pod["spec"]?["schedulingGates"] as JsonArray ?? []).Count == 0;

    protected override async Task ReconcileAsync(string key, CancellationToken ct)
    {
        if (key == TickKey)
        {
            foreach (var waiting in WaitingKeys())
            {
                Enqueue(waiting);
            }

            RequeueAfter(TickKey, RetryPeriod, ct);
            return;
        }

        var pod = Store.Get(key)?.Object;
        if (pod is null || !IsPending(pod))
        {
            _unschedulable.TryRemove(key, out _);
            _assumed.TryRemove(key, out _);
            return;
        }

        var ns = Obj.Namespace(pod) ?? "default";
        var claims = Store.List($"{ClaimPrefix}{ns}/").Items.ToDictionary(i => Obj.Name(i.Object), i => i.Object, StringComparer.Ordinal);
        if (_assumed.TryGetValue(key, out var assumedNode))
        {
            if (await FinishBindingAsync(key, pod, assumedNode, claims, ct))
            {
                return;
            }

            _assumed.TryRemove(key, out _);
        }

        var nodes = Store.List(NodePrefix).Items.Select(i => i.Object).ToList();
        var placed = Store.List(PodPrefix).Items
            .Select(i => (Key: i.Key, Pod: i.Object, Node: Obj.GetString(i.Object, "spec", "nodeName") ?? _assumed.GetValueOrDefault(i.Key)))
            .Where(p => !string.IsNullOrEmpty(p.Node) && p.Key != key)
            .Select(p => new PlacedPod(p.Pod, p.Node!))
            .ToList();
        var volumes = Store.List(VolumePrefix).Items.Select(i => i.Object).ToList();
        var classes = Store.List(ClassPrefix).Items.ToDictionary(i => Obj.Name(i.Object), i => i.Object, StringComparer.Ordinal);
        var result = PodScheduler.Schedule(new SchedulingInput(pod, nodes, placed, claims, volumes, classes));
        if (result.Node is not { } node)
        {
            _unschedulable[key] = 0;
            await SetUnschedulableAsync(pod, result.Failure!, ct);
            await _events.RecordAsync(Store.Get(key)?.Object ?? pod, "Warning", "FailedScheduling", result.Failure!, ct);
            return;
        }

        _unschedulable.TryRemove(key, out _);
        foreach (var binding in result.Bindings)
        {
            await PreBindVolumeAsync(claims[binding.Claim], binding.Volume, ct);
        }

        foreach (var claim in result.ProvisionClaims)
        {
            await SelectNodeAsync(ns, claim, node, ct);
        }

        _assumed[key] = node;
        var fresh = Store.List($"{ClaimPrefix}{ns}/").Items.ToDictionary(i => Obj.Name(i.Object), i => i.Object, StringComparer.Ordinal);
        if (!await FinishBindingAsync(key, pod, node, fresh, ct))
        {
            _assumed.TryRemove(key, out _);
            Enqueue(key);
        }
    }

    /// <summary>
    /// PreBind's wait and Bind: binds the pod once all its claims are bound; returns false when the
    /// assumption no longer holds (node gone, or a claim was handed back for rescheduling).
    /// </summary>
    private async Task<bool> FinishBindingAsync(string key, JsonObject pod, string node, Dictionary<string, JsonObject> claims, CancellationToken ct)
    {
        if (Store.Get($"{NodePrefix}/{node}") is null)
        {
            return false;
        }

        var waiting = false;
        foreach (var name in VolumeBinding.ClaimNames(pod))
        {
            if (!claims.TryGetValue(name, out var claim))
            {
                return false;
            }

            if (VolumeBinding.IsFullyBound(claim))
            {
                continue;
            }

            var selected = Obj.GetString(claim, "metadata", "annotations", StorageNames.SelectedNode);
            var preBound = Store.List(VolumePrefix).Items.Any(i => i.Object["spec"]?["claimRef"] is JsonObject r && VolumeMatcher.PointsAt(r, claim));
            if (selected != node && !preBound)
            {
                return false;
            }

            waiting = true;
        }

        if (waiting)
        {
            RequeueAfter(key, VolumeWait, ct);
            return true;
        }

        var ns = Obj.Namespace(pod) ?? "default";
        var name2 = Obj.Name(pod);
        try
        {
            await PodBinder.BindAsync(_objects, ns, name2, node, ct);
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
            // Deleted, bound by someone else, or being deleted: nothing left to schedule.
            _assumed.TryRemove(key, out _);
            return true;
        }

        _assumed.TryRemove(key, out _);
        await _events.RecordAsync(Store.Get(key)?.Object ?? pod, "Normal", "Scheduled", $"Successfully assigned {ns}/{name2} to {node}", ct);
        return true;
    }

    /// <summary>bindAPIUpdate for a static volume: claimRef to the claim and bound-by-controller, as BindVolumeToClaim does.</summary>
    private async Task PreBindVolumeAsync(JsonObject claim, string volume, CancellationToken ct)
    {
        var claimRef = new JsonObject
        {
            ["kind"] = "PersistentVolumeClaim",
            ["namespace"] = Obj.Namespace(claim),
            ["name"] = Obj.Name(claim),
            ["uid"] = Obj.Uid(claim),
            ["apiVersion"] = "v1",
            ["resourceVersion"] = Obj.ResourceVersion(claim),
        };
        await _objects.GuaranteedUpdateAsync(_objects.Type("", "PersistentVolume"), null, volume, pv =>
        {
            if (pv["spec"]?["claimRef"] is JsonObject existing)
            {
                return VolumeMatcher.PointsAt(existing, claim) ? null : throw new InvalidOperationException($"volume {volume} was taken by another claim");
            }

            ((JsonObject)pv["spec"]!)["claimRef"] = claimRef.DeepClone();
            Obj.EnsureObject(pv, "metadata", "annotations")[StorageNames.BoundByController] = "yes";
            return pv;
        }, ct: ct);
    }

    /// <summary>The selected-node annotation that tells the provisioner where to create the volume.</summary>
    private async Task SelectNodeAsync(string ns, string claim, string node, CancellationToken ct) =>
        await _objects.GuaranteedUpdateAsync(_objects.Type("", "PersistentVolumeClaim"), ns, claim, c =>
        {
            var annotations = Obj.EnsureObject(c, "metadata", "annotations");
            if (annotations[StorageNames.SelectedNode] is not null)
            {
                return null;
            }

            annotations[StorageNames.SelectedNode] = node;
            return c;
        }, ct: ct);

    /// <summary>updatePod in handleSchedulingFailure: PodScheduled=False, reason Unschedulable, the FitError message.</summary>
    private async Task SetUnschedulableAsync(JsonObject pod, string message, CancellationToken ct)
    {
        var now = Obj.Rfc3339(Time.GetUtcNow());
        await _objects.GuaranteedUpdateAsync(_objects.Type("", "Pod"), Obj.Namespace(pod), Obj.Name(pod), p =>
        {
            var status = p["status"] as JsonObject ?? [];
            var conditions = status["conditions"] as JsonArray ?? [];
            var existing = conditions.OfType<JsonObject>().FirstOrDefault(c => Obj.GetString(c, "type") == "PodScheduled");
            if (existing is not null && Obj.GetString(existing, "status") == "False" && Obj.GetString(existing, "reason") == "Unschedulable" && Obj.GetString(existing, "message") == message)
            {
                return null;
            }

            var since = existing is not null && Obj.GetString(existing, "status") == "False" ? Obj.GetString(existing, "lastTransitionTime") ?? now : now;
            if (existing is not null)
            {
                conditions.Remove(existing);
            }

            conditions.Add(new JsonObject
            {
                ["type"] = "PodScheduled",
                ["status"] = "False",
                ["lastProbeTime"] = null,
                ["lastTransitionTime"] = since,
                ["reason"] = "Unschedulable",
                ["message"] = message,
            });
            status["conditions"] = conditions;
            status["phase"] ??= "Pending";
            p["status"] = status;
            return p;
        }, "status", ct);
    }

    private void RequeueAfter(string key, TimeSpan delay, CancellationToken ct) =>
        _ = Task.Run(async () =>
        {
            try
            {
                await Task.Delay(delay, Time, ct);
                Enqueue(key);
            }
            catch (OperationCanceledException)
            {
            }
        }, CancellationToken.None);
}
