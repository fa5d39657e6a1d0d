using Csi.V1;
using Kura.Csi;
using Kura.Drivers.Local;
using Kura.Grpc;

namespace Kura.Drivers.Tests;

/// <summary>
/// local.csi.kura.io over its real gRPC endpoint (a Unix socket) with real loop devices, mkfs and
/// mounts: the controller and node flows a kubelet and the CSI sidecars drive.
/// </summary>
public sealed class LocalDriverTests : IAsyncLifetime
{
    private const long MiB = 1024 * 1024;
    private readonly string _root = Directory.CreateTempSubdirectory("kura-local-").FullName;
    private GrpcServer _server = null!;
    private GrpcClient _client = null!;

    private string Socket => Path.Combine(_root, "csi.sock");

    public async Task InitializeAsync()
    {
        _server = await LocalDriverHost.StartAsync("unix://" + Socket, "node-a", Path.Combine(_root, "data"));
        _client = new GrpcClient("unix://" + Socket);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
        foreach (var mount in File.ReadLines("/proc/self/mounts").Select(l => l.Split(' ')[1]).Where(m => m.StartsWith(_root, StringComparison.Ordinal)).Reverse().ToList())
        {
            await Host.HostTools.RunAsync("umount", "-l", mount);
        }

        // Detach loop devices a failed test left behind.
        foreach (var line in (await Host.HostTools.RunAsync("losetup", "-a")).Split('\n').Where(l => l.Contains(_root, StringComparison.Ordinal)))
        {
            await Host.HostTools.RunAsync("losetup", "-d", line.Split(':')[0]);
        }

        Directory.Delete(_root, recursive: true);
    }

    private Task<TResp> Call<TReq, TResp>(string service, string method, TReq request, Google.Protobuf.MessageParser<TResp> parser)
        where TReq : Google.Protobuf.IMessage
        where TResp : Google.Protobuf.IMessage<TResp> =>
        _client.UnaryAsync(service, method, request, parser, TimeSpan.FromSeconds(60));

    private static VolumeCapability Mount() => new()
    {
        Mount = new VolumeCapability.Types.MountVolume { FsType = "ext4" },
        AccessMode = new VolumeCapability.Types.AccessMode { Mode = VolumeCapability.Types.AccessMode.Types.Mode.SingleNodeWriter },
    };

    [Fact]
    public async Task Identity_NameCapabilitiesAndProbe()
    {
        var info = await Call(CsiServices.Identity, "GetPluginInfo", new GetPluginInfoRequest(), GetPluginInfoResponse.Parser);
        Assert.Equal("local.csi.kura.io", info.Name);
        var caps = await Call(CsiServices.Identity, "GetPluginCapabilities", new GetPluginCapabilitiesRequest(), GetPluginCapabilitiesResponse.Parser);
        Assert.Contains(caps.Capabilities, c => c.Service?.Type == PluginCapability.Types.Service.Types.Type.VolumeAccessibilityConstraints);
        Assert.True((await Call(CsiServices.Identity, "Probe", new ProbeRequest(), ProbeResponse.Parser)).Ready);
    }

