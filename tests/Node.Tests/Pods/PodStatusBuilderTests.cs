using System.Text.Json.Nodes;
using Kura.Node.Pods;

namespace Kura.Node.Tests.Pods;

public sealed class PodStatusBuilderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    private static ContainerView C(string name, ContainerStateView state, TerminatedState? last = null, bool ready = false) =>
        new(name, "busybox", "", state, last, 0, ready, null);

    private static TerminatedState Exit(int code) => new(code, code == 0 ? "Completed" : "Error", null, T0, T0.AddSeconds(1), "c1");

    public static TheoryData<string, string, string> Phases => new()
    {
        // restartPolicy, containers (r=running, w=waiting fresh, c=crashlooping, 0/1=exited with code), expected phase
        { "Always", "w", "Pending" },
        { "Always", "r", "Running" },
        { "Always", "rw", "Pending" },
        { "Always", "c", "Running" },
        { "Always", "0", "Running" },
        { "OnFailure", "0", "Succeeded" },
        { "OnFailure", "1", "Running" },
        { "OnFailure", "01", "Running" },
        { "Never", "0", "Succeeded" },
        { "Never", "1", "Failed" },
        { "Never", "01", "Failed" },
        { "Never", "r1", "Running" },
    };

    [Theory]
    [MemberData(nameof(Phases))]
    public void Phase_FollowsTheKubeletsRules(string restartPolicy, string containers, string expected)
    {
        var views = containers.Select((k, i) => k switch
        {
            'r' => C($"c{i}", new RunningState(T0)),
            'w' => C($"c{i}", new WaitingState("ContainerCreating")),
            'c' => C($"c{i}", new WaitingState("CrashLoopBackOff"), Exit(1)),
            _ => C($"c{i}", Exit(k - '0')),
        }).ToList();
        Assert.Equal(expected, PodStatusBuilder.Phase(restartPolicy, [], views));
    }

    [Fact]
    public void Phase_InitContainerStillRunning_IsPending()
    {
        Assert.Equal("Pending", PodStatusBuilder.Phase("Always", [C("init", new RunningState(T0))], [C("app", new WaitingState("PodInitializing"))]));
    }

    [Fact]
    public void Phase_InitContainerFailedWithNeverRestart_IsFailed()
    {
        Assert.Equal("Failed", PodStatusBuilder.Phase("Never", [C("init", Exit(2))], [C("app", new WaitingState("PodInitializing"))]));
    }

    [Fact]
    public void Build_RunningReadyContainer_ReportsConditionsAndIps()
    {
        var pod = Pod();
        var status = PodStatusBuilder.Build(pod, new PodObservation(true, [], [C("app", new RunningState(T0), ready: true)], "127.0.10.1", T0), T0);
        Assert.Equal("Running", status["phase"]!.GetValue<string>());
        Assert.Equal("127.0.10.1", status["podIP"]!.GetValue<string>());
        var ready = Condition(status, "Ready");
        Assert.Equal("True", ready["status"]!.GetValue<string>());
        Assert.Equal("True", Condition(status, "PodScheduled")["status"]!.GetValue<string>());
        var container = status["containerStatuses"]![0]!;
        Assert.NotNull(container["state"]!["running"]);
        Assert.True(container["started"]!.GetValue<bool>());
    }

    [Fact]
    public void Build_UnreadyContainer_NamesItInTheReadyCondition()
    {
        var status = PodStatusBuilder.Build(Pod(), new PodObservation(true, [], [C("app", new WaitingState("ContainerCreating"))], "10.0.0.1", T0), T0);
        var ready = Condition(status, "Ready");
        Assert.Equal("False", ready["status"]!.GetValue<string>());
        Assert.Equal("ContainersNotReady", ready["reason"]!.GetValue<string>());
        Assert.Equal("containers with unready status: [app]", ready["message"]!.GetValue<string>());
    }

    [Fact]
    public void Build_UnchangedCondition_KeepsItsTransitionTime()
    {
        var first = PodStatusBuilder.Build(Pod(), new PodObservation(true, [], [C("app", new RunningState(T0), ready: true)], "10.0.0.1", T0), T0);
        var pod = Pod();
        pod["status"] = first;
        var second = PodStatusBuilder.Build(pod, new PodObservation(true, [], [C("app", new RunningState(T0), ready: true)], "10.0.0.1", T0), T0.AddMinutes(5));
        Assert.Equal(Condition(first, "Ready")["lastTransitionTime"]!.GetValue<string>(), Condition(second, "Ready")["lastTransitionTime"]!.GetValue<string>());
    }

    [Fact]
    public void Build_SucceededPod_ReadyIsPodCompleted()
    {
        var pod = Pod("Never");
        var status = PodStatusBuilder.Build(pod, new PodObservation(true, [], [C("app", Exit(0))], "10.0.0.1", T0), T0);
        Assert.Equal("Succeeded", status["phase"]!.GetValue<string>());
        Assert.Equal("PodCompleted", Condition(status, "Ready")["reason"]!.GetValue<string>());
        Assert.Equal(0, status["containerStatuses"]![0]!["state"]!["terminated"]!["exitCode"]!.GetValue<int>());
    }

    [Fact]
    public void CrashLoopMessage_MatchesTheKubelet()
    {
        Assert.Equal("back-off 20s restarting failed container=app pod=web-0_default(u-1)", PodStatusBuilder.CrashLoopMessage(TimeSpan.FromSeconds(20), "app", Pod()));
        Assert.Equal("5m0s", PodStatusBuilder.Go(TimeSpan.FromMinutes(5)));
        Assert.Equal("1m20s", PodStatusBuilder.Go(TimeSpan.FromSeconds(80)));
    }

    private static JsonObject Condition(JsonObject status, string type) =>
        status["conditions"]!.AsArray().OfType<JsonObject>().Single(c => c["type"]!.GetValue<string>() == type);

    private static JsonObject Pod(string restartPolicy = "Always") => new()
    {
        ["metadata"] = new JsonObject { ["name"] = "web-0", ["namespace"] = "default", ["uid"] = "u-1" },
        ["spec"] = new JsonObject { ["restartPolicy"] = restartPolicy, ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = "busybox" }) },
        ["status"] = new JsonObject
        {
            ["phase"] = "Pending",
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "PodScheduled", ["status"] = "True", ["lastTransitionTime"] = "2026-11-22T09:00:00Z" }),
        },
    };
}
