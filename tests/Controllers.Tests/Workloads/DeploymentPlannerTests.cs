using System.Text.Json.Nodes;
using Kura.Controllers.Workloads;
using static Kura.Controllers.Tests.Workloads.WorkloadFixtures;

namespace Kura.Controllers.Tests.Workloads;

public sealed class DeploymentPlannerTests
{
    [Theory]
    [InlineData("25%", "25%", 4, 1, 1)]
    [InlineData("25%", "25%", 1, 1, 0)]
    [InlineData("25%", "25%", 10, 3, 2)]
    [InlineData("0", "0", 3, 0, 1)]
    [InlineData("1", "0", 3, 1, 0)]
    [InlineData("50%", "50%", 3, 2, 1)]
    [InlineData("0%", "10%", 5, 0, 1)] // both round to zero: maxUnavailable becomes 1
    public void Limits_RoundSurgeUpAndUnavailableDown(string surge, string unavailable, int desired, int expectedSurge, int expectedUnavailable) =>
        Assert.Equal((expectedSurge, expectedUnavailable), RollingUpdate.Limits(new JsonObject { ["maxSurge"] = surge, ["maxUnavailable"] = unavailable }, desired));

    [Fact]
    public void MaxUnavailable_RecreateOrZeroReplicas_IsZero()
    {
        Assert.Equal(0, Deployment(3, recreate: true).MaxUnavailable);
        Assert.Equal(0, Deployment(0).MaxUnavailable);
        Assert.Equal(0, Deployment(3, recreate: true).MaxSurge);
    }

    [Theory]
    [InlineData(3, "1", 0, 3, 1)] // one surge slot: the new set may grow by one
    [InlineData(3, "1", 1, 4, 1)] // no room left until old pods go
    [InlineData(3, "0", 0, 3, 0)]
    [InlineData(4, "2", 1, 4, 3)] // room for two more
    [InlineData(3, "1", 3, 3, 3)] // done
    public void NewReplicaSetReplicas_StaysWithinTheSurge(int desired, string surge, int newReplicas, int total, int expected)
    {
        var d = Deployment(desired, surge, "0");
        var all = new[] { Rs("new", newReplicas, 0), Rs("old", total - newReplicas, total - newReplicas) };
        Assert.Equal(expected, DeploymentPlanner.NewReplicaSetReplicas(d, all, newReplicas));
    }

    [Fact]
    public void ReconcileNew_AboveDesired_ScalesDownToDesired() =>
        Assert.Equal(2, DeploymentPlanner.ReconcileNew(Deployment(2), [Rs("new", 5, 5)], Rs("new", 5, 5)));

    [Fact]
    public void ReconcileOld_KeepsMinimumAvailable()
    {
        // 4 desired, 25%/25%: surge 1, unavailable 1 → min available 3. New has 1 unavailable pod.
        var d = Deployment(4);
        var newRs = Rs("new", 1, 0, revision: 2, createdMinutesAgo: 1);
        var old = Rs("old", 4, 4);
        var actions = DeploymentPlanner.ReconcileOld(d, [old, newRs], newRs);
        Assert.Equal([new ScaleAction("old", 4, 3)], actions);
    }

    [Fact]
    public void ReconcileOld_NewNotAvailable_WaitsWhenNoBudget()
    {
        var d = Deployment(3, "1", "0");
        var newRs = Rs("new", 1, 0, revision: 2, createdMinutesAgo: 1);
        Assert.Empty(DeploymentPlanner.ReconcileOld(d, [Rs("old", 3, 3), newRs], newRs));
    }

    [Fact]
    public void ReconcileOld_UnhealthyOldReplicasGoFirst()
    {
        // Old replicas that are not available cost no availability: cleaned up even with no budget.
        var d = Deployment(3, "1", "0");
        var newRs = Rs("new", 1, 1, revision: 3, createdMinutesAgo: 1);
        var broken = Rs("broken", 2, 0, revision: 2, createdMinutesAgo: 10) with { StatusReplicas = 2 };
        var actions = DeploymentPlanner.ReconcileOld(d, [Rs("old", 1, 1, createdMinutesAgo: 60), broken, newRs], newRs);
        Assert.Equal([new ScaleAction("broken", 2, 1)], actions);
    }

