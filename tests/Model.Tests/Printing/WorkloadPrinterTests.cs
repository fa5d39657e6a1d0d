namespace Kura.Model.Tests.Printing;

/// <summary>apps/v1 rows: Deployment, ReplicaSet, StatefulSet, DaemonSet, ControllerRevision.</summary>
public sealed class WorkloadPrinterTests
{
    private const string Meta = "{\"name\":\"web\",\"namespace\":\"default\",\"creationTimestamp\":\"2024-12-30T12:00:00Z\"}";
    private const string Template = """ "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"nginx","image":"nginx:1.27"},{"name":"sidecar","image":"busybox"}]}}""";

    public static TheoryData<string, object?[]> Deployments => new()
    {
        {
            $$$"""{"metadata":{{{Meta}}},"spec":{"replicas":3,"selector":{"matchLabels":{"app":"web","tier":"fe"}},{{{Template}}}},"status":{"replicas":3,"readyReplicas":2,"updatedReplicas":3,"availableReplicas":2}}""",
            ["web", "2/3", 3L, 2L, "2d", "nginx,sidecar", "nginx:1.27,busybox", "app=web,tier=fe"]
        },
        {
            // No status yet; replicas defaults to 1; an empty selector prints "" (printDeployment does not use <none>).
            $$$"""{"metadata":{{{Meta}}},"spec":{"selector":{},{{{Template}}}}}""",
            ["web", "0/1", 0L, 0L, "2d", "nginx,sidecar", "nginx:1.27,busybox", ""]
        },
        {
            $$$"""{"metadata":{{{Meta}}},"spec":{"replicas":0,"selector":{"matchExpressions":[{"key":"app","operator":"Bogus"}]}} }""",
            ["web", "0/0", 0L, 0L, "2d", "", "", "<invalid>"]
        },
    };

    [Theory]
    [MemberData(nameof(Deployments))]
    public void Row_Deployment_MatchesPrintDeployment(string json, object?[] expected)
    {
        Assert.Equal(expected, PrintingKit.Row("apps", "Deployment", json));
    }

    public static TheoryData<string, object?[]> ReplicaSets => new()
    {
        {
            $$$"""{"metadata":{{{Meta}}},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"},"matchExpressions":[{"key":"pod-template-hash","operator":"In","values":["7c5d"]}]},{{{Template}}}},"status":{"replicas":2,"readyReplicas":1}}""",
            ["web", 2L, 2L, 1L, "2d", "nginx,sidecar", "nginx:1.27,busybox", "app=web,pod-template-hash in (7c5d)"]
        },
        {
            $$$"""{"metadata":{{{Meta}}},"spec":{"selector":{}} }""",
            ["web", 1L, 0L, 0L, "2d", "", "", "<none>"]
        },
        {
            $$$"""{"metadata":{{{Meta}}},"spec":{"replicas":1,"selector":{"matchExpressions":[{"key":"a","operator":"In","values":[]}]}} }""",
            ["web", 1L, 0L, 0L, "2d", "", "", "<error>"]
        },
    };

    [Theory]
    [MemberData(nameof(ReplicaSets))]
    public void Row_ReplicaSet_MatchesPrintReplicaSet(string json, object?[] expected)
    {
        Assert.Equal(expected, PrintingKit.Row("apps", "ReplicaSet", json));
    }

    [Fact]
    public void Row_StatefulSet_PrintsReadyOverDesired()
    {
        var json = $$$"""{"metadata":{{{Meta}}},"spec":{"replicas":3,"serviceName":"web",{{{Template}}}},"status":{"replicas":3,"readyReplicas":3}}""";
        Assert.Equal(["web", "3/3", "2d", "nginx,sidecar", "nginx:1.27,busybox"], PrintingKit.Row("apps", "StatefulSet", json));
    }

    [Fact]
    public void Row_DaemonSet_PrintsCountsAndNodeSelector()
    {
        var json = $$$"""
            {"metadata":{{{Meta}}},"spec":{"selector":{"matchLabels":{"app":"agent"}},"template":{"spec":{"nodeSelector":{"kubernetes.io/os":"linux","disk":"ssd"},"containers":[{"name":"agent","image":"kura/agent:1"}]}} },
             "status":{"desiredNumberScheduled":3,"currentNumberScheduled":3,"numberReady":2,"updatedNumberScheduled":3,"numberAvailable":2}}
            """;
        Assert.Equal(["web", 3L, 3L, 2L, 3L, 2L, "disk=ssd,kubernetes.io/os=linux", "2d", "agent", "kura/agent:1", "app=agent"], PrintingKit.Row("apps", "DaemonSet", json));
    }

    [Fact]
    public void Row_DaemonSetWithoutNodeSelector_PrintsNone()
    {
        var json = $$$"""{"metadata":{{{Meta}}},"spec":{"selector":{"matchLabels":{"app":"agent"}},"template":{"spec":{"containers":[]}} }}""";
        Assert.Equal(["web", 0L, 0L, 0L, 0L, 0L, "<none>", "2d", "", "", "app=agent"], PrintingKit.Row("apps", "DaemonSet", json));
    }

    [Theory]
    [InlineData("""[{"apiVersion":"apps/v1","kind":"StatefulSet","name":"web","uid":"u","controller":true}]""", "statefulset.apps/web")]
    [InlineData("""[{"apiVersion":"v1","kind":"Pod","name":"p","uid":"u","controller":false},{"apiVersion":"v1","kind":"ReplicationController","name":"rc","uid":"u2","controller":true}]""", "replicationcontroller/rc")]
    [InlineData("""[{"apiVersion":"apps/v1","kind":"DaemonSet","name":"ds","uid":"u"}]""", "<none>")]
    [InlineData("[]", "<none>")]
    public void Row_ControllerRevision_PrintsControllerAndRevision(string owners, string controller)
    {
        var json = $$$"""{"metadata":{"name":"web-6d4cf56db6","creationTimestamp":"2025-01-01T11:00:00Z","ownerReferences":{{{owners}}}},"revision":2,"data":{}}""";
        Assert.Equal(["web-6d4cf56db6", controller, 2L, "60m"], PrintingKit.Row("apps", "ControllerRevision", json));
    }
}
