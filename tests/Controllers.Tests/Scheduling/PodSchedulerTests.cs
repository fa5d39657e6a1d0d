using System.Text.Json.Nodes;
using Kura.Controllers.Scheduling;
using static Kura.Controllers.Tests.Scheduling.SchedulingFixtures;

namespace Kura.Controllers.Tests.Scheduling;

/// <summary>Filters, scores and kube-scheduler's exact FitError texts (v1.32 wording).</summary>
public sealed class PodSchedulerTests
{
    private const string Unreachable = """[{"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule"}, {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute", "timeAdded": "2026-01-01T00:00:00Z"}]""";

    public sealed record Case(string Name, JsonObject Pod, JsonObject[] Nodes, string? Node, string? Message,
        PlacedPod[]? Placed = null, JsonObject[]? Claims = null, JsonObject[]? Volumes = null, JsonObject[]? Classes = null)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Case> Cases() =>
    [
        new("no nodes", Pod("p"), [], null, "no nodes available to schedule pods"),
        new("fits the only node", Pod("p"), [Node("n1")], "n1", null),
        new("untolerated taint and selector",
            Pod("p", spec: """{"nodeSelector": {"disk": "ssd"}}"""),
            [Node("n1", taints: Unreachable), Node("n2"), Node("n3", labels: """{"disk": "ssd"}""", taints: """[{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]""")],
            null,
            "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."),
        new("toleration lets the pod in",
            Pod("p", spec: """{"tolerations": [{"key": "dedicated", "operator": "Equal", "value": "gpu", "effect": "NoSchedule"}]}"""),
            [Node("n1", taints: """[{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]""")], "n1", null),
        new("PreferNoSchedule only scores",
            Pod("p"), [Node("a", taints: """[{"key": "x", "effect": "PreferNoSchedule"}]"""), Node("b")], "b", null),
        new("not-ready node is implicitly tainted",
            Pod("p"), [Node("n1", ready: "False")], null,
            "0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."),
        new("cordoned node",
            Pod("p"), [Node("n1", unschedulable: true)], null,
            "0/1 nodes are available: 1 node(s) were unschedulable. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."),
        new("insufficient cpu: no victims",
            Pod("p", cpu: "3"), [Node("n1"), Node("n2", ready: "Unknown")], null,
            "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling."),
        new("requests of placed pods count",
            Pod("p", cpu: "1500m"), [Node("a"), Node("b")], "b", null, Placed: [new PlacedPod(Pod("q", cpu: "1"), "a")]),
        new("too many pods",
            Pod("p"), [Node("a", pods: "1")], null,
            "0/1 nodes are available: 1 Too many pods. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
            Placed: [new PlacedPod(Pod("q"), "a")]),
        new("least allocated wins",
            Pod("p", cpu: "500m"), [Node("a"), Node("b", cpu: "8")], "b", null),
        new("affinity In / NotIn / Gt",
            Pod("p", spec: """{"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "zone", "operator": "In", "values": ["z1"]}, {"key": "gen", "operator": "Gt", "values": ["3"]}, {"key": "old", "operator": "DoesNotExist"}]}]}}}}"""),
            [Node("a", labels: """{"zone": "z1", "gen": "3"}"""), Node("b", labels: """{"zone": "z1", "gen": "5", "old": "y"}"""), Node("c", labels: """{"zone": "z1", "gen": "4"}""")], "c", null),
        new("matchFields metadata.name",
            Pod("p", spec: """{"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["b"]}]}]}}}}"""),
            [Node("a"), Node("b")], "b", null),
        new("claim not found",
            Pod("p", spec: """{"volumes": [{"name": "v", "persistentVolumeClaim": {"claimName": "data"}}]}"""), [Node("a"), Node("b")], null,
            "0/2 nodes are available: persistentvolumeclaim \"data\" not found. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling."),
        new("unbound immediate claim",
            Pod("p", spec: """{"volumes": [{"name": "v", "persistentVolumeClaim": {"claimName": "data"}}]}"""), [Node("a")], null,
            "0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
            Claims: [Claim("data")]),
        new("bound volume pins the node",
            Pod("p", spec: """{"volumes": [{"name": "v", "persistentVolumeClaim": {"claimName": "data"}}]}"""), [Node("a"), Node("b"), Node("c")], "b", null,
            Claims: [Claim("data", volume: "pv-b")], Volumes: [Volume("pv-b", "b", claim: "data")]),
        new("volume node affinity conflict",
            Pod("p", spec: """{"volumes": [{"name": "v", "persistentVolumeClaim": {"claimName": "data"}}]}"""),
            [Node("a", taints: Unreachable), Node("b"), Node("c")], null,
            "0/3 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 2 node(s) had volume node affinity conflict. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
            Claims: [Claim("data", volume: "pv-a")], Volumes: [Volume("pv-a", "a", claim: "data")]),
        new("WFFC without provisioner or volume",
            Pod("p", spec: """{"volumes": [{"name": "v", "persistentVolumeClaim": {"claimName": "data"}}]}"""), [Node("a")], null,
            "0/1 nodes are available: 1 node(s) didn't find available persistent volumes to bind. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
            Claims: [Claim("data", storageClass: "local")], Classes: [Class("local", "kubernetes.io/no-provisioner")]),
        new("WFFC static volume picks its node",
            Pod("p", spec: """{"volumes": [{"name": "v", "persistentVolumeClaim": {"claimName": "data"}}]}"""), [Node("a"), Node("b")], "b", null,
            Claims: [Claim("data", storageClass: "local")], Volumes: [Volume("pv-b", "b", storageClass: "local")], Classes: [Class("local", "kubernetes.io/no-provisioner")]),
        new("WFFC allowedTopologies",
            Pod("p", spec: """{"volumes": [{"name": "v", "persistentVolumeClaim": {"claimName": "data"}}]}"""), [Node("a"), Node("b")], "b", null,
            Claims: [Claim("data", storageClass: "fast")],
            Classes: [Class("fast", "example.com/csi", allowedTopologies: """[{"matchLabelExpressions": [{"key": "kubernetes.io/hostname", "values": ["b"]}]}]""")]),
        new("WFFC already selected elsewhere",
            Pod("p", spec: """{"volumes": [{"name": "v", "persistentVolumeClaim": {"claimName": "data"}}]}"""), [Node("a"), Node("b")], "b", null,
            Claims: [Claim("data", storageClass: "fast", selectedNode: "b")], Classes: [Class("fast", "example.com/csi")]),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Schedule_Case_PicksNodeOrExplains(Case c)
    {
        var result = PodScheduler.Schedule(new SchedulingInput(c.Pod, c.Nodes, c.Placed ?? [],
            (c.Claims ?? []).ToDictionary(x => x["metadata"]!["name"]!.GetValue<string>()),
            c.Volumes ?? [],
            (c.Classes ?? []).ToDictionary(x => x["metadata"]!["name"]!.GetValue<string>())));
        Assert.Equal(c.Message, result.Failure);
        Assert.Equal(c.Node, result.Node);
    }

    [Fact]
    public void Schedule_WffcStaticVolume_PreBindsIt()
    {
        var pod = Pod("p", spec: """{"volumes": [{"name": "v", "persistentVolumeClaim": {"claimName": "data"}}]}""");
        var result = PodScheduler.Schedule(new SchedulingInput(pod, [Node("a"), Node("b")], [],
            new Dictionary<string, JsonObject> { ["data"] = Claim("data", storageClass: "local") }, [Volume("pv-b", "b", storageClass: "local")],
            new Dictionary<string, JsonObject> { ["local"] = Class("local", "kubernetes.io/no-provisioner") }));
        Assert.Equal([new StaticBinding("data", "pv-b")], result.Bindings);
        Assert.Empty(result.ProvisionClaims);
    }

    [Fact]
    public void Schedule_WffcProvisionedClaim_IsSelectedForNode()
    {
        var pod = Pod("p", spec: """{"volumes": [{"name": "v", "persistentVolumeClaim": {"claimName": "data"}}]}""");
        var result = PodScheduler.Schedule(new SchedulingInput(pod, [Node("a")], [],
            new Dictionary<string, JsonObject> { ["data"] = Claim("data", storageClass: "fast") }, [],
            new Dictionary<string, JsonObject> { ["fast"] = Class("fast", "example.com/csi") }));
        Assert.Equal("a", result.Node);
        Assert.Equal(["data"], result.ProvisionClaims);
    }

    [Fact]
    public void Schedule_PodsOfOneOwner_SpreadAcrossNodes()
    {
        const string owner = """{"ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "rs", "uid": "rs-1", "controller": true}]}""";
        JsonObject Owned(string name)
        {
            var p = Pod(name);
            p["metadata"]!["ownerReferences"] = JsonNode.Parse(owner)!["ownerReferences"]!.DeepClone();
            return p;
        }

        var result = PodScheduler.Schedule(new SchedulingInput(Owned("p3"), [Node("a"), Node("b")], [new PlacedPod(Owned("p1"), "a")],
            new Dictionary<string, JsonObject>(), [], new Dictionary<string, JsonObject>()));
        Assert.Equal("b", result.Node);
    }
}