    [Fact]
    public async Task UnknownMethod_IsUnimplemented()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => Call("csi.v1.Controller", "Frobnicate", new ProbeRequest(), ProbeResponse.Parser));
        Assert.Equal(StatusCode.Unimplemented, e.Code);
    }

    [Theory]
    [InlineData("", true, StatusCode.InvalidArgument)]
    [InlineData("v", false, StatusCode.InvalidArgument)]
    public async Task CreateVolume_MissingFields_InvalidArgument(string name, bool withCapability, StatusCode expected)
    {
        var request = new CreateVolumeRequest { Name = name };
        if (withCapability)
        {
            request.VolumeCapabilities.Add(Mount());
        }

        var e = await Assert.ThrowsAsync<RpcException>(() => Call(CsiServices.Controller, "CreateVolume", request, CreateVolumeResponse.Parser));
        Assert.Equal(expected, e.Code);
    }

    [Fact]
    public async Task CreateVolume_SameNameOtherSize_AlreadyExists()
    {
        var request = new CreateVolumeRequest { Name = "dup", CapacityRange = new CapacityRange { RequiredBytes = 16 * MiB }, VolumeCapabilities = { Mount() } };
        var first = await Call(CsiServices.Controller, "CreateVolume", request, CreateVolumeResponse.Parser);
        var again = await Call(CsiServices.Controller, "CreateVolume", request, CreateVolumeResponse.Parser);
        Assert.Equal(first.Volume.VolumeId, again.Volume.VolumeId);
        Assert.Equal("node-a", first.Volume.AccessibleTopology[0].Segments[LocalDriver.TopologyKey]);
        request.CapacityRange.RequiredBytes = 64 * MiB;
        var e = await Assert.ThrowsAsync<RpcException>(() => Call(CsiServices.Controller, "CreateVolume", request, CreateVolumeResponse.Parser));
        Assert.Equal(StatusCode.AlreadyExists, e.Code);
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("vol-0000000000000000/../x")]
    [InlineData("nope")]
    public async Task PathLikeIds_AreNotFoundAndTouchNothing(string id)
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => Call(CsiServices.Controller, "ControllerExpandVolume",
            new ControllerExpandVolumeRequest { VolumeId = id, CapacityRange = new CapacityRange { RequiredBytes = MiB } }, ControllerExpandVolumeResponse.Parser));
        Assert.Equal(StatusCode.NotFound, e.Code);
        await Call(CsiServices.Controller, "DeleteVolume", new DeleteVolumeRequest { VolumeId = id }, DeleteVolumeResponse.Parser);
    }

    [Fact]
    public async Task FullLifecycle_StagePublishWriteSnapshotRestoreExpand()
    {
        var created = await Call(CsiServices.Controller, "CreateVolume",
            new CreateVolumeRequest { Name = "data", CapacityRange = new CapacityRange { RequiredBytes = 32 * MiB }, VolumeCapabilities = { Mount() } }, CreateVolumeResponse.Parser);
        var id = created.Volume.VolumeId;
        var staging = Path.Combine(_root, "staging", id);
        var target = Path.Combine(_root, "pods", "p1", "volume");
        await Call(CsiServices.Node, "NodeStageVolume", new NodeStageVolumeRequest { VolumeId = id, StagingTargetPath = staging, VolumeCapability = Mount() }, NodeStageVolumeResponse.Parser);
        await Call(CsiServices.Node, "NodeStageVolume", new NodeStageVolumeRequest { VolumeId = id, StagingTargetPath = staging, VolumeCapability = Mount() }, NodeStageVolumeResponse.Parser);
        await Call(CsiServices.Node, "NodePublishVolume", new NodePublishVolumeRequest { VolumeId = id, StagingTargetPath = staging, TargetPath = target, VolumeCapability = Mount() }, NodePublishVolumeResponse.Parser);

        await File.WriteAllTextAsync(Path.Combine(target, "out.txt"), "hello kura");
        // Capacity is real: 64 MiB does not fit in a 32 MiB volume.
        await Assert.ThrowsAsync<IOException>(() => File.WriteAllBytesAsync(Path.Combine(target, "big.bin"), new byte[64 * MiB]));
        File.Delete(Path.Combine(target, "big.bin"));

        var stats = await Call(CsiServices.Node, "NodeGetVolumeStats", new NodeGetVolumeStatsRequest { VolumeId = id, VolumePath = target }, NodeGetVolumeStatsResponse.Parser);
        Assert.False(stats.VolumeCondition.Abnormal);
        Assert.InRange(stats.Usage.Single(u => u.Unit == VolumeUsage.Types.Unit.Bytes).Total, 20 * MiB, 32 * MiB);

        var snapshot = await Call(CsiServices.Controller, "CreateSnapshot", new CreateSnapshotRequest { Name = "snap1", SourceVolumeId = id }, CreateSnapshotResponse.Parser);
        Assert.True(snapshot.Snapshot.ReadyToUse);
        var restored = await Call(CsiServices.Controller, "CreateVolume", new CreateVolumeRequest
        {
            Name = "restored",
            CapacityRange = new CapacityRange { RequiredBytes = 48 * MiB },
            VolumeCapabilities = { Mount() },
            VolumeContentSource = new VolumeContentSource { Snapshot = new VolumeContentSource.Types.SnapshotSource { SnapshotId = snapshot.Snapshot.SnapshotId } },
        }, CreateVolumeResponse.Parser);
        var restoredStaging = Path.Combine(_root, "staging", restored.Volume.VolumeId);
        await Call(CsiServices.Node, "NodeStageVolume", new NodeStageVolumeRequest { VolumeId = restored.Volume.VolumeId, StagingTargetPath = restoredStaging, VolumeCapability = Mount() }, NodeStageVolumeResponse.Parser);
        Assert.Equal("hello kura", await File.ReadAllTextAsync(Path.Combine(restoredStaging, "out.txt")));
        await Call(CsiServices.Node, "NodeUnstageVolume", new NodeUnstageVolumeRequest { VolumeId = restored.Volume.VolumeId, StagingTargetPath = restoredStaging }, NodeUnstageVolumeResponse.Parser);

        var expanded = await Call(CsiServices.Controller, "ControllerExpandVolume", new ControllerExpandVolumeRequest { VolumeId = id, CapacityRange = new CapacityRange { RequiredBytes = 96 * MiB } }, ControllerExpandVolumeResponse.Parser);
        Assert.True(expanded.NodeExpansionRequired);
        try
        {
            await Call(CsiServices.Node, "NodeExpandVolume", new NodeExpandVolumeRequest { VolumeId = id, VolumePath = target }, NodeExpandVolumeResponse.Parser);
        }
        catch (RpcException e) when (e.Code == StatusCode.FailedPrecondition)
        {
            // No CAP_SYS_RESOURCE here: the filesystem grows when the volume is staged again.
            await Call(CsiServices.Node, "NodeUnpublishVolume", new NodeUnpublishVolumeRequest { VolumeId = id, TargetPath = target }, NodeUnpublishVolumeResponse.Parser);
            await Call(CsiServices.Node, "NodeUnstageVolume", new NodeUnstageVolumeRequest { VolumeId = id, StagingTargetPath = staging }, NodeUnstageVolumeResponse.Parser);
            await Call(CsiServices.Node, "NodeStageVolume", new NodeStageVolumeRequest { VolumeId = id, StagingTargetPath = staging, VolumeCapability = Mount() }, NodeStageVolumeResponse.Parser);
            await Call(CsiServices.Node, "NodePublishVolume", new NodePublishVolumeRequest { VolumeId = id, StagingTargetPath = staging, TargetPath = target, VolumeCapability = Mount() }, NodePublishVolumeResponse.Parser);
        }

        await File.WriteAllBytesAsync(Path.Combine(target, "big.bin"), new byte[64 * MiB]);
        Assert.Equal("hello kura", await File.ReadAllTextAsync(Path.Combine(target, "out.txt")));

        await Call(CsiServices.Node, "NodeUnpublishVolume", new NodeUnpublishVolumeRequest { VolumeId = id, TargetPath = target }, NodeUnpublishVolumeResponse.Parser);
        await Call(CsiServices.Node, "NodeUnpublishVolume", new NodeUnpublishVolumeRequest { VolumeId = id, TargetPath = target }, NodeUnpublishVolumeResponse.Parser);
        await Call(CsiServices.Node, "NodeUnstageVolume", new NodeUnstageVolumeRequest { VolumeId = id, StagingTargetPath = staging }, NodeUnstageVolumeResponse.Parser);
        await Call(CsiServices.Controller, "DeleteVolume", new DeleteVolumeRequest { VolumeId = id }, DeleteVolumeResponse.Parser);
        var list = await Call(CsiServices.Controller, "ListVolumes", new ListVolumesRequest(), ListVolumesResponse.Parser);
        Assert.DoesNotContain(list.Entries, e => e.Volume.VolumeId == id);
    }
}
