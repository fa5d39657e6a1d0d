using Csi.V1;
using Kura.Drivers.Host;
using Kura.Grpc;

namespace Kura.Drivers.Local;

public sealed partial class LocalDriver
{
    /// <summary>Attaches the image to a loop device and, for filesystem volumes, mounts it at the staging path.</summary>
    private async Task<NodeStageVolumeResponse> NodeStageVolumeAsync(NodeStageVolumeRequest request)
    {
        if (string.IsNullOrEmpty(request.VolumeId))
        {
            throw Invalid("Volume ID missing in request");
        }

        if (string.IsNullOrEmpty(request.StagingTargetPath))
        {
            throw Invalid("Staging target path missing in request");
        }

        if (request.VolumeCapability is null)
        {
            throw Invalid("Volume capability missing in request");
        }

        var volume = FindVolume(request.VolumeId);
        var block = CheckCapabilities([request.VolumeCapability]);
        if (volume.LoopDevice is not null)
        {
            return volume.StagingPath == request.StagingTargetPath
                ? new NodeStageVolumeResponse()
                : throw new RpcException(StatusCode.FailedPrecondition, $"volume {volume.Id} is already staged at {volume.StagingPath}");
        }

        if (block != volume.Block)
        {
            throw Invalid($"volume {volume.Id} cannot be staged with a {(block ? "block" : "mount")} capability");
        }

        var loop = await HostTools.RunAsync("losetup", "--find", "--show", _state.ImagePath(volume.Id));
        try
        {
            if (!block && !await HasFilesystemAsync(loop))
            {
                await HostTools.RunAsync(volume.FsType == "xfs" ? "mkfs.xfs" : "mkfs.ext4", volume.FsType == "xfs" ? ["-q", loop] : ["-F", "-q", loop]);
            }
            else if (!block && volume.FsType == "ext4" && await Ext4SmallerThanDeviceAsync(loop, volume.CapacityBytes))
            {
                // Offline expansion before mounting: what a pod restart finishes when the
                // filesystem could not grow online (FileSystemResizePending in Kubernetes).
                await HostTools.RunAsync("e2fsck", [0, 1], "-f", "-y", loop);
                await HostTools.RunAsync("resize2fs", loop);
            }

            if (!block)
            {
                Directory.CreateDirectory(request.StagingTargetPath);
                var flags = request.VolumeCapability.Mount.MountFlags;
                var args = new List<string> { "-t", volume.FsType };
                if (flags.Count > 0)
                {
                    args.AddRange(["-o", string.Join(',', flags)]);
                }

                args.AddRange([loop, request.StagingTargetPath]);
                await HostTools.RunAsync("mount", [.. args]);
            }
        }
        catch
        {
            await HostTools.RunAsync("losetup", "-d", loop);
            throw;
        }

        volume.LoopDevice = loop;
        volume.StagingPath = request.StagingTargetPath;
        _state.Save();
        return new NodeStageVolumeResponse();
    }

    private async Task<NodeUnstageVolumeResponse> NodeUnstageVolumeAsync(NodeUnstageVolumeRequest request)
    {
        if (string.IsNullOrEmpty(request.VolumeId))
        {
            throw Invalid("Volume ID missing in request");
        }

        if (string.IsNullOrEmpty(request.StagingTargetPath))
        {
            throw Invalid("Staging target path missing in request");
        }

        if (!LocalState.IsVolumeId(request.VolumeId) || !_state.Volumes.TryGetValue(request.VolumeId, out var volume) || volume.LoopDevice is null)
        {
            return new NodeUnstageVolumeResponse();
        }

        await HostTools.UnmountAllAsync(request.StagingTargetPath);
        await HostTools.RunAsync("losetup", "-d", volume.LoopDevice);
        volume.LoopDevice = null;
        volume.StagingPath = null;
        _state.Save();
        return new NodeUnstageVolumeResponse();
    }

    /// <summary>Bind-mounts the staged filesystem (or the loop device, for block) at the target path.</summary>
    private async Task<NodePublishVolumeResponse> NodePublishVolumeAsync(NodePublishVolumeRequest request)
    {
        if (string.IsNullOrEmpty(request.VolumeId))
        {
            throw Invalid("Volume ID missing in request");
        }

        if (string.IsNullOrEmpty(request.StagingTargetPath))
        {
            throw Invalid("Staging target path missing in request");
        }

        if (string.IsNullOrEmpty(request.TargetPath))
        {
            throw Invalid("Target path missing in request");
        }

        if (request.VolumeCapability is null)
        {
            throw Invalid("Volume capability missing in request");
        }

        var volume = FindVolume(request.VolumeId);
        var block = CheckCapabilities([request.VolumeCapability]);
        if (volume.LoopDevice is null || volume.StagingPath != request.StagingTargetPath)
        {
            throw new RpcException(StatusCode.FailedPrecondition, $"volume {volume.Id} is not staged at {request.StagingTargetPath}");
        }

        if (volume.PublishedPaths.Contains(request.TargetPath) && HostTools.IsMountPoint(request.TargetPath))
        {
            return new NodePublishVolumeResponse();
        }

        if (block)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(request.TargetPath)!);
            if (!File.Exists(request.TargetPath))
            {
                await File.WriteAllBytesAsync(request.TargetPath, []);
            }

