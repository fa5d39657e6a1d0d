using System.Text.Json.Nodes;
using Kura.Controllers.Volumes;
using Kura.Model.Meta;
using Kura.Model.Quantities;

namespace Kura.Controllers.Scheduling;

/// <summary>A static PersistentVolume the scheduler pre-binds to a WaitForFirstConsumer claim.</summary>
public sealed record StaticBinding(string Claim, string Volume);

/// <summary>What the VolumeBinding plugin decided for one node.</summary>
public sealed record NodeVolumes(IReadOnlyList<string> Reasons, IReadOnlyList<StaticBinding> Bindings, IReadOnlyList<string> Provision)
{
    public static readonly NodeVolumes None = new([], [], []);
}

/// <summary>
/// The VolumeBinding plugin (pkg/scheduler/framework/plugins/volumebinding and its binder.go):
/// PreFilter rejects missing or deleting claims and unbound Immediate claims; Filter checks bound
/// volumes' node affinity and finds, for unbound WaitForFirstConsumer claims, a matching static
/// volume on the node or a class that may provision there.
/// </summary>
public sealed class VolumeBinding
{
    private readonly List<JsonObject> _bound = [];
    private readonly List<JsonObject> _delayed = [];
    private readonly IReadOnlyList<JsonObject> _volumes;
    private readonly IReadOnlyDictionary<string, JsonObject> _classes;

    private VolumeBinding(IReadOnlyList<JsonObject> volumes, IReadOnlyDictionary<string, JsonObject> classes)
    {
        _volumes = volumes;
        _classes = classes;
    }

    public bool HasClaims => _bound.Count > 0 || _delayed.Count > 0;

    /// <summary>Names of the claims a pod uses, in volume order (a generic ephemeral volume's claim is pod-volume).</summary>
    public static IReadOnlyList<string> ClaimNames(JsonObject pod) =>
        (pod["spec"]?["volumes"] as JsonArray)?.OfType<JsonObject>()
            .Select(v => Obj.GetString(v, "persistentVolumeClaim", "claimName")
                ?? (v["ephemeral"] is JsonObject ? $"{Obj.Name(pod)}-{Obj.GetString(v, "name")}" : null))
            .OfType<string>().ToList() ?? [];

    /// <summary>PreFilter: the claims' state, or the message that makes the pod unschedulable on every node.</summary>
    public static (VolumeBinding? Binding, string? Failure) PreFilter(JsonObject pod, IReadOnlyDictionary<string, JsonObject> claims,
        IReadOnlyList<JsonObject> volumes, IReadOnlyDictionary<string, JsonObject> classes)
    {
        var binding = new VolumeBinding(volumes, classes);
        var immediateUnbound = false;
        foreach (var name in ClaimNames(pod))
        {
            if (!claims.TryGetValue(name, out var claim))
            {
                return (null, $"persistentvolumeclaim \"{name}\" not found");
            }

            if (claim["metadata"]?["deletionTimestamp"] is not null)
            {
                return (null, $"persistentvolumeclaim \"{name}\" is being deleted");
            }

            if (IsFullyBound(claim))
            {
                binding._bound.Add(claim);
            }
            else if (IsDelayed(claim, classes))
            {
                binding._delayed.Add(claim);
            }
            else
            {
                immediateUnbound = true;
            }
        }

        return immediateUnbound ? (null, SchedulingNames.ReasonUnboundImmediate) : (binding, null);
    }

    /// <summary>isPVCFullyBound: a volume name and the binder's bind-completed annotation.</summary>
    public static bool IsFullyBound(JsonObject claim) =>
        !string.IsNullOrEmpty(Obj.GetString(claim, "spec", "volumeName")) && claim["metadata"]?["annotations"]?[StorageNames.BindCompleted] is not null;

    /// <summary>IsDelayBindingMode: the claim's class exists and waits for the first consumer.</summary>
    public static bool IsDelayed(JsonObject claim, IReadOnlyDictionary<string, JsonObject> classes) =>
        classes.TryGetValue(VolumeMatcher.ClassOf(claim), out var sc) && Obj.GetString(sc, "volumeBindingMode") == "WaitForFirstConsumer";

