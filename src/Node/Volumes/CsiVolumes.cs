using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Csi.V1;
using Kura.Csi;
using Kura.Grpc;

namespace Kura.Node.Volumes;

/// <summary>
/// The node side of CSI for pods (the kubelet's csi volume plugin): NodeStageVolume once per
/// volume and node into a global mount, NodePublishVolume per pod into the pod's volume directory,
/// and the reverse when pods go. Paths follow the kubelet's layout under the node's root.
/// </summary>
public sealed class CsiVolumes(string nodeRoot, IReadOnlyDictionary<string, GrpcClient> drivers)
{
    private static readonly TimeSpan CsiTimeout = TimeSpan.FromMinutes(2);
    private readonly Dictionary<string, bool> _stageCapability = new(StringComparer.Ordinal);

    public bool Serves(string driver) => drivers.ContainsKey(driver);

    /// <summary>/…/plugins/kubernetes.io/csi/{driver}/{sha256(volumeHandle)}/globalmount</summary>
    public string StagingPath(string driver, string volumeHandle) =>
        Path.Combine(nodeRoot, "plugins", "kubernetes.io", "csi", driver, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(volumeHandle))), "globalmount");

    public async Task<CsiPublication> PublishAsync(JsonObject pv, string podDirectory, bool readOnly, CancellationToken ct)
    {
        var spec = pv["spec"]!.AsObject();
        var csi = spec["csi"]!.AsObject();
        var driver = csi["driver"]!.GetValue<string>();
        var handle = csi["volumeHandle"]!.GetValue<string>();
        var pvName = pv["metadata"]!["name"]!.GetValue<string>();
        if (!drivers.TryGetValue(driver, out var client))
        {
            throw new VolumeSetupException($"kubernetes.io/csi: attacher.MountDevice failed to create newCsiDriverClient: driver name {driver} not found in the list of registered CSI drivers");
        }

        var capability = Capability(spec, csi);
        var context = new Dictionary<string, string>();
        foreach (var (k, v) in csi["volumeAttributes"]?.AsObject() ?? [])
        {
            context[k] = v?.GetValue<string>() ?? "";
        }

        var staging = StagingPath(driver, handle);
        var staged = await SupportsStageAsync(driver, client, ct);
        if (staged)
        {
            Directory.CreateDirectory(staging);
            var stage = new NodeStageVolumeRequest { VolumeId = handle, StagingTargetPath = staging, VolumeCapability = capability };
            stage.VolumeContext.Add(context);
            try
            {
                await client.UnaryAsync(CsiServices.Node, "NodeStageVolume", stage, NodeStageVolumeResponse.Parser, CsiTimeout, ct);
            }
            catch (RpcException e)
            {
                throw new VolumeSetupException($"rpc error: code = {e.Code} desc = {e.Message}") { Operation = "MountVolume.MountDevice" };
            }
        }

        try
        {
            var target = Path.Combine(podDirectory, "volumes", "kubernetes.io~csi", pvName, "mount");
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var publish = new NodePublishVolumeRequest
            {
                VolumeId = handle,
                StagingTargetPath = staged ? staging : "",
                TargetPath = target,
                VolumeCapability = capability,
                Readonly = readOnly || (csi["readOnly"]?.GetValue<bool>() ?? false),
            };
            publish.VolumeContext.Add(context);
            await client.UnaryAsync(CsiServices.Node, "NodePublishVolume", publish, NodePublishVolumeResponse.Parser, CsiTimeout, ct);
            return new CsiPublication(driver, handle, pvName, staging, target, staged);
        }
        catch (RpcException e)
        {
            throw new VolumeSetupException($"rpc error: code = {e.Code} desc = {e.Message}");
        }
    }

    public async Task UnpublishAsync(CsiPublication publication, CancellationToken ct)
    {
        if (!drivers.TryGetValue(publication.Driver, out var client))
        {
            return;
        }

        await client.UnaryAsync(CsiServices.Node, "NodeUnpublishVolume", new NodeUnpublishVolumeRequest { VolumeId = publication.VolumeHandle, TargetPath = publication.TargetPath }, NodeUnpublishVolumeResponse.Parser, CsiTimeout, ct);
        Directory.Delete(Path.GetDirectoryName(publication.TargetPath)!, recursive: true);
    }

    public async Task UnstageAsync(CsiPublication publication, CancellationToken ct)
    {
        if (!publication.Staged || !drivers.TryGetValue(publication.Driver, out var client))
        {
            return;
        }

        await client.UnaryAsync(CsiServices.Node, "NodeUnstageVolume", new NodeUnstageVolumeRequest { VolumeId = publication.VolumeHandle, StagingTargetPath = publication.StagingPath }, NodeUnstageVolumeResponse.Parser, CsiTimeout, ct);
    }

    private async Task<bool> SupportsStageAsync(string driver, GrpcClient client, CancellationToken ct)
    {
        lock (_stageCapability)
        {
            if (_stageCapability.TryGetValue(driver, out var known))
            {
                return known;
            }
        }

        var caps = await client.UnaryAsync(CsiServices.Node, "NodeGetCapabilities", new NodeGetCapabilitiesRequest(), NodeGetCapabilitiesResponse.Parser, CsiTimeout, ct);
        var stage = caps.Capabilities.Any(c => c.Rpc?.Type == NodeServiceCapability.Types.RPC.Types.Type.StageUnstageVolume);
        lock (_stageCapability)
        {
            _stageCapability[driver] = stage;
        }

        return stage;
    }

    /// <summary>The PV's access mode and volume mode as a CSI capability (kubelet's csi plugin mapping).</summary>
    private static VolumeCapability Capability(JsonObject spec, JsonObject csi)
    {
        var modes = spec["accessModes"]?.AsArray().Select(m => m?.GetValue<string>()).ToList() ?? [];
        var mode = modes.Contains("ReadWriteOncePod") ? VolumeCapability.Types.AccessMode.Types.Mode.SingleNodeSingleWriter
            : modes.Contains("ReadWriteMany") ? VolumeCapability.Types.AccessMode.Types.Mode.MultiNodeMultiWriter
            : modes.Contains("ReadWriteOnce") ? VolumeCapability.Types.AccessMode.Types.Mode.SingleNodeWriter
            : modes.Contains("ReadOnlyMany") ? VolumeCapability.Types.AccessMode.Types.Mode.MultiNodeReaderOnly
            : VolumeCapability.Types.AccessMode.Types.Mode.SingleNodeWriter;
        var capability = new VolumeCapability { AccessMode = new VolumeCapability.Types.AccessMode { Mode = mode } };
        if (spec["volumeMode"]?.GetValue<string>() == "Block")
        {
            throw new VolumeSetupException("block volumes (volumeMode: Block) are not supported by Kura's node agent yet; use volumeMode: Filesystem");
        }

        var mount = new VolumeCapability.Types.MountVolume { FsType = csi["fsType"]?.GetValue<string>() ?? "" };
        foreach (var option in spec["mountOptions"]?.AsArray() ?? [])
        {
            mount.MountFlags.Add(option!.GetValue<string>());
        }

        capability.Mount = mount;
        return capability;
    }
}
