using Csi.V1;
using Kura.Csi;
using Kura.Grpc;

namespace Kura.Drivers.Local;

/// <summary>
/// local.csi.kura.io: node-local volumes as sparse image files on loop devices, so capacity is
/// enforced by the filesystem's size (the OpenEBS LocalPV / local-path role). One instance serves
/// Identity, Controller and Node for one node, the way csi-driver-host-path does; a lock per
/// driver keeps state changes ordered (volumes are few; the RPCs that take time are host tools).
/// </summary>
public sealed partial class LocalDriver(string nodeId, string dataDir) : IDisposable
{
    public const string DriverName = "local.csi.kura.io";
    public const string TopologyKey = "topology.local.csi.kura.io/node";
    public const long DefaultCapacity = 1L << 30;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly LocalState _state = LocalState.Load(dataDir);

    public string NodeId => nodeId;

    /// <summary>The dispatch table for all three CSI services.</summary>
    public GrpcServiceTable Services() => new GrpcServiceTable()
        .Add(CsiServices.Identity, "GetPluginInfo", GetPluginInfoRequest.Parser, (_, _) => Task.FromResult(new GetPluginInfoResponse { Name = DriverName, VendorVersion = "0.1.0" }))
        .Add(CsiServices.Identity, "GetPluginCapabilities", GetPluginCapabilitiesRequest.Parser, (_, _) => Task.FromResult(PluginCapabilities()))
        .Add(CsiServices.Identity, "Probe", ProbeRequest.Parser, (_, _) => Task.FromResult(new ProbeResponse { Ready = true }))
        .Add(CsiServices.Controller, "CreateVolume", CreateVolumeRequest.Parser, Locked<CreateVolumeRequest, CreateVolumeResponse>(CreateVolumeAsync))
        .Add(CsiServices.Controller, "DeleteVolume", DeleteVolumeRequest.Parser, Locked<DeleteVolumeRequest, DeleteVolumeResponse>(DeleteVolumeAsync))
        .Add(CsiServices.Controller, "ValidateVolumeCapabilities", ValidateVolumeCapabilitiesRequest.Parser, Locked<ValidateVolumeCapabilitiesRequest, ValidateVolumeCapabilitiesResponse>(ValidateVolumeCapabilities))
        .Add(CsiServices.Controller, "ListVolumes", ListVolumesRequest.Parser, Locked<ListVolumesRequest, ListVolumesResponse>(ListVolumes))
        .Add(CsiServices.Controller, "GetCapacity", GetCapacityRequest.Parser, Locked<GetCapacityRequest, GetCapacityResponse>(GetCapacity))
        .Add(CsiServices.Controller, "ControllerGetCapabilities", ControllerGetCapabilitiesRequest.Parser, (_, _) => Task.FromResult(ControllerCapabilities()))
        .Add(CsiServices.Controller, "CreateSnapshot", CreateSnapshotRequest.Parser, Locked<CreateSnapshotRequest, CreateSnapshotResponse>(CreateSnapshotAsync))
        .Add(CsiServices.Controller, "DeleteSnapshot", DeleteSnapshotRequest.Parser, Locked<DeleteSnapshotRequest, DeleteSnapshotResponse>(DeleteSnapshot))
        .Add(CsiServices.Controller, "ListSnapshots", ListSnapshotsRequest.Parser, Locked<ListSnapshotsRequest, ListSnapshotsResponse>(ListSnapshots))
        .Add(CsiServices.Controller, "ControllerExpandVolume", ControllerExpandVolumeRequest.Parser, Locked<ControllerExpandVolumeRequest, ControllerExpandVolumeResponse>(ControllerExpandVolumeAsync))
        .Add(CsiServices.Node, "NodeStageVolume", NodeStageVolumeRequest.Parser, Locked<NodeStageVolumeRequest, NodeStageVolumeResponse>(NodeStageVolumeAsync))
        .Add(CsiServices.Node, "NodeUnstageVolume", NodeUnstageVolumeRequest.Parser, Locked<NodeUnstageVolumeRequest, NodeUnstageVolumeResponse>(NodeUnstageVolumeAsync))
        .Add(CsiServices.Node, "NodePublishVolume", NodePublishVolumeRequest.Parser, Locked<NodePublishVolumeRequest, NodePublishVolumeResponse>(NodePublishVolumeAsync))
        .Add(CsiServices.Node, "NodeUnpublishVolume", NodeUnpublishVolumeRequest.Parser, Locked<NodeUnpublishVolumeRequest, NodeUnpublishVolumeResponse>(NodeUnpublishVolumeAsync))
        .Add(CsiServices.Node, "NodeGetVolumeStats", NodeGetVolumeStatsRequest.Parser, Locked<NodeGetVolumeStatsRequest, NodeGetVolumeStatsResponse>(NodeGetVolumeStats))
        .Add(CsiServices.Node, "NodeExpandVolume", NodeExpandVolumeRequest.Parser, Locked<NodeExpandVolumeRequest, NodeExpandVolumeResponse>(NodeExpandVolumeAsync))
        .Add(CsiServices.Node, "NodeGetCapabilities", NodeGetCapabilitiesRequest.Parser, (_, _) => Task.FromResult(NodeCapabilities()))
        .Add(CsiServices.Node, "NodeGetInfo", NodeGetInfoRequest.Parser, (_, _) => Task.FromResult(new NodeGetInfoResponse { NodeId = nodeId, AccessibleTopology = Topology() }));

