using System.Text.Json.Nodes;
using Kura.Controllers.Workloads;
using static Kura.Controllers.Tests.Workloads.WorkloadFixtures;

namespace Kura.Controllers.Tests.Workloads;

public sealed class ReplicaSetPlannerTests
{
    [Fact]
    public void Plan_TooFew_CreatesTheDifferenceIgnoringFinishedAndTerminatingPods()
    {
        var plan = ReplicaSetPlanner.Plan(3, [Pod("a"), Pod("b", phase: "Succeeded"), Pod("c", terminating: true)], now: Now);
        Assert.Equal(2, plan.Create);
        Assert.Empty(plan.Delete);
    }

    [Fact]
    public void Plan_TooMany_DeletesUnscheduledThenPendingThenUnreadyThenNewest()
    {
        var pods = new[]
        {
            Pod("ready-old", createdMinutesAgo: 600),
            Pod("ready-new", createdMinutesAgo: 600, readyMinutesAgo: 1),
            Pod("unready", ready: false),
            Pod("pending", phase: "Pending", ready: false),
            Pod("unscheduled", node: null, phase: "Pending", ready: false),
        };
        var plan = ReplicaSetPlanner.Plan(1, pods, now: Now);
        Assert.Equal(["unscheduled", "pending", "unready", "ready-new"], plan.Delete.Select(Name));
    }

    [Fact]
    public void Plan_DoubledUpNode_LosesAPodFirst()
    {
        var pods = new[] { Pod("alone", node: "n1"), Pod("crowded-1", node: "n2"), Pod("crowded-2", node: "n2") };
        var plan = ReplicaSetPlanner.Plan(2, pods, now: Now);
        Assert.StartsWith("crowded", Name(Assert.Single(plan.Delete)));
    }

    [Fact]
    public void Plan_DeletionCost_LowerGoesFirst()
    {
        var cheap = Pod("cheap");
        cheap["metadata"]!["annotations"] = new JsonObject { ["controller.kubernetes.io/pod-deletion-cost"] = "-10" };
        var plan = ReplicaSetPlanner.Plan(1, [Pod("normal", createdMinutesAgo: 1, readyMinutesAgo: 1), cheap], now: Now);
        Assert.Equal("cheap", Name(Assert.Single(plan.Delete)));
    }

    [Theory]
    [InlineData(0, 2)]
    [InlineData(60, 1)] // the pod that turned ready 30 minutes ago is not yet available
    public void Status_AvailableHonoursMinReadySeconds(int minReadySeconds, int expectedAvailable)
    {
        var rs = new JsonObject
        {
            ["metadata"] = new JsonObject { ["generation"] = 3 },
            ["spec"] = new JsonObject { ["minReadySeconds"] = minReadySeconds * 60, ["template"] = new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = "x" } } } },
        };
        var labelled = Pod("a", readyMinutesAgo: 120);
        labelled["metadata"]!["labels"]!["app"] = "x";
        var status = ReplicaSetPlanner.Status(rs, [labelled, Pod("b", readyMinutesAgo: 30), Pod("c", ready: false), Pod("d", phase: "Failed")], Now);
        Assert.Equal(3, PodTemplates.Num(status["replicas"]));
        Assert.Equal(1, PodTemplates.Num(status["fullyLabeledReplicas"]));
        Assert.Equal(2, PodTemplates.Num(status["readyReplicas"]));
        Assert.Equal(expectedAvailable, PodTemplates.Num(status["availableReplicas"]));
        Assert.Equal(3, PodTemplates.Num(status["observedGeneration"]));
    }

    [Fact]
    public void Hash_IsStableAcrossKeyOrderAndUsesTheSafeAlphabet()
    {
        var a = JsonNode.Parse("""{"metadata":{"labels":{"app":"x","tier":"web"}},"spec":{"containers":[{"name":"c","image":"i"}]}}""");
        var b = JsonNode.Parse("""{"spec":{"containers":[{"image":"i","name":"c"}]},"metadata":{"labels":{"tier":"web","app":"x"}}}""");
        Assert.Equal(PodTemplates.Hash(a), PodTemplates.Hash(b));
        Assert.NotEqual(PodTemplates.Hash(a), PodTemplates.Hash(a, 1));
        Assert.Matches("^[bcdfghjklmnpqrstvwxz2456789]+$", PodTemplates.Hash(a));
    }

    [Fact]
    public void EqualIgnoreHash_IgnoresOnlyThePodTemplateHashLabel()
    {
        var deployment = JsonNode.Parse("""{"metadata":{"labels":{"app":"x"}},"spec":{"containers":[{"name":"c"}]}}""");
        var rs = JsonNode.Parse("""{"metadata":{"labels":{"pod-template-hash":"abc","app":"x"}},"spec":{"containers":[{"name":"c"}]}}""");
        Assert.True(PodTemplates.EqualIgnoreHash(deployment, rs));
        rs!["spec"]!["containers"]![0]!["image"] = "other";
        Assert.False(PodTemplates.EqualIgnoreHash(deployment, rs));
    }

    [Fact]
    public void EqualIgnoreHash_TypedRoundTripNullsAndEmptiesAreEqual()
    {
        var stored = JsonNode.Parse("""{"metadata":{"labels":{"app":"x","pod-template-hash":"h"}},"spec":{"containers":[{"name":"c"}],"volumes":[{"name":"v","emptyDir":{}}]}}""");
        var fromKubectl = JsonNode.Parse("""{"metadata":{"creationTimestamp":null,"labels":{"app":"x"}},"spec":{"containers":[{"name":"c","resources":{}}],"volumes":[{"name":"v","emptyDir":{}}]}}""");
        Assert.True(PodTemplates.EqualIgnoreHash(stored, fromKubectl));
        fromKubectl!["spec"]!["volumes"]![0]!.AsObject().Remove("emptyDir");
        Assert.False(PodTemplates.EqualIgnoreHash(stored, fromKubectl));
    }
}
