using System.Text.Json.Nodes;
using Kura.Controllers.Scheduling;
using static Kura.Controllers.Tests.Scheduling.SchedulingFixtures;

namespace Kura.Controllers.Tests.Scheduling;

/// <summary>monitorNodeHealth and the tainting passes: lease/heartbeat freshness → conditions and taints.</summary>
public sealed class NodeLifecycleTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(40);

    private static JsonObject Lease(DateTimeOffset renew) => new() { ["spec"] = new JsonObject { ["renewTime"] = Kura.Model.Meta.Obj.Rfc3339Micro(renew), ["leaseDurationSeconds"] = 40 } };

    public sealed record Case(string Name, JsonObject Node, JsonObject? Lease, int SecondsLater, string? ReadyAfter, string[] Added, string[] Removed)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Case> Cases() =>
    [
        new("fresh lease keeps the node", Node("n"), Lease(Start.AddSeconds(30)), 60, "True", [], []),
        new("stale lease and heartbeat", Node("n"), Lease(Start), 41, "Unknown", ["node.kubernetes.io/unreachable:NoSchedule", "node.kubernetes.io/unreachable:NoExecute"], []),
        new("exactly at the grace period", Node("n"), Lease(Start), 40, "True", [], []),
        new("no lease: the heartbeat counts", Node("n"), null, 41, "Unknown", ["node.kubernetes.io/unreachable:NoSchedule", "node.kubernetes.io/unreachable:NoExecute"], []),
        new("agent reports NotReady", Node("n", ready: "False"), Lease(Start.AddSeconds(50)), 60, "False", ["node.kubernetes.io/not-ready:NoSchedule", "node.kubernetes.io/not-ready:NoExecute"], []),
        new("recovered node loses the taints",
            Node("n", taints: """[{"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule"}, {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute"}, {"key": "mine", "effect": "NoExecute"}]"""),
            Lease(Start.AddSeconds(55)), 60, "True", [], ["node.kubernetes.io/unreachable:NoSchedule", "node.kubernetes.io/unreachable:NoExecute"]),
        new("Unknown after False swaps not-ready for unreachable",
            Node("n", ready: "False", taints: """[{"key": "node.kubernetes.io/not-ready", "effect": "NoSchedule"}, {"key": "node.kubernetes.io/not-ready", "effect": "NoExecute"}]"""),
            Lease(Start), 100, "Unknown",
            ["node.kubernetes.io/unreachable:NoSchedule", "node.kubernetes.io/unreachable:NoExecute"], ["node.kubernetes.io/not-ready:NoSchedule", "node.kubernetes.io/not-ready:NoExecute"]),
        new("cordoned node gets the unschedulable taint", Node("n", unschedulable: true), Lease(Start.AddSeconds(50)), 60, "True", ["node.kubernetes.io/unschedulable:NoSchedule"], []),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Plan_Case_SetsConditionsAndTaints(Case c)
    {
        var plan = NodeLifecycle.Plan(c.Node, c.Lease, Start.AddSeconds(c.SecondsLater), Grace, Start);
        Assert.Equal(c.ReadyAfter, plan.ReadyAfter);
        Assert.Equal(c.Added, plan.AddTaints.Select(t => t.ToString()));
        Assert.Equal(c.Removed, plan.RemoveTaints.Select(t => t.ToString()));
        Assert.All(plan.AddTaints, t => Assert.Equal(t.Effect == "NoExecute", t.TimeAdded is not null));
    }

    [Fact]
    public void Plan_SilentNode_AllConditionsUnknownWithUpstreamTexts()
    {
        var node = Node("n");
        var plan = NodeLifecycle.Plan(node, Lease(Start), Start.AddMinutes(2), Grace, Start);
        var conditions = plan.Conditions!.OfType<JsonObject>().ToDictionary(c => c["type"]!.GetValue<string>());
        Assert.Equal(["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"], conditions.Keys);
        Assert.Equal("NodeStatusUnknown", conditions["Ready"]["reason"]!.GetValue<string>());
        Assert.Equal("Kubelet stopped posting node status.", conditions["Ready"]["message"]!.GetValue<string>());
        Assert.Equal("Kubelet never posted node status.", conditions["PIDPressure"]["message"]!.GetValue<string>());
        Assert.True(plan.WentSilent);
        Assert.Null(node["status"]!["conditions"]![0]!["reason"]);
    }

    [Fact]
    public void Plan_RestartedController_GivesAGracePeriod()
    {
        var plan = NodeLifecycle.Plan(Node("n"), Lease(Start), Start.AddHours(1), Grace, monitorStart: Start.AddHours(1).AddSeconds(-10));
        Assert.Equal("True", plan.ReadyAfter);
    }
}
