namespace Kura.Model.Tests.Printing;

/// <summary>RBAC kinds and CustomResourceDefinition.</summary>
public sealed class RbacPrinterTests
{
    private const string Subjects = """
        [{"kind":"User","name":"alice","apiGroup":"rbac.authorization.k8s.io"},{"kind":"ServiceAccount","name":"builder","namespace":"ci"},
         {"kind":"Group","name":"devs","apiGroup":"rbac.authorization.k8s.io"},{"kind":"User","name":"bob"},{"kind":"Robot","name":"r2"},
         {"kind":"ServiceAccount","name":"deployer","namespace":"ci"}]
        """;

    [Theory]
    [InlineData("RoleBinding", "Role")]
    [InlineData("ClusterRoleBinding", "ClusterRole")]
    public void Row_Binding_PrintsRoleAndSubjects(string kind, string roleKind)
    {
        var json = $$$"""{"metadata":{"name":"edit","creationTimestamp":"2025-01-01T11:59:00Z"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"{{{roleKind}}}","name":"edit"},"subjects":{{{Subjects}}}}""";
        Assert.Equal(
            ["edit", $"{roleKind}/edit", "60s", "alice, bob", "devs", "ci/builder, ci/deployer"],
            PrintingKit.Row("rbac.authorization.k8s.io", kind, json));
    }

    [Fact]
    public void Row_BindingWithoutSubjects_PrintsEmptyWideCells()
    {
        var json = """{"metadata":{"name":"b"},"roleRef":{"kind":"ClusterRole","name":"view"}}""";
        Assert.Equal(["b", "ClusterRole/view", "<unknown>", "", "", ""], PrintingKit.Row("rbac.authorization.k8s.io", "RoleBinding", json));
    }

    [Theory]
    [InlineData("rbac.authorization.k8s.io", "Role")]
    [InlineData("rbac.authorization.k8s.io", "ClusterRole")]
    [InlineData("apiextensions.k8s.io", "CustomResourceDefinition")]
    public void Row_KindWithoutPrinter_PrintsNameAndCreatedAt(string group, string kind)
    {
        var json = """{"metadata":{"name":"volumesnapshots.snapshot.storage.k8s.io","creationTimestamp":"2024-06-01T08:15:30Z"}}""";
        Assert.Equal(["volumesnapshots.snapshot.storage.k8s.io", "2024-06-01T08:15:30Z"], PrintingKit.Row(group, kind, json));
    }

    [Fact]
    public void Row_CreatedAtWithoutTimestamp_PrintsGoZeroTime()
    {
        Assert.Equal(["r", "0001-01-01T00:00:00Z"], PrintingKit.Row("rbac.authorization.k8s.io", "Role", """{"metadata":{"name":"r"}}"""));
    }
}
