using System.Text.Json.Nodes;
using Kura.Model.Printing;

namespace Kura.Model.Tests.Printing;

/// <summary>printPod: READY, STATUS reason rules, RESTARTS and the wide cells.</summary>
public sealed class PodPrinterTests
{
    private const string OneContainer = """{"containers":[{"name":"app","image":"nginx"}]}""";
    private const string TwoInits = """{"initContainers":[{"name":"i1"},{"name":"i2"}],"containers":[{"name":"app"}]}""";
    private const string Deleted = ""","deletionTimestamp":"2025-01-01T11:59:00Z" """;

    private static string Pod(string spec, string status, string meta = "") =>
        $$$"""{"metadata":{"name":"web-0","namespace":"default","creationTimestamp":"2025-01-01T11:00:00Z"{{{meta}}}},"spec":{{{spec}}},"status":{{{status}}}}""";

    private static object?[] Row(string json) => PrintingKit.Row("", "Pod", json);

    public static TheoryData<string, string, string, string> StatusCases => new()
    {
        // spec, status, extra metadata, expected STATUS
        { OneContainer, """{"phase":"Pending"}""", "", "Pending" },
        { OneContainer, """{"phase":"Running","containerStatuses":[{"name":"app","ready":true,"state":{"running":{}}}]}""", "", "Running" },
        { OneContainer, """{"phase":"Pending","containerStatuses":[{"name":"app","ready":false,"state":{"waiting":{"reason":"ContainerCreating"}}}]}""", "", "ContainerCreating" },
        { OneContainer, """{"phase":"Running","containerStatuses":[{"name":"app","restartCount":5,"state":{"waiting":{"reason":"CrashLoopBackOff"}}}]}""", "", "CrashLoopBackOff" },
        { OneContainer, """{"phase":"Pending","containerStatuses":[{"name":"app","state":{"waiting":{"reason":"ImagePullBackOff"}}}]}""", "", "ImagePullBackOff" },
        { OneContainer, """{"phase":"Succeeded","containerStatuses":[{"name":"app","state":{"terminated":{"reason":"Completed","exitCode":0}}}]}""", "", "Completed" },
        { OneContainer, """{"phase":"Failed","containerStatuses":[{"name":"app","state":{"terminated":{"reason":"Error","exitCode":1}}}]}""", "", "Error" },
        { OneContainer, """{"phase":"Failed","containerStatuses":[{"name":"app","state":{"terminated":{"exitCode":2}}}]}""", "", "ExitCode:2" },
        { OneContainer, """{"phase":"Failed","containerStatuses":[{"name":"app","state":{"terminated":{"exitCode":137,"signal":9}}}]}""", "", "Signal:9" },
        { OneContainer, """{"phase":"Failed","reason":"Evicted"}""", "", "Evicted" },
        { OneContainer, """{"phase":"Pending","conditions":[{"type":"PodScheduled","status":"False","reason":"SchedulingGated"}]}""", "", "SchedulingGated" },
        { OneContainer, """{"phase":"Pending","conditions":[{"type":"PodScheduled","status":"False","reason":"Unschedulable"}]}""", "", "Pending" },
        { OneContainer, "{}", "", "" },

        // Init containers: the first unfinished one decides.
        { TwoInits, """{"phase":"Pending"}""", "", "Pending" },
        { TwoInits, """{"phase":"Pending","initContainerStatuses":[{"name":"i1","state":{"running":{}}},{"name":"i2","state":{"waiting":{"reason":"PodInitializing"}}}]}""", "", "Init:0/2" },
        { TwoInits, """{"phase":"Pending","initContainerStatuses":[{"name":"i1","state":{"terminated":{"reason":"Completed","exitCode":0}}},{"name":"i2","state":{"running":{}}}]}""", "", "Init:1/2" },
        { TwoInits, """{"phase":"Pending","initContainerStatuses":[{"name":"i1","state":{"waiting":{"reason":"PodInitializing"}}}]}""", "", "Init:0/2" },
        { TwoInits, """{"phase":"Pending","initContainerStatuses":[{"name":"i1","state":{"terminated":{"reason":"Error","exitCode":1}}}]}""", "", "Init:Error" },
        { TwoInits, """{"phase":"Pending","initContainerStatuses":[{"name":"i1","state":{"terminated":{"exitCode":3}}}]}""", "", "Init:ExitCode:3" },
        { TwoInits, """{"phase":"Pending","initContainerStatuses":[{"name":"i1","state":{"terminated":{"exitCode":0,"signal":0}}},{"name":"i2","state":{"terminated":{"signal":9,"exitCode":137}}}]}""", "", "Init:Signal:9" },
        { TwoInits, """{"phase":"Pending","initContainerStatuses":[{"name":"i1","restartCount":4,"state":{"waiting":{"reason":"CrashLoopBackOff"}}}]}""", "", "Init:CrashLoopBackOff" },
        {
            TwoInits,
            """{"phase":"Running","initContainerStatuses":[{"name":"i1","state":{"terminated":{"reason":"Completed","exitCode":0}}},{"name":"i2","state":{"terminated":{"reason":"Completed","exitCode":0}}}],"containerStatuses":[{"name":"app","ready":true,"state":{"running":{}}}]}""",
            "", "Running"
        },

        // A finished container beside a running one: Running when the pod is Ready, else NotReady.
        {
            """{"containers":[{"name":"a"},{"name":"b"}]}""",
            """{"phase":"Running","conditions":[{"type":"Ready","status":"True"}],"containerStatuses":[{"name":"a","state":{"terminated":{"reason":"Completed","exitCode":0}}},{"name":"b","ready":true,"state":{"running":{}}}]}""",
            "", "Running"
        },
        {
            """{"containers":[{"name":"a"},{"name":"b"}]}""",
            """{"phase":"Running","conditions":[{"type":"Ready","status":"False"}],"containerStatuses":[{"name":"a","state":{"terminated":{"reason":"Completed","exitCode":0}}},{"name":"b","ready":true,"state":{"running":{}}}]}""",
            "", "NotReady"
        },

        // Deletion: Terminating unless the phase is terminal; NodeLost reads Unknown.
        { OneContainer, """{"phase":"Running","containerStatuses":[{"name":"app","ready":true,"state":{"running":{}}}]}""", Deleted, "Terminating" },
        { OneContainer, """{"phase":"Pending"}""", Deleted, "Terminating" },
        { OneContainer, """{"phase":"Running","reason":"NodeLost"}""", Deleted, "Unknown" },
        { OneContainer, """{"phase":"Succeeded","containerStatuses":[{"name":"app","state":{"terminated":{"reason":"Completed","exitCode":0}}}]}""", Deleted, "Completed" },
        { OneContainer, """{"phase":"Failed","containerStatuses":[{"name":"app","state":{"terminated":{"reason":"Error","exitCode":1}}}]}""", Deleted, "Error" },
    };

