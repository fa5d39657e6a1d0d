using Kura.Node.Pods;

namespace Kura.Node.Tests.Pods;

public sealed class ContainerCommandTests
{
    [Fact]
    public void Resolve_NothingSet_UsesEntrypointAndCmd() =>
        Assert.Equal(["/entry", "cmd"], ContainerCommand.Resolve(null, null, ["/entry"], ["cmd"]));

    [Fact]
    public void Resolve_CommandSet_DropsEntrypointAndCmd() =>
        Assert.Equal(["sh", "-c", "x"], ContainerCommand.Resolve(["sh"], ["-c", "x"], ["/entry"], ["cmd"]));

    [Fact]
    public void Resolve_OnlyArgs_KeepsEntrypointReplacesCmd() =>
        Assert.Equal(["/entry", "a"], ContainerCommand.Resolve(null, ["a"], ["/entry"], ["cmd"]));

    [Theory]
    [InlineData("$(A)", "1")]
    [InlineData("x-$(A)-$(B)", "x-1-two")]
    [InlineData("$$(A)", "$(A)")]
    [InlineData("$(MISSING)", "$(MISSING)")]
    [InlineData("$(A", "$(A")]
    [InlineData("cost $5", "cost $5")]
    [InlineData("$", "$")]
    public void Expand_FollowsKubernetesRules(string input, string expected) =>
        Assert.Equal(expected, ContainerCommand.Expand(input, new Dictionary<string, string> { ["A"] = "1", ["B"] = "two" }));

    [Theory]
    [InlineData("busybox", "Always")]
    [InlineData("busybox:latest", "Always")]
    [InlineData("busybox:1.36", "IfNotPresent")]
    [InlineData("localhost:5000/busybox", "Always")]
    [InlineData("localhost:5000/busybox:v1", "IfNotPresent")]
    [InlineData("busybox@sha256:abcd", "IfNotPresent")]
    public void DefaultPullPolicy_IsAlwaysForLatestOnly(string image, string expected) =>
        Assert.Equal(expected, PodWorker.DefaultPullPolicy(image));
}
