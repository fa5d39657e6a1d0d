using System.Text.Json.Nodes;
using Kura.Node.Runtime;

namespace Kura.Node.Tests.Runtime;

public sealed class OciSpecBuilderTests
{
    private static ContainerLaunch Launch(Func<ContainerLaunch, ContainerLaunch>? change = null)
    {
        var launch = new ContainerLaunch { Id = "c1", BundleDirectory = "/b", RootfsPath = "/b/rootfs", Args = ["sh"], Env = ["A=1"] };
        return change is null ? launch : change(launch);
    }

    private static List<string> Caps(JsonObject spec) => [.. spec["process"]!["capabilities"]!["bounding"]!.AsArray().Select(c => c!.GetValue<string>())];

    [Fact]
    public void Build_Default_HasRuntimeDefaultCapabilitiesAndNoNetworkNamespace()
    {
        var spec = OciSpecBuilder.Build(Launch());
        Assert.Equal(OciSpecBuilder.DefaultCapabilities, Caps(spec));
        Assert.DoesNotContain(spec["linux"]!["namespaces"]!.AsArray(), n => n!["type"]!.GetValue<string>() == "network");
        Assert.NotNull(spec["linux"]!["maskedPaths"]);
    }

    [Fact]
    public void Build_DropAllAddOne_LeavesOnlyThatCapability()
    {
        var spec = OciSpecBuilder.Build(Launch(l => l with { DropCapabilities = ["ALL"], AddCapabilities = ["NET_ADMIN"] }));
        Assert.Equal(["CAP_NET_ADMIN"], Caps(spec));
    }

    [Fact]
    public void Build_Limits_BecomeCgroupResources()
    {
        var spec = OciSpecBuilder.Build(Launch(l => l with { MemoryLimitBytes = 64 << 20, CpuLimitMillis = 500, CpuRequestMillis = 250 }));
        var resources = spec["linux"]!["resources"]!;
        Assert.Equal(64L << 20, resources["memory"]!["limit"]!.GetValue<long>());
        Assert.Equal(50000, resources["cpu"]!["quota"]!.GetValue<long>());
        Assert.Equal(256, resources["cpu"]!["shares"]!.GetValue<long>());
    }

    [Fact]
    public void Build_ReadOnlyMount_IsBoundReadOnly()
    {
        var spec = OciSpecBuilder.Build(Launch(l => l with { Mounts = [new ContainerMount("/data", "/host/data", ReadOnly: true)] }));
        var mount = spec["mounts"]!.AsArray().Single(m => m!["destination"]!.GetValue<string>() == "/data")!;
        Assert.Contains("ro", mount["options"]!.AsArray().Select(o => o!.GetValue<string>()));
        Assert.Equal("/host/data", mount["source"]!.GetValue<string>());
    }

    [Fact]
    public void Build_NodeNetworkNamespace_IsJoined()
    {
        var spec = OciSpecBuilder.Build(Launch(l => l with { NetworkNamespacePath = "/run/netns/kura-node-2" }));
        Assert.Contains(spec["linux"]!["namespaces"]!.AsArray(), n => n!["path"]?.GetValue<string>() == "/run/netns/kura-node-2");
    }
}