    /// <summary>Filter (FindPodVolumes) for one node.</summary>
    public NodeVolumes Filter(JsonObject node)
    {
        var reasons = new List<string>();
        foreach (var claim in _bound)
        {
            var pv = _volumes.FirstOrDefault(v => Obj.Name(v) == Obj.GetString(claim, "spec", "volumeName"));
            if (pv is null)
            {
                reasons.Add(SchedulingNames.ReasonPvNotExist);
                break;
            }

            if (!NodeSelection.VolumeAllowsNode(pv, node))
            {
                reasons.Add(SchedulingNames.ReasonVolumeNodeConflict);
                break;
            }
        }

        var nodeName = Obj.Name(node);
        var toProvision = new List<JsonObject>();
        var toMatch = new List<JsonObject>();
        foreach (var claim in _delayed)
        {
            var selected = Obj.GetString(claim, "metadata", "annotations", StorageNames.SelectedNode);
            if (selected is null)
            {
                toMatch.Add(claim);
            }
            else if (selected == nodeName)
            {
                toProvision.Add(claim);
            }
            else
            {
                // Fast path: the claim is already being provisioned for another node.
                reasons.Add(SchedulingNames.ReasonVolumeBindConflict);
                return new NodeVolumes(reasons, [], []);
            }
        }

        // findMatchingVolumes: smallest claims first, each volume used once.
        var bindings = new List<StaticBinding>();
        var chosen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var claim in toMatch.OrderBy(Request))
        {
            if (MatchStatic(claim, node, chosen) is { } pv)
            {
                chosen.Add(Obj.Name(pv));
                bindings.Add(new StaticBinding(Obj.Name(claim), Obj.Name(pv)));
            }
            else
            {
                toProvision.Add(claim);
            }
        }

        // checkVolumeProvisions: the class needs a real provisioner whose allowedTopologies admit the node.
        foreach (var claim in toProvision)
        {
            var sc = _classes.GetValueOrDefault(VolumeMatcher.ClassOf(claim));
            var provisioner = sc is null ? "" : Obj.GetString(sc, "provisioner") ?? "";
            if (provisioner.Length == 0 || provisioner == StorageNames.NoProvisioner || !NodeSelection.TopologyAllowsNode(sc!["allowedTopologies"] as JsonArray, node))
            {
                reasons.Add(SchedulingNames.ReasonVolumeBindConflict);
                break;
            }
        }

        if (reasons.Count > 0)
        {
            return new NodeVolumes(reasons, [], []);
        }

        var provision = toProvision.Where(c => Obj.GetString(c, "metadata", "annotations", StorageNames.SelectedNode) is null).Select(Obj.Name).ToList();
        return new NodeVolumes([], bindings, provision);
    }

    /// <summary>FindMatchingVolume with a node: a volume pre-bound to the claim must suit the node; otherwise the smallest available one on it.</summary>
    private JsonObject? MatchStatic(JsonObject claim, JsonObject node, HashSet<string> chosen)
    {
        var preBound = _volumes.FirstOrDefault(v => v["spec"]?["claimRef"] is JsonObject r && VolumeMatcher.PointsAt(r, claim) && v["metadata"]?["deletionTimestamp"] is null);
        if (preBound is not null)
        {
            return NodeSelection.VolumeAllowsNode(preBound, node) && !chosen.Contains(Obj.Name(preBound)) ? preBound : null;
        }

        var candidates = _volumes.Where(v => v["spec"]?["claimRef"] is null && !chosen.Contains(Obj.Name(v)) && NodeSelection.VolumeAllowsNode(v, node));
        return VolumeMatcher.FindBestMatch(claim, candidates, delayBinding: false);
    }

    private static decimal Request(JsonObject claim) =>
        claim["spec"]?["resources"]?["requests"]?["storage"] is JsonNode v && Quantity.TryParse(v.ToString(), out var q) ? q.Amount : 0;
}