    [Theory]
    [MemberData(nameof(StatusCases))]
    public void Status_ContainerStates_FollowPrintPodRules(string spec, string status, string meta, string expected)
    {
        Assert.Equal(expected, Row(Pod(spec, status, meta))[2]);
    }

    public static TheoryData<string, string, string, string> ReadyAndRestartCases => new()
    {
        // spec, status, expected READY, expected RESTARTS
        { OneContainer, """{"phase":"Pending"}""", "0/1", "0" },
        { OneContainer, """{"phase":"Running","containerStatuses":[{"name":"app","ready":true,"state":{"running":{}}}]}""", "1/1", "0" },
        { OneContainer, """{"phase":"Running","containerStatuses":[{"name":"app","ready":false,"state":{"running":{}}}]}""", "0/1", "0" },
        { OneContainer, """{"phase":"Running","containerStatuses":[{"name":"app","restartCount":2,"ready":true,"state":{"running":{}}}]}""", "1/1", "2" },
        {
            OneContainer,
            """{"phase":"Running","containerStatuses":[{"name":"app","restartCount":5,"lastState":{"terminated":{"exitCode":1,"finishedAt":"2025-01-01T11:55:00Z"}},"state":{"waiting":{"reason":"CrashLoopBackOff"}}}]}""",
            "0/1", "5 (5m ago)"
        },
        {
            """{"containers":[{"name":"a"},{"name":"b"}]}""",
            """{"phase":"Running","containerStatuses":[{"name":"a","restartCount":1,"ready":true,"state":{"running":{}},"lastState":{"terminated":{"finishedAt":"2025-01-01T09:00:00Z"}}},{"name":"b","restartCount":2,"ready":true,"state":{"running":{}},"lastState":{"terminated":{"finishedAt":"2025-01-01T11:58:00Z"}}}]}""",
            "2/2", "3 (2m ago)"
        },

        // While initializing only init-container restarts count.
        {
            TwoInits,
            """{"phase":"Pending","initContainerStatuses":[{"name":"i1","restartCount":3,"lastState":{"terminated":{"exitCode":1,"finishedAt":"2025-01-01T11:59:00Z"}},"state":{"waiting":{"reason":"CrashLoopBackOff"}}}],"containerStatuses":[{"name":"app","restartCount":7,"state":{"waiting":{"reason":"PodInitializing"}}}]}""",
            "0/1", "3 (60s ago)"
        },

        // Once initialized, regular init containers no longer count; sidecars (restartPolicy Always) do, as containers too.
        {
            """{"initContainers":[{"name":"setup"},{"name":"proxy","restartPolicy":"Always"}],"containers":[{"name":"app"}]}""",
            """{"phase":"Running","conditions":[{"type":"Initialized","status":"True"}],"initContainerStatuses":[{"name":"setup","restartCount":4,"state":{"terminated":{"reason":"Completed","exitCode":0}}},{"name":"proxy","restartCount":2,"started":true,"ready":true,"state":{"running":{}}}],"containerStatuses":[{"name":"app","restartCount":1,"ready":true,"state":{"running":{}}}]}""",
            "2/2", "3"
        },
        {
            """{"initContainers":[{"name":"proxy","restartPolicy":"Always"}],"containers":[{"name":"app"}]}""",
            """{"phase":"Pending","initContainerStatuses":[{"name":"proxy","started":false,"state":{"running":{}}}]}""",
            "0/2", "0"
        },
    };