    [Fact]
    public void ReconcileOld_OldestReplicaSetShrinksFirst()
    {
        var d = Deployment(4, "0", "2");
        var newRs = Rs("new", 4, 4, revision: 3, createdMinutesAgo: 1);
        var actions = DeploymentPlanner.ReconcileOld(d, [Rs("older", 1, 1, revision: 1, createdMinutesAgo: 90), Rs("old", 2, 2, revision: 2, createdMinutesAgo: 30), newRs], newRs);
        Assert.Equal([new ScaleAction("older", 1, 0), new ScaleAction("old", 2, 0)], actions);
    }

    [Fact]
    public void RollingUpdate_StepsConvergeFromOldToNew()
    {
        // Simulate 3 replicas, maxSurge 1, maxUnavailable 0, with pods becoming available at once.
        var d = Deployment(3, "1", "0");
        var old = Rs("old", 3, 3);
        var newRs = Rs("new", 0, 0, revision: 2, createdMinutesAgo: 1);
        for (var step = 0; step < 10 && !(newRs.Replicas == 3 && old.Replicas == 0); step++)
        {
            var all = new[] { old, newRs };
            Assert.True(all.Sum(r => r.Replicas) <= 4, "surge exceeded");
            Assert.True(all.Sum(r => r.AvailableReplicas) >= 3, "availability dropped");
            if (DeploymentPlanner.ReconcileNew(d, all, newRs) is int size)
            {
                newRs = Rs("new", size, size, revision: 2, createdMinutesAgo: 1);
                continue;
            }

            foreach (var a in DeploymentPlanner.ReconcileOld(d, all, newRs))
            {
                old = Rs("old", a.To, a.To);
            }
        }

        Assert.Equal((3, 0), (newRs.Replicas, old.Replicas));
    }

    [Fact]
    public void RecreateScaleDown_EveryActiveOldSetToZero() =>
        Assert.Equal([new ScaleAction("a", 2, 0)], DeploymentPlanner.RecreateScaleDown([Rs("a", 2, 2), Rs("b", 0, 0)]));

    [Fact]
    public void Scale_OneActiveSet_TakesTheNewSize() =>
        Assert.Equal([new ScaleAction("new", 3, 5)], DeploymentPlanner.Scale(Deployment(5), Rs("new", 3, 3, desired: 3), [Rs("old", 0, 0)], 3));

    [Fact]
    public void Scale_MidRollout_SpreadsProportionally()
    {
        // 10 → 20 replicas while old has 8 and new 5 (max 13 before: 10 + 25% surge rounded up = 13).
        var d = Deployment(20);
        var actions = DeploymentPlanner.Scale(d, Rs("new", 5, 0, revision: 2, createdMinutesAgo: 1, desired: 10, max: 13), [Rs("old", 8, 8, desired: 10, max: 13)], 13);
        var sizes = actions.ToDictionary(a => a.Name, a => a.To);
        Assert.Equal(25, sizes["old"] + sizes["new"]);
        Assert.Equal(15, sizes["old"]);
        Assert.Equal(10, sizes["new"]);
    }

    [Fact]
    public void IsScalingEvent_ComparesDesiredAnnotationOfActiveSets()
    {
        Assert.True(DeploymentPlanner.IsScalingEvent(Deployment(5), [Rs("a", 3, 3, desired: 3)]));
        Assert.False(DeploymentPlanner.IsScalingEvent(Deployment(3), [Rs("a", 3, 3, desired: 3), Rs("b", 0, 0, desired: 1)]));
    }

