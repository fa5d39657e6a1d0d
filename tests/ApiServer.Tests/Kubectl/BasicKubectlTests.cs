using Kura.ApiServer.Tests.Fixtures;

namespace Kura.ApiServer.Tests.Kubectl;

/// <summary>The everyday kubectl commands of the seeds, against the real kubectl binary.</summary>
public sealed class BasicKubectlTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Version_ReportsServer132()
    {
        var r = (await server.KubectlAsync("version")).Ok();
        Assert.Contains("Server Version: v1.32", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetNamespaces_ListsSystemNamespaces()
    {
        var r = (await server.KubectlAsync("get", "namespaces")).Ok();
        foreach (var ns in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
        {
            Assert.Equal("Active", TableText.Row(r.Stdout, ns)["STATUS"]);
        }
    }

    [Fact]
    public async Task CreateNamespace_Protobuf_CreatedThenAlreadyExists()
    {
        var r = (await server.KubectlAsync("create", "namespace", "demo-create")).Ok();
        Assert.Equal("namespace/demo-create created", r.Stdout.Trim());
        var again = await server.KubectlAsync("create", "namespace", "demo-create");
        Assert.Equal(1, again.ExitCode);
        Assert.Equal("Error from server (AlreadyExists): namespaces \"demo-create\" already exists", again.Stderr.Trim());
    }

    [Fact]
    public async Task CreateConfigMapFromLiteral_DataReadableByJsonPath()
    {
        (await server.KubectlAsync("create", "configmap", "cfg1", "--from-literal=a=1", "--from-literal=b=two")).Ok();
        var r = (await server.KubectlAsync("get", "configmap", "cfg1", "-o", "jsonpath={.data.a},{.data.b}")).Ok();
        Assert.Equal("1,two", r.Stdout);
        var table = (await server.KubectlAsync("get", "cm", "cfg1")).Ok();
        Assert.Equal("2", TableText.Row(table.Stdout, "cfg1")["DATA"]);
    }

    [Fact]
    public async Task CreateSecretGeneric_StoresBase64Data()
    {
        (await server.KubectlAsync("create", "secret", "generic", "s1", "--from-literal=password=hunter2")).Ok();
        var r = (await server.KubectlAsync("get", "secret", "s1", "-o", "jsonpath={.data.password} {.type}")).Ok();
        Assert.Equal("aHVudGVyMg== Opaque", r.Stdout);
    }

    [Fact]
    public async Task GetMissing_NotFoundMessage()
    {
        var r = await server.KubectlAsync("get", "pv", "nope");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("Error from server (NotFound): persistentvolumes \"nope\" not found", r.Stderr.Trim());
    }

    [Fact]
    public async Task UnknownResourceType_KubectlSaysSo()
    {
        var r = await server.KubectlAsync("get", "foos");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("the server doesn't have a resource type \"foos\"", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiResources_ShowsStorageKindsWithShortNames()
    {
        var r = (await server.KubectlAsync("api-resources")).Ok();
        Assert.Contains(TableText.Rows(r.Stdout), row => row[0] == "persistentvolumeclaims" && row[1] == "pvc");
        Assert.Contains(TableText.Rows(r.Stdout), row => row[0] == "storageclasses" && row[1] == "sc");
        Assert.Contains(TableText.Rows(r.Stdout), row => row[0] == "volumesnapshots" && row[1] == "vs");
    }
}
