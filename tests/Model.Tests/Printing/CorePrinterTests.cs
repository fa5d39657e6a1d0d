namespace Kura.Model.Tests.Printing;

/// <summary>Core kinds: Namespace, Node, ConfigMap, Secret, ServiceAccount, Service, Endpoints, ResourceQuota, Lease, LimitRange.</summary>
public sealed class CorePrinterTests
{
    private const string Meta = "{\"name\":\"x\",\"creationTimestamp\":\"2025-01-01T09:00:00Z\"}";

    [Theory]
    [InlineData("""{"phase":"Active"}""", "Active")]
    [InlineData("""{"phase":"Terminating"}""", "Terminating")]
    [InlineData("{}", "")]
    public void Row_Namespace_PrintsPhase(string status, string expected)
    {
        Assert.Equal(["x", expected, "3h"], PrintingKit.Row("", "Namespace", $$$"""{"metadata":{{{Meta}}},"status":{{{status}}}}"""));
    }

    [Fact]
    public void Row_ReadyControlPlaneNode_PrintsAllColumns()
    {
        var json = $$$"""
            {"metadata":{"name":"x","creationTimestamp":"2025-01-01T09:00:00Z","labels":{"kubernetes.io/hostname":"x","node-role.kubernetes.io/control-plane":"","node-role.kubernetes.io/":"","kubernetes.io/role":"master","node-role.kubernetes.io/etcd":"true"}},
             "status":{"conditions":[{"type":"MemoryPressure","status":"False"},{"type":"Ready","status":"True"}],
                       "addresses":[{"type":"Hostname","address":"x"},{"type":"InternalIP","address":"192.168.1.10"},{"type":"InternalIP","address":"192.168.1.11"}],
                       "nodeInfo":{"kubeletVersion":"v1.32.0","osImage":"Ubuntu 24.04 LTS","kernelVersion":"6.8.0","containerRuntimeVersion":"runc://1.1.12"}} }
            """;
        Assert.Equal(
            ["x", "Ready", "control-plane,etcd,master", "3h", "v1.32.0", "192.168.1.10", "<none>", "Ubuntu 24.04 LTS", "6.8.0", "runc://1.1.12"],
            PrintingKit.Row("", "Node", json));
    }

    [Theory]
    [InlineData("""{"conditions":[{"type":"Ready","status":"False"}]}""", false, "NotReady")]
    [InlineData("""{"conditions":[{"type":"Ready","status":"Unknown"}]}""", false, "NotReady")]
    [InlineData("{}", false, "Unknown")]
    [InlineData("""{"conditions":[{"type":"Ready","status":"True"}]}""", true, "Ready,SchedulingDisabled")]
    [InlineData("{}", true, "Unknown,SchedulingDisabled")]
    [InlineData("""{"conditions":[{"type":"Ready","status":"False"},{"type":"Ready","status":"True"}]}""", false, "Ready")]
    public void Row_Node_StatusFromReadyCondition(string status, bool unschedulable, string expected)
    {
        var json = $$$"""{"metadata":{{{Meta}}},"spec":{"unschedulable":{{{(unschedulable ? "true" : "false")}}}},"status":{{{status}}}}""";
        var row = PrintingKit.Row("", "Node", json);
        Assert.Equal(expected, row[1]);
        Assert.Equal(["<none>", "", "<none>", "<none>", "<unknown>", "<unknown>", "<unknown>"], row[2..3].Concat(row[4..]));
    }

    [Fact]
    public void Row_ConfigMap_CountsDataAndBinaryData()
    {
        var json = $$$"""{"metadata":{{{Meta}}},"data":{"a":"1","b":"2"},"binaryData":{"c":"AA=="}}""";
        Assert.Equal(["x", 3L, "3h"], PrintingKit.Row("", "ConfigMap", json));
    }

    [Fact]
    public void Row_Secret_PrintsTypeAndDataCount()
    {
        var json = $$$"""{"metadata":{{{Meta}}},"type":"kubernetes.io/tls","data":{"tls.crt":"AA==","tls.key":"AA=="}}""";
        Assert.Equal(["x", "kubernetes.io/tls", 2L, "3h"], PrintingKit.Row("", "Secret", json));
        Assert.Equal(["x", "", 0L, "3h"], PrintingKit.Row("", "Secret", $$$"""{"metadata":{{{Meta}}}}"""));
    }

    [Fact]
    public void Row_ServiceAccount_CountsSecrets()
    {
        Assert.Equal(["x", 1L, "3h"], PrintingKit.Row("", "ServiceAccount", $$$"""{"metadata":{{{Meta}}},"secrets":[{"name":"x-token"}]}"""));
        Assert.Equal(["x", 0L, "3h"], PrintingKit.Row("", "ServiceAccount", $$$"""{"metadata":{{{Meta}}}}"""));
    }

