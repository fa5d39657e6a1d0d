using System.Text.Json.Nodes;
using Kura.Controllers.Workloads;

namespace Kura.Controllers.Tests.Workloads;

public sealed class WorkloadPlannerTests
{
    [Theory]
    [InlineData("25%", "25%", 4, 1, 1)]
    [InlineData("25%", "25%", 1, 1, 0)]
    [InlineData("25%", "25%", 10, 3, 2)]
    [InlineData("0", "0", 3, 0, 1)]
    [InlineData("1", "0", 3, 1, 0)]
    [InlineData("50%", "50%", 3, 2, 1)]
    public void Limits_RoundSurgeUpAndUnavailableDown(string surge, string unavailable, int desired, int expectedSurge, int expectedUnavailable)
    {
        var limits = RollingUpdate.Limits(new JsonObject { ["maxSurge"] = surge, ["maxUnavailable"] = unavailable }, desired);
        Assert.Equal((expectedSurge, expectedUnavailable), limits);
    }

    [Theory]
    [InlineData(3, 1, 0, 3, 1)] // one surge slot: the new set may grow by one
    [InlineData(3, 1, 1, 4, 1)] // no room left until old pods go
    [InlineData(3, 0, 0, 3, 0)]
    [InlineData(3, 1, 3, 3, 3)] // done
    public void NewReplicas_StaysWithinTheSurge(int desired, int surge, int newReplicas, int total, int expected) =>
        Assert.Equal(expected, RollingUpdate.NewReplicas(desired, surge, newReplicas, total));

    [Theory]
    [InlineData(3, 0, 3, 0)]
    [InlineData(3, 1, 3, 1)]
    [InlineData(3, 1, 4, 2)]
    [InlineData(3, 0, 2, 0)]
    public void OldScaleDown_KeepsTheMinimumAvailable(int desired, int unavailable, int available, int expected) =>
        Assert.Equal(expected, RollingUpdate.OldScaleDown(desired, unavailable, available));

    private static JsonObject Pod(string name, string? node, string phase, bool ready, string created = "2026-11-22T10:00:00Z") => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name, ["creationTimestamp"] = created },
        ["spec"] = new JsonObject { ["nodeName"] = node },
        ["status"] = new JsonObject
        {
            ["phase"] = phase,
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = ready ? "True" : "False" }),
        },
    };

    [Fact]
    public void Plan_TooFew_CreatesTheDifferenceIgnoringFinishedPods()
    {
        var plan = ReplicaSetPlanner.Plan(3, [Pod("a", "n1", "Running", true), Pod("b", "n1", "Succeeded", false)]);
        Assert.Equal(2, plan.Create);
        Assert.Empty(plan.Delete);
    }

    [Fact]
    public void Plan_TooMany_DeletesUnscheduledThenPendingThenUnreadyThenNewest()
    {
        var pods = new[]
        {
            Pod("ready-old", "n1", "Running", true, "2026-11-22T10:00:00Z"),
            Pod("ready-new", "n1", "Running", true, "2026-11-22T11:00:00Z"),
            Pod("unready", "n1", "Running", false),
            Pod("pending", "n1", "Pending", false),
            Pod("unscheduled", null, "Pending", false),
        };
        var plan = ReplicaSetPlanner.Plan(1, pods);
        Assert.Equal(["unscheduled", "pending", "unready", "ready-new"], plan.Delete.Select(p => p["metadata"]!["name"]!.GetValue<string>()));
    }

    [Fact]
    public void Hash_IsStableAndUsesTheSafeAlphabet()
    {
        var template = new JsonObject { ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "c" }) } };
        var hash = PodTemplates.Hash(template);
        Assert.Equal(hash, PodTemplates.Hash(template.DeepClone()));
        Assert.NotEqual(hash, PodTemplates.Hash(new JsonObject { ["spec"] = new JsonObject() }));
        Assert.Matches("^[bcdfghjklmnpqrstvwxz2456789]+$", hash);
    }
}