            await HostTools.RunAsync("mount", "--bind", volume.LoopDevice, request.TargetPath);
        }
        else
        {
            Directory.CreateDirectory(request.TargetPath);
            await HostTools.RunAsync("mount", "--bind", request.StagingTargetPath, request.TargetPath);
        }

        if (request.Readonly)
        {
            await HostTools.RunAsync("mount", "-o", "remount,bind,ro", request.TargetPath);
        }

        volume.PublishedPaths.Add(request.TargetPath);
        _state.Save();
        return new NodePublishVolumeResponse();
    }

    private async Task<NodeUnpublishVolumeResponse> NodeUnpublishVolumeAsync(NodeUnpublishVolumeRequest request)
    {
        if (string.IsNullOrEmpty(request.VolumeId))
        {
            throw Invalid("Volume ID missing in request");
        }

        if (string.IsNullOrEmpty(request.TargetPath))
        {
            throw Invalid("Target path missing in request");
        }

        await HostTools.UnmountAllAsync(request.TargetPath);
        if (Directory.Exists(request.TargetPath))
        {
            Directory.Delete(request.TargetPath);
        }
        else if (File.Exists(request.TargetPath))
        {
            File.Delete(request.TargetPath);
        }

        if (LocalState.IsVolumeId(request.VolumeId) && _state.Volumes.TryGetValue(request.VolumeId, out var volume) && volume.PublishedPaths.Remove(request.TargetPath))
        {
            _state.Save();
        }

        return new NodeUnpublishVolumeResponse();
    }

    private NodeGetVolumeStatsResponse NodeGetVolumeStats(NodeGetVolumeStatsRequest request)
    {
        if (string.IsNullOrEmpty(request.VolumeId))
        {
            throw Invalid("Volume ID missing in request");
        }

        if (string.IsNullOrEmpty(request.VolumePath))
        {
            throw Invalid("Volume path missing in request");
        }

        var volume = FindVolume(request.VolumeId);
        if (!volume.PublishedPaths.Contains(request.VolumePath) && volume.StagingPath != request.VolumePath)
        {
            throw new RpcException(StatusCode.NotFound, $"volume {volume.Id} is not published at {request.VolumePath}");
        }

        var response = new NodeGetVolumeStatsResponse();
        if (volume.Block)
        {
            response.Usage.Add(new VolumeUsage { Total = volume.CapacityBytes, Unit = VolumeUsage.Types.Unit.Bytes });
        }
        else
        {
            var (total, available, used, inodes, freeInodes) = HostTools.Usage(request.VolumePath);
            response.Usage.Add(new VolumeUsage { Total = total, Available = available, Used = used, Unit = VolumeUsage.Types.Unit.Bytes });
            response.Usage.Add(new VolumeUsage { Total = inodes, Available = freeInodes, Used = inodes - freeInodes, Unit = VolumeUsage.Types.Unit.Inodes });
        }

        var healthy = File.Exists(_state.ImagePath(volume.Id)) && (volume.Block || HostTools.IsMountPoint(request.VolumePath));
        response.VolumeCondition = new VolumeCondition { Abnormal = !healthy, Message = healthy ? "volume is healthy" : "the volume's image or mount is missing" };
        return response;
    }

    /// <summary>Online expansion: the loop device learns the new image size, then the filesystem grows.</summary>
    private async Task<NodeExpandVolumeResponse> NodeExpandVolumeAsync(NodeExpandVolumeRequest request)
    {
        if (string.IsNullOrEmpty(request.VolumeId))
        {
            throw Invalid("Volume ID missing in request");
        }

        if (string.IsNullOrEmpty(request.VolumePath))
        {
            throw Invalid("Volume path missing in request");
        }

        var volume = FindVolume(request.VolumeId);
        if (volume.LoopDevice is null)
        {
            throw new RpcException(StatusCode.FailedPrecondition, $"volume {volume.Id} is not staged on this node");
        }

        await HostTools.RunAsync("losetup", "-c", volume.LoopDevice);
        if (!volume.Block)
        {
            if (volume.FsType == "xfs")
            {
                await HostTools.RunAsync("xfs_growfs", volume.StagingPath!);
            }
            else
            {
                try
                {
                    await HostTools.RunAsync("resize2fs", volume.LoopDevice);
                }
                catch (RpcException e) when (e.Message.Contains("Permission denied", StringComparison.Ordinal))
                {
                    // Online ext4 growth needs CAP_SYS_RESOURCE; without it the next stage grows it offline.
                    throw new RpcException(StatusCode.FailedPrecondition, $"volume {volume.Id} cannot grow its ext4 filesystem while mounted on this node (no CAP_SYS_RESOURCE); it grows when the volume is next staged");
                }
            }
        }

        return new NodeExpandVolumeResponse { CapacityBytes = volume.CapacityBytes };
    }

    /// <summary>blkid probes the device; exit code 2 means no filesystem signature at all.</summary>
    private static async Task<bool> HasFilesystemAsync(string device) =>
        (await HostTools.RunAsync("blkid", [0, 2], "-p", "-o", "value", "-s", "TYPE", device)).Length > 0;

    /// <summary>True when an ext4 filesystem is smaller than its device (a grown image).</summary>
    private static async Task<bool> Ext4SmallerThanDeviceAsync(string device, long deviceBytes)
    {
        var header = await HostTools.RunAsync("dumpe2fs", "-h", device);
        long blocks = 0, blockSize = 0;
        foreach (var line in header.Split('\n'))
        {
            var parts = line.Split(':', 2, StringSplitOptions.TrimEntries);
            if (parts.Length == 2 && parts[0] == "Block count")
            {
                blocks = long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (parts.Length == 2 && parts[0] == "Block size")
            {
                blockSize = long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return blocks > 0 && blockSize > 0 && blocks * blockSize + blockSize <= deviceBytes;
    }
}