    [Fact]
    public void HistoryToDelete_KeepsTheLimitAndOnlyEmptySets()
    {
        var old = new[] { Rs("r1", 0, 0, revision: 1), Rs("r2", 0, 0, revision: 2), Rs("r3", 1, 1, revision: 3), Rs("r4", 0, 0, revision: 4) };
        Assert.Equal(["r1", "r2"], DeploymentPlanner.HistoryToDelete(Deployment(1, historyLimit: 1), old));
        Assert.Empty(DeploymentPlanner.HistoryToDelete(Deployment(1, historyLimit: null), old));
    }

    [Fact]
    public void Status_CompleteRollout_ReportsNewReplicaSetAvailable()
    {
        var d = Deployment(2);
        var newRs = Rs("app-abc", 2, 2, revision: 2);
        var before = new JsonObject { ["conditions"] = new JsonArray(), ["replicas"] = 3, ["updatedReplicas"] = 1 };
        DeploymentStatuses.SetCondition(before, "Progressing", "True", "ReplicaSetUpdated", "ReplicaSet \"app-abc\" is progressing.", Now.AddMinutes(-1));
        var next = DeploymentStatuses.Calculate(d, before, [newRs, Rs("old", 0, 0)], newRs, Now);
        next = DeploymentStatuses.WithRolloutProgress(d, before, next, "app-abc", Now);
        Assert.Equal(2, PodTemplates.Num(next["availableReplicas"]));
        Assert.Null(next["unavailableReplicas"]);
        var available = DeploymentStatuses.Condition(next, "Available")!;
        Assert.Equal(("True", "MinimumReplicasAvailable", "Deployment has minimum availability."), (Str(available, "status"), Str(available, "reason"), Str(available, "message")));
        var progressing = DeploymentStatuses.Condition(next, "Progressing")!;
        Assert.Equal(("NewReplicaSetAvailable", "ReplicaSet \"app-abc\" has successfully progressed."), (Str(progressing, "reason"), Str(progressing, "message")));
        Assert.True(DeploymentStatuses.Complete(d, next));
    }

    [Fact]
    public void Status_NoProgressPastDeadline_TimesOut()
    {
        var d = Deployment(2);
        var newRs = Rs("app-abc", 2, 0, revision: 2);
        var before = new JsonObject { ["replicas"] = 2, ["updatedReplicas"] = 2 };
        DeploymentStatuses.SetCondition(before, "Progressing", "True", "ReplicaSetUpdated", "x", Now.AddMinutes(-11));
        var next = DeploymentStatuses.WithRolloutProgress(d, before, DeploymentStatuses.Calculate(d, before, [newRs], newRs, Now), "app-abc", Now);
        var progressing = DeploymentStatuses.Condition(next, "Progressing")!;
        Assert.Equal(("False", "ProgressDeadlineExceeded", "ReplicaSet \"app-abc\" has timed out progressing."), (Str(progressing, "status"), Str(progressing, "reason"), Str(progressing, "message")));
        Assert.Equal("False", Str(DeploymentStatuses.Condition(next, "Available")!, "status"));
    }

    [Fact]
    public void PausedCondition_SetOnPauseAndResume()
    {
        var paused = DeploymentStatuses.WithPausedCondition(Deployment(1) with { Paused = true }, new JsonObject(), Now)!;
        Assert.Equal("DeploymentPaused", Str(DeploymentStatuses.Condition(paused, "Progressing")!, "reason"));
        Assert.Null(DeploymentStatuses.WithPausedCondition(Deployment(1) with { Paused = true }, paused, Now));
        var resumed = DeploymentStatuses.WithPausedCondition(Deployment(1), paused, Now)!;
        Assert.Equal(("Unknown", "DeploymentResumed", "Deployment is resumed"), (Str(DeploymentStatuses.Condition(resumed, "Progressing")!, "status"), Str(DeploymentStatuses.Condition(resumed, "Progressing")!, "reason"), Str(DeploymentStatuses.Condition(resumed, "Progressing")!, "message")));
    }

    private static string? Str(JsonObject o, string field) => o[field]?.GetValue<string>();
}
