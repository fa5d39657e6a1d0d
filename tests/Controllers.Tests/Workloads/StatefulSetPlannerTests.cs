using System.Text.Json.Nodes;
using Kura.Controllers.Workloads;
using static Kura.Controllers.Tests.Workloads.WorkloadFixtures;

namespace Kura.Controllers.Tests.Workloads;

public sealed class StatefulSetPlannerTests
{
    private static StatefulSetView Set(int replicas, bool parallel = false, bool onDelete = false, int partition = 0) => new("web", replicas, parallel, onDelete, partition, 0, 1);

    private static StatefulSetPlan Plan(StatefulSetView set, params JsonObject[] pods) => StatefulSetPlanner.Plan(set, pods, "web-old", "web-new", 0, Now);

    [Fact]
    public void OrderedReady_CreatesOnlyTheFirstMissingOrdinal()
    {
        Assert.Equal([new CreateStatefulPod(0, true)], Plan(Set(3)).Steps);
        Assert.Equal([new CreateStatefulPod(1, true)], Plan(Set(3), Pod("web-0", revision: "web-new")).Steps);
    }

    [Theory]
    [InlineData("Pending", true)]
    [InlineData("Running", false)]
    public void OrderedReady_WaitsForRunningAndReady(string phase, bool ready)
    {
        Assert.Empty(Plan(Set(3), Pod("web-0", phase: phase, ready: ready, revision: "web-new")).Steps);
    }

    [Fact]
    public void Parallel_CreatesAllMissingAtOnce() =>
        Assert.Equal([new CreateStatefulPod(0, true), new CreateStatefulPod(2, true)], Plan(Set(3, parallel: true), Pod("web-1", phase: "Pending", ready: false, revision: "web-new")).Steps);

    [Fact]
    public void ScaleDown_HighestOrdinalFirst_OneAtATime()
    {
        var pods = Enumerable.Range(0, 4).Select(i => Pod($"web-{i}", revision: "web-new")).ToArray();
        Assert.Equal([new DeleteStatefulPod("web-3", 3, "scale")], Plan(Set(2), pods).Steps);
        Assert.Equal([new DeleteStatefulPod("web-3", 3, "scale"), new DeleteStatefulPod("web-2", 2, "scale")], Plan(Set(2, parallel: true), pods).Steps);
    }

    [Fact]
    public void ScaleDown_WaitsWhileACondemnedPodTerminates()
    {
        var pods = new[] { Pod("web-0", revision: "web-new"), Pod("web-1", revision: "web-new"), Pod("web-2", revision: "web-new", terminating: true) };
        Assert.Empty(Plan(Set(1), pods).Steps);
    }

    [Fact]
    public void FailedPod_IsDeletedToBeRecreated() =>
        Assert.Equal([new DeleteStatefulPod("web-0", 0, "failed")], Plan(Set(1), Pod("web-0", phase: "Failed", ready: false, revision: "web-new")).Steps);

    [Fact]
    public void RollingUpdate_DeletesHighestOldRevisionFirst()
    {
        var pods = new[] { Pod("web-0", revision: "web-old"), Pod("web-1", revision: "web-old"), Pod("web-2", revision: "web-old") };
        Assert.Equal([new DeleteStatefulPod("web-2", 2, "update")], Plan(Set(3), pods).Steps);
    }

    [Fact]
    public void RollingUpdate_WaitsForTheReplacementToBeHealthy()
    {
        var pods = new[] { Pod("web-0", revision: "web-old"), Pod("web-1", revision: "web-old"), Pod("web-2", phase: "Pending", ready: false, revision: "web-new") };
        Assert.Empty(Plan(Set(3), pods).Steps);
    }

    [Fact]
    public void RollingUpdate_PartitionKeepsLowerOrdinalsAtTheCurrentRevision()
    {
        var pods = new[] { Pod("web-0", revision: "web-old"), Pod("web-1", revision: "web-old"), Pod("web-2", revision: "web-new") };
        Assert.Equal([new DeleteStatefulPod("web-1", 1, "update")], Plan(Set(3, partition: 1), pods).Steps);
        Assert.Empty(Plan(Set(3, partition: 2), pods).Steps);

        // A missing pod below the partition is made from the current revision.
        Assert.Equal([new CreateStatefulPod(0, false)], Plan(Set(3, partition: 2)).Steps);
    }

    [Fact]
    public void OnDelete_NeverDeletesForUpdate()
    {
        var pods = new[] { Pod("web-0", revision: "web-old") };
        Assert.Empty(Plan(Set(1, onDelete: true), pods).Steps);
    }

    [Fact]
    public void Status_CompletedRollingUpdate_MakesUpdateRevisionCurrent()
    {
        var status = Plan(Set(2), Pod("web-0", revision: "web-new"), Pod("web-1", revision: "web-new")).Status;
        Assert.Equal(("web-new", "web-new"), (status["currentRevision"]!.GetValue<string>(), status["updateRevision"]!.GetValue<string>()));
        Assert.Equal(2, PodTemplates.Num(status["currentReplicas"]));
        Assert.Equal(2, PodTemplates.Num(status["readyReplicas"]));

        var mid = Plan(Set(2), Pod("web-0", revision: "web-old"), Pod("web-1", revision: "web-new")).Status;
        Assert.Equal(("web-old", 1L, 1L), (mid["currentRevision"]!.GetValue<string>(), PodTemplates.Num(mid["currentReplicas"]), PodTemplates.Num(mid["updatedReplicas"])));
    }

    [Fact]
    public void Revisions_SameTemplateReusesNewest_OlderEqualIsRenumbered_NewDataCreates()
    {
        var set = JsonNode.Parse("""{"metadata":{"name":"web"},"spec":{"template":{"spec":{"containers":[{"name":"c","image":"v1"}]}}}}""")!.AsObject();
        var v1 = StatefulSetRevisions.Data(set);
        set["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = "v2";
        var v2 = StatefulSetRevisions.Data(set);
        var revisions = new[] { new RevisionView("web-a", 1, v1), new RevisionView("web-b", 2, v2) };

        var same = StatefulSetRevisions.Decide("web", v2, 0, revisions, "web-b");
        Assert.Equal(("web-b", 2L, false, false), (same.UpdateName, same.UpdateNumber, same.Create, same.Renumber));

        var undo = StatefulSetRevisions.Decide("web", v1, 0, revisions, "web-b");
        Assert.Equal(("web-a", 3L, false, true, "web-b"), (undo.UpdateName, undo.UpdateNumber, undo.Create, undo.Renumber, undo.CurrentName));

        set["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = "v3";
        var fresh = StatefulSetRevisions.Decide("web", StatefulSetRevisions.Data(set), 0, revisions, null);
        Assert.True(fresh.Create);
        Assert.Equal(3, fresh.UpdateNumber);
        Assert.Equal(fresh.UpdateName, fresh.CurrentName);
        Assert.Equal("replace", v1["spec"]!["template"]!["$patch"]!.GetValue<string>());
        Assert.Null(StatefulSetRevisions.Template(v1)["$patch"]);
    }

    [Fact]
    public void Revisions_HistoryBeyondLimit_OldestNonLiveGo() =>
        Assert.Equal(["web-a"], StatefulSetRevisions.ToDelete([new("web-a", 1, null), new("web-b", 2, null), new("web-c", 3, null)], ["web-c"], 1));
}