    private Func<TReq, CancellationToken, Task<TResp>> Locked<TReq, TResp>(Func<TReq, Task<TResp>> handler) => async (request, ct) =>
    {
        await _gate.WaitAsync(ct);
        try
        {
            return await handler(request);
        }
        finally
        {
            _gate.Release();
        }
    };

    private Func<TReq, CancellationToken, Task<TResp>> Locked<TReq, TResp>(Func<TReq, TResp> handler) =>
        Locked<TReq, TResp>(request => Task.FromResult(handler(request)));

    private Topology Topology() => new() { Segments = { [TopologyKey] = nodeId } };

    private static GetPluginCapabilitiesResponse PluginCapabilities() => new()
    {
        Capabilities =
        {
            new PluginCapability { Service = new PluginCapability.Types.Service { Type = PluginCapability.Types.Service.Types.Type.ControllerService } },
            new PluginCapability { Service = new PluginCapability.Types.Service { Type = PluginCapability.Types.Service.Types.Type.VolumeAccessibilityConstraints } },
            new PluginCapability { VolumeExpansion = new PluginCapability.Types.VolumeExpansion { Type = PluginCapability.Types.VolumeExpansion.Types.Type.Online } },
        },
    };

    private static ControllerGetCapabilitiesResponse ControllerCapabilities()
    {
        var response = new ControllerGetCapabilitiesResponse();
        foreach (var t in new[]
        {
            ControllerServiceCapability.Types.RPC.Types.Type.CreateDeleteVolume, ControllerServiceCapability.Types.RPC.Types.Type.ListVolumes,
            ControllerServiceCapability.Types.RPC.Types.Type.GetCapacity, ControllerServiceCapability.Types.RPC.Types.Type.CreateDeleteSnapshot,
            ControllerServiceCapability.Types.RPC.Types.Type.ListSnapshots, ControllerServiceCapability.Types.RPC.Types.Type.CloneVolume,
            ControllerServiceCapability.Types.RPC.Types.Type.ExpandVolume,
        })
        {
            response.Capabilities.Add(new ControllerServiceCapability { Rpc = new ControllerServiceCapability.Types.RPC { Type = t } });
        }

        return response;
    }

    private static NodeGetCapabilitiesResponse NodeCapabilities()
    {
        var response = new NodeGetCapabilitiesResponse();
        foreach (var t in new[]
        {
            NodeServiceCapability.Types.RPC.Types.Type.StageUnstageVolume, NodeServiceCapability.Types.RPC.Types.Type.GetVolumeStats,
            NodeServiceCapability.Types.RPC.Types.Type.ExpandVolume, NodeServiceCapability.Types.RPC.Types.Type.VolumeCondition,
        })
        {
            response.Capabilities.Add(new NodeServiceCapability { Rpc = new NodeServiceCapability.Types.RPC { Type = t } });
        }

        return response;
    }

    private static RpcException Invalid(string message) => new(StatusCode.InvalidArgument, message);

    public void Dispose() => _gate.Dispose();
}