    public static TheoryData<string, string, object?[]> Services => new()
    {
        {
            """{"type":"ClusterIP","clusterIP":"10.96.0.10","clusterIPs":["10.96.0.10"],"selector":{"k8s-app":"kube-dns","app":"dns"},"ports":[{"name":"dns","port":53,"protocol":"UDP"},{"name":"dns-tcp","port":53,"protocol":"TCP"}]}""",
            "{}",
            ["x", "ClusterIP", "10.96.0.10", "<none>", "53/UDP,53/TCP", "3h", "app=dns,k8s-app=kube-dns"]
        },
        {
            """{"type":"NodePort","clusterIPs":["10.96.3.4","fd00::4"],"externalIPs":["1.2.3.4","5.6.7.8"],"ports":[{"port":80,"nodePort":30080,"protocol":"TCP"}]}""",
            "{}",
            ["x", "NodePort", "10.96.3.4", "1.2.3.4,5.6.7.8", "80:30080/TCP", "3h", "<none>"]
        },
        {
            """{"type":"LoadBalancer","clusterIP":"10.96.1.1","ports":[{"port":443,"nodePort":31443,"protocol":"TCP"}]}""",
            "{}",
            ["x", "LoadBalancer", "10.96.1.1", "<pending>", "443:31443/TCP", "3h", "<none>"]
        },
        {
            """{"type":"LoadBalancer","clusterIP":"10.96.1.1","externalIPs":["9.9.9.9"],"ports":[{"port":443,"protocol":"TCP"}]}""",
            """{"loadBalancer":{"ingress":[{"ip":"203.0.113.9"},{"hostname":"lb.example.com"},{"ip":"203.0.113.9"}]}}""",
            ["x", "LoadBalancer", "10.96.1.1", "203.0.113.9,lb.example.com,9.9.9.9", "443/TCP", "3h", "<none>"]
        },
        {
            """{"type":"ExternalName","externalName":"db.example.com"}""",
            "{}",
            ["x", "ExternalName", "<none>", "db.example.com", "<none>", "3h", "<none>"]
        },
        {
            // Headless; an undefaulted object reads as ClusterIP and TCP.
            """{"clusterIP":"None","ports":[{"port":5432}],"selector":{"app":"pg"}}""",
            "{}",
            ["x", "ClusterIP", "None", "<none>", "5432/TCP", "3h", "app=pg"]
        },
    };

    [Theory]
    [MemberData(nameof(Services))]
    public void Row_Service_MatchesPrintService(string spec, string status, object?[] expected)
    {
        Assert.Equal(expected, PrintingKit.Row("", "Service", $$$"""{"metadata":{{{Meta}}},"spec":{{{spec}}},"status":{{{status}}}}"""));
    }

    [Theory]
    [InlineData("[]", "<none>")]
    [InlineData("""[{"addresses":[{"ip":"10.0.0.1"},{"ip":"10.0.0.2"}],"ports":[{"name":"http","port":8080,"protocol":"TCP"}]}]""", "10.0.0.1:8080,10.0.0.2:8080")]
    [InlineData("""[{"addresses":[{"ip":"10.0.0.1"},{"ip":"10.0.0.2"}],"ports":[{"port":80},{"port":443}]}]""", "10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...")]
    [InlineData("""[{"addresses":[{"ip":"10.0.0.1"},{"ip":"10.0.0.2"},{"ip":"10.0.0.3"},{"ip":"10.0.0.4"},{"ip":"10.0.0.5"}]}]""", "10.0.0.1,10.0.0.2,10.0.0.3 + 2 more...")]
    [InlineData("""[{"addresses":[{"ip":"fd00::1"}],"ports":[{"port":53}]}]""", "[fd00::1]:53")]
    [InlineData("""[{"notReadyAddresses":[{"ip":"10.0.0.9"}],"ports":[{"port":80}]}]""", "")]
    public void Row_Endpoints_FormatsFirstThreeAddresses(string subsets, string expected)
    {
        Assert.Equal(["x", expected, "3h"], PrintingKit.Row("", "Endpoints", $$$"""{"metadata":{{{Meta}}},"subsets":{{{subsets}}}}"""));
    }

    [Fact]
    public void Row_Endpoints_WithoutSubsets_PrintsNone()
    {
        Assert.Equal(["x", "<none>", "3h"], PrintingKit.Row("", "Endpoints", $$$"""{"metadata":{{{Meta}}}}"""));
    }

    [Fact]
    public void Row_ResourceQuota_SplitsRequestsAndLimitsInNameOrder()
    {
        var json = $$$"""
            {"metadata":{{{Meta}}},"spec":{"hard":{"pods":"10"}},
             "status":{"hard":{"requests.storage":"100Gi","pods":"10","limits.memory":"2Gi","limits.cpu":"2","persistentvolumeclaims":"5"},
                       "used":{"requests.storage":"5Gi","pods":"3","limits.cpu":"500m"}} }
            """;
        Assert.Equal(
            ["x", "persistentvolumeclaims: 0/5, pods: 3/10, requests.storage: 5Gi/100Gi", "limits.cpu: 500m/2, limits.memory: 0/2Gi", "3h"],
            PrintingKit.Row("", "ResourceQuota", json));
    }

    [Fact]
    public void Row_ResourceQuota_WithoutStatus_PrintsEmptyColumns()
    {
        Assert.Equal(["x", "", "", "3h"], PrintingKit.Row("", "ResourceQuota", $$$"""{"metadata":{{{Meta}}},"spec":{"hard":{"pods":"1"}} }"""));
    }

    [Theory]
    [InlineData("""{"holderIdentity":"kura-controller_5f3c","leaseDurationSeconds":15}""", "kura-controller_5f3c")]
    [InlineData("{}", "")]
    public void Row_Lease_PrintsHolder(string spec, string holder)
    {
        Assert.Equal(["x", holder, "3h"], PrintingKit.Row("coordination.k8s.io", "Lease", $$$"""{"metadata":{{{Meta}}},"spec":{{{spec}}}}"""));
    }

    [Fact]
    public void Row_LimitRange_PrintsCreatedAtInUtc()
    {
        var json = """{"metadata":{"name":"limits","creationTimestamp":"2025-01-01T10:30:00+01:00"},"spec":{"limits":[]}}""";
        Assert.Equal(["limits", "2025-01-01T09:30:00Z"], PrintingKit.Row("", "LimitRange", json));
    }
}