    [Theory]
    [MemberData(nameof(ReadyAndRestartCases))]
    public void ReadyAndRestarts_ContainerStatuses_CountLikePrintPod(string spec, string status, string ready, string restarts)
    {
        var row = Row(Pod(spec, status));
        Assert.Equal(ready, row[1]);
        Assert.Equal(restarts, row[3]);
    }

    [Fact]
    public void Row_RunningPod_HasAllNineCells()
    {
        var json = Pod(
            """{"nodeName":"node-1","readinessGates":[{"conditionType":"example.com/lb"},{"conditionType":"example.com/dns"}],"containers":[{"name":"app"}]}""",
            """{"phase":"Running","podIP":"10.0.0.7","podIPs":[{"ip":"10.0.0.7"},{"ip":"fd00::7"}],"nominatedNodeName":"node-2","conditions":[{"type":"example.com/lb","status":"True"},{"type":"example.com/dns","status":"False"}],"containerStatuses":[{"name":"app","ready":true,"state":{"running":{}}}]}""");
        Assert.Equal(["web-0", "1/1", "Running", "0", "60m", "10.0.0.7", "node-1", "node-2", "1/2"], Row(json));
    }

    [Fact]
    public void Row_UnscheduledPod_PrintsNoneForWideCells()
    {
        Assert.Equal(["web-0", "0/1", "Pending", "0", "60m", "<none>", "<none>", "<none>", "<none>"], Row(Pod(OneContainer, """{"phase":"Pending"}""")));
    }

    [Fact]
    public void Row_OnlyPodIPs_UsesFirstPodIP()
    {
        Assert.Equal("fd00::1", Row(Pod(OneContainer, """{"phase":"Running","podIPs":[{"ip":"fd00::1"},{"ip":"10.0.0.1"}]}"""))[5]);
    }

    [Theory]
    [InlineData("Succeeded", "Succeeded", "The pod has completed successfully.")]
    [InlineData("Failed", "Failed", "The pod failed.")]
    public void Conditions_FinishedPod_MarksRowCompleted(string phase, string reason, string message)
    {
        var printer = (ITableRowConditions)BuiltInPrinters.For("", "Pod");
        var conditions = printer.Conditions(PrintingKit.Parse(Pod(OneContainer, $$$"""{"phase":"{{{phase}}}"}""")));
        var expected = new JsonArray(new JsonObject { ["type"] = "Completed", ["status"] = "True", ["reason"] = reason, ["message"] = message });
        Assert.True(JsonNode.DeepEquals(expected, conditions), conditions?.ToJsonString());
    }

    [Fact]
    public void Conditions_RunningPod_None()
    {
        var printer = (ITableRowConditions)BuiltInPrinters.For("", "Pod");
        Assert.Null(printer.Conditions(PrintingKit.Parse(Pod(OneContainer, """{"phase":"Running"}"""))));
    }
}
