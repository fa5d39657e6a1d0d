using System.Text.Json.Nodes;
using Kura.Controllers.Scheduling;
using static Kura.Controllers.Tests.Scheduling.SchedulingFixtures;

namespace Kura.Controllers.Tests.Scheduling;

/// <summary>NoExecute eviction timing (tolerationSeconds from timeAdded) and PodGC's decisions, on a manual clock.</summary>
public sealed class TaintEvictionTests
{
    private static readonly DateTimeOffset Added = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A hand-moved TimeProvider (Microsoft.Extensions.TimeProvider.Testing is not available here).</summary>
    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; private set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;

        public void Advance(TimeSpan by) => Now += by;
    }

    private static readonly Taint Unreachable = new("node.kubernetes.io/unreachable", "", "NoExecute", Added);

    private static JsonObject PodTolerating(string tolerations) => Pod("p", spec: $$"""{"tolerations": {{tolerations}}}""");

    private const string Default300 = """[{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}, {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}]""";

    [Fact]
    public void Decide_DefaultTolerations_DeleteAfter300sFromTimeAdded()
    {
        var time = new ManualTime(Added.AddSeconds(10));
        var pod = PodTolerating(Default300);
        var first = TaintEviction.Decide(pod, [Unreachable], time.GetUtcNow(), time.GetUtcNow());
        Assert.Equal(new EvictionDecision(EvictionAction.DeleteLater, Added.AddSeconds(300)), first);

        time.Advance(TimeSpan.FromSeconds(289));
        Assert.Equal(EvictionAction.DeleteLater, TaintEviction.Decide(pod, [Unreachable], time.GetUtcNow(), Added).Action);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(EvictionAction.DeleteNow, TaintEviction.Decide(pod, [Unreachable], time.GetUtcNow(), Added).Action);
    }

    [Theory]
    [InlineData("[]", EvictionAction.DeleteNow)]
    [InlineData("""[{"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"}]""", EvictionAction.None)]
    [InlineData("""[{"operator": "Exists"}]""", EvictionAction.None)]
    [InlineData("""[{"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 0}]""", EvictionAction.DeleteNow)]
    [InlineData("""[{"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoSchedule"}]""", EvictionAction.DeleteNow)]
    public void Decide_Tolerations_Outcome(string tolerations, EvictionAction expected) =>
        Assert.Equal(expected, TaintEviction.Decide(PodTolerating(tolerations), [Unreachable], Added, Added).Action);

    [Fact]
    public void Decide_NoExecuteTaintsOnly_NoScheduleIgnored() =>
        Assert.Equal(EvictionAction.None, TaintEviction.Decide(PodTolerating("[]"), [new Taint("x", "", "NoSchedule")], Added, Added).Action);

    [Fact]
    public void Decide_TaintWithoutTimeAdded_CountsFromFirstSight()
    {
        var decision = TaintEviction.Decide(PodTolerating(Default300), [Unreachable with { TimeAdded = null }], Added.AddSeconds(100), Added.AddSeconds(50));
        Assert.Equal(Added.AddSeconds(350), decision.At);
    }

    [Fact]
    public void DecideGc_NodeGone_DeletesOrphan()
    {
        var pod = Pod("p", spec: """{"nodeName": "gone"}""");
        Assert.Equal(PodGcAction.DeleteOrphan, TaintEviction.DecideGc(pod, null));
        Assert.Equal(PodGcAction.None, TaintEviction.DecideGc(Pod("q"), null));
    }

    [Fact]
    public void DecideGc_TerminatingOnOutOfServiceNode_ForceDeletes()
    {
        var pod = Pod("p", spec: """{"nodeName": "n"}""");
        var node = Node("n", ready: "Unknown", taints: """[{"key": "node.kubernetes.io/out-of-service", "value": "nodeshutdown", "effect": "NoExecute"}]""");
        Assert.Equal(PodGcAction.None, TaintEviction.DecideGc(pod, node));
        pod["metadata"]!["deletionTimestamp"] = "2026-01-01T00:00:00Z";
        Assert.Equal(PodGcAction.ForceDeleteOutOfService, TaintEviction.DecideGc(pod, node));
        Assert.Equal(PodGcAction.None, TaintEviction.DecideGc(pod, Node("n", taints: """[{"key": "node.kubernetes.io/out-of-service", "effect": "NoExecute"}]""")));
    }
}
