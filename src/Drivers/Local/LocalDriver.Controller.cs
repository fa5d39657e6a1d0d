using System.Globalization;
using Csi.V1;
using Google.Protobuf.WellKnownTypes;
using Kura.Drivers.Host;
using Kura.Grpc;

namespace Kura.Drivers.Local;

public sealed partial class LocalDriver
{
    private async Task<CreateVolumeResponse> CreateVolumeAsync(CreateVolumeRequest request)
    {
        // Required fields before anything else (CSI spec; csi-sanity checks the order).
        if (string.IsNullOrEmpty(request.Name))
        {
            throw Invalid("Name missing in request");
        }

        if (request.VolumeCapabilities.Count == 0)
        {
            throw Invalid("Volume capabilities missing in request");
        }

        var block = CheckCapabilities(request.VolumeCapabilities);
        var required = request.CapacityRange?.RequiredBytes ?? 0;
        var limit = request.CapacityRange?.LimitBytes ?? 0;
        if (required < 0 || limit < 0 || (limit > 0 && required > limit))
        {
            throw new RpcException(StatusCode.OutOfRange, $"capacity range required={required} limit={limit} cannot be satisfied");
        }

        var capacity = required > 0 ? required : limit > 0 ? Math.Min(limit, DefaultCapacity) : DefaultCapacity;
        capacity = (capacity + 4095) / 4096 * 4096;
        if (limit > 0 && capacity > limit)
        {
            capacity = limit;
        }

        var existing = _state.Volumes.Values.FirstOrDefault(v => v.Name == request.Name);
        if (existing is not null)
        {
            if (existing.CapacityBytes < required || (limit > 0 && existing.CapacityBytes > limit) || existing.Block != block)
            {
                throw new RpcException(StatusCode.AlreadyExists, $"volume {request.Name} exists with a different size or access type");
            }

            return new CreateVolumeResponse { Volume = ToCsi(existing) };
        }

        string? fromSnapshot = null, fromVolume = null;
        string? sourceImage = null;
        switch (request.VolumeContentSource?.TypeCase)
        {
            case VolumeContentSource.TypeOneofCase.Snapshot:
                fromSnapshot = request.VolumeContentSource.Snapshot.SnapshotId;
                if (!LocalState.IsSnapshotId(fromSnapshot) || !_state.Snapshots.TryGetValue(fromSnapshot, out var snap))
                {
                    throw new RpcException(StatusCode.NotFound, $"snapshot {fromSnapshot} not found");
                }

                if (snap.SizeBytes > capacity)
                {
                    throw new RpcException(StatusCode.OutOfRange, $"snapshot {fromSnapshot} ({snap.SizeBytes} bytes) is larger than the requested capacity");
                }

                sourceImage = _state.SnapshotPath(fromSnapshot);
                break;
            case VolumeContentSource.TypeOneofCase.Volume:
                fromVolume = request.VolumeContentSource.Volume.VolumeId;
                if (!LocalState.IsVolumeId(fromVolume) || !_state.Volumes.TryGetValue(fromVolume, out var src))
                {
                    throw new RpcException(StatusCode.NotFound, $"volume {fromVolume} not found");
                }

                if (src.CapacityBytes > capacity)
                {
                    throw new RpcException(StatusCode.OutOfRange, $"source volume {fromVolume} is larger than the requested capacity");
                }

                sourceImage = _state.ImagePath(fromVolume);
                break;
        }

        var fsType = request.VolumeCapabilities.Select(c => c.Mount?.FsType).FirstOrDefault(f => !string.IsNullOrEmpty(f)) ?? "ext4";
        if (fsType is not ("ext4" or "xfs"))
        {
            throw Invalid($"unsupported fsType {fsType}: ext4 and xfs are supported");
        }

        var (_, available, _, _, _) = HostTools.Usage(_state.DataDir);
        if (capacity > available)
        {
            throw new RpcException(StatusCode.ResourceExhausted, $"not enough space on node {nodeId}: {capacity} bytes requested, {available} available");
        }

        var volume = new LocalVolume { Id = LocalState.NewVolumeId(), Name = request.Name, CapacityBytes = capacity, Block = block, FsType = fsType, SourceSnapshotId = fromSnapshot, SourceVolumeId = fromVolume };
        var image = _state.ImagePath(volume.Id);
        if (sourceImage is not null)
        {
            await HostTools.RunAsync("cp", "--reflink=auto", "--sparse=always", sourceImage, image);
        }

        await using (var file = new FileStream(image, FileMode.OpenOrCreate, FileAccess.Write))
        {
            file.SetLength(capacity);
        }

        // New volumes are formatted when first staged (NodeStage), which keeps provisioning fast;
        // copies carry their filesystem and only need to grow into a bigger image.
        if (!block && sourceImage is not null && await HasFilesystemAsync(image))
        {
            if (fsType == "ext4")
            {
                // A copy made into a bigger volume grows its filesystem to the new size.
                // Exit 1 means "errors corrected": normal for a copy of a mounted journal.
                await HostTools.RunAsync("e2fsck", [0, 1], "-f", "-y", image);
                await HostTools.RunAsync("resize2fs", image);
            }
        }

        _state.Volumes[volume.Id] = volume;
        _state.Save();
        return new CreateVolumeResponse { Volume = ToCsi(volume) };
    }

    private Task<DeleteVolumeResponse> DeleteVolumeAsync(DeleteVolumeRequest request)
    {
        if (string.IsNullOrEmpty(request.VolumeId))
        {
            throw Invalid("Volume ID missing in request");
        }

        if (LocalState.IsVolumeId(request.VolumeId) && _state.Volumes.Remove(request.VolumeId, out var volume))
        {
            if (volume.LoopDevice is not null)
            {
                _state.Volumes[volume.Id] = volume;
                throw new RpcException(StatusCode.FailedPrecondition, $"volume {volume.Id} is still staged at {volume.StagingPath}");
            }

            File.Delete(_state.ImagePath(volume.Id));
            _state.Save();
        }

        return Task.FromResult(new DeleteVolumeResponse());
    }

    private ValidateVolumeCapabilitiesResponse ValidateVolumeCapabilities(ValidateVolumeCapabilitiesRequest request)
    {
        if (string.IsNullOrEmpty(request.VolumeId))
        {
            throw Invalid("Volume ID missing in request");
        }

        if (request.VolumeCapabilities.Count == 0)
        {
            throw Invalid("Volume capabilities missing in request");
        }

        var volume = FindVolume(request.VolumeId);
        var block = CheckCapabilities(request.VolumeCapabilities);
        if (block != volume.Block)
        {
            return new ValidateVolumeCapabilitiesResponse { Message = block ? "volume is a filesystem volume" : "volume is a block volume" };
        }

        var confirmed = new ValidateVolumeCapabilitiesResponse.Types.Confirmed();
        confirmed.VolumeCapabilities.Add(request.VolumeCapabilities);
        confirmed.VolumeContext.Add(request.VolumeContext);
        confirmed.Parameters.Add(request.Parameters);
        return new ValidateVolumeCapabilitiesResponse { Confirmed = confirmed };
    }

    private ListVolumesResponse ListVolumes(ListVolumesRequest request)
    {
        var all = _state.Volumes.Values.OrderBy(v => v.Id, StringComparer.Ordinal).ToList();
        var start = 0;
        if (!string.IsNullOrEmpty(request.StartingToken) && (!int.TryParse(request.StartingToken, NumberStyles.None, CultureInfo.InvariantCulture, out start) || start > all.Count))
        {
            throw new RpcException(StatusCode.Aborted, $"invalid starting token {request.StartingToken}");
        }

        var count = request.MaxEntries > 0 ? request.MaxEntries : all.Count;
        var response = new ListVolumesResponse();
        foreach (var v in all.Skip(start).Take(count))
        {
            response.Entries.Add(new ListVolumesResponse.Types.Entry { Volume = ToCsi(v) });
        }

        if (start + count < all.Count)
        {
            response.NextToken = (start + count).ToString(CultureInfo.InvariantCulture);
        }

        return response;
    }

    private GetCapacityResponse GetCapacity(GetCapacityRequest request)
    {
        if (request.AccessibleTopology is { } t && t.Segments.TryGetValue(TopologyKey, out var node) && node != nodeId)
        {
            return new GetCapacityResponse { AvailableCapacity = 0 };
        }

        return new GetCapacityResponse { AvailableCapacity = HostTools.Usage(_state.DataDir).AvailableBytes };
    }

    private async Task<ControllerExpandVolumeResponse> ControllerExpandVolumeAsync(ControllerExpandVolumeRequest request)
    {
        if (string.IsNullOrEmpty(request.VolumeId))
        {
            throw Invalid("Volume ID missing in request");
        }

        if (request.CapacityRange is null)
        {
            throw Invalid("Capacity range not provided");
        }

        var volume = FindVolume(request.VolumeId);
        var wanted = Math.Max(request.CapacityRange.RequiredBytes, request.CapacityRange.LimitBytes > 0 ? Math.Min(request.CapacityRange.LimitBytes, request.CapacityRange.RequiredBytes) : 0);
        if (request.CapacityRange.LimitBytes > 0 && request.CapacityRange.RequiredBytes > request.CapacityRange.LimitBytes)
        {
            throw new RpcException(StatusCode.OutOfRange, "required bytes exceed the limit");
        }

        if (wanted > volume.CapacityBytes)
        {
            await using (var file = new FileStream(_state.ImagePath(volume.Id), FileMode.Open, FileAccess.Write))
            {
                file.SetLength(wanted);
            }

            volume.CapacityBytes = wanted;
            _state.Save();
        }

        return new ControllerExpandVolumeResponse { CapacityBytes = volume.CapacityBytes, NodeExpansionRequired = !volume.Block };
    }

    private async Task<CreateSnapshotResponse> CreateSnapshotAsync(CreateSnapshotRequest request)
    {
        if (string.IsNullOrEmpty(request.Name))
        {
            throw Invalid("Snapshot name missing in request");
        }

        if (string.IsNullOrEmpty(request.SourceVolumeId))
        {
            throw Invalid("Snapshot SourceVolumeId missing in request");
        }

        if (_state.Snapshots.Values.FirstOrDefault(s => s.Name == request.Name) is { } existing)
        {
            return existing.SourceVolumeId == request.SourceVolumeId
                ? new CreateSnapshotResponse { Snapshot = ToCsi(existing) }
                : throw new RpcException(StatusCode.AlreadyExists, $"snapshot {request.Name} exists for another volume");
        }

        var volume = FindVolume(request.SourceVolumeId);
        var snapshot = new LocalSnapshot { Id = LocalState.NewSnapshotId(), Name = request.Name, SourceVolumeId = volume.Id, SizeBytes = volume.CapacityBytes, CreatedAt = DateTimeOffset.UtcNow };
        if (volume.LoopDevice is not null)
        {
            // Crash-consistent: flush what the filesystem holds before copying the image.
            await HostTools.RunAsync("sync", "-f", volume.StagingPath ?? _state.DataDir);
        }

        await HostTools.RunAsync("cp", "--reflink=auto", "--sparse=always", _state.ImagePath(volume.Id), _state.SnapshotPath(snapshot.Id));
        _state.Snapshots[snapshot.Id] = snapshot;
        _state.Save();
        return new CreateSnapshotResponse { Snapshot = ToCsi(snapshot) };
    }

    private DeleteSnapshotResponse DeleteSnapshot(DeleteSnapshotRequest request)
    {
        if (string.IsNullOrEmpty(request.SnapshotId))
        {
            throw Invalid("Snapshot ID missing in request");
        }

        if (LocalState.IsSnapshotId(request.SnapshotId) && _state.Snapshots.Remove(request.SnapshotId))
        {
            File.Delete(_state.SnapshotPath(request.SnapshotId));
            _state.Save();
        }

        return new DeleteSnapshotResponse();
    }

    private ListSnapshotsResponse ListSnapshots(ListSnapshotsRequest request)
    {
        var all = _state.Snapshots.Values
            .Where(s => request.SnapshotId.Length == 0 || s.Id == request.SnapshotId)
            .Where(s => request.SourceVolumeId.Length == 0 || s.SourceVolumeId == request.SourceVolumeId)
            .OrderBy(s => s.Id, StringComparer.Ordinal).ToList();
        var start = 0;
        if (!string.IsNullOrEmpty(request.StartingToken) && (!int.TryParse(request.StartingToken, NumberStyles.None, CultureInfo.InvariantCulture, out start) || start > all.Count))
        {
            throw new RpcException(StatusCode.Aborted, $"invalid starting token {request.StartingToken}");
        }

        var count = request.MaxEntries > 0 ? request.MaxEntries : all.Count;
        var response = new ListSnapshotsResponse();
        foreach (var s in all.Skip(start).Take(count))
        {
            response.Entries.Add(new ListSnapshotsResponse.Types.Entry { Snapshot = ToCsi(s) });
        }

        if (start + count < all.Count)
        {
            response.NextToken = (start + count).ToString(CultureInfo.InvariantCulture);
        }

        return response;
    }

    private LocalVolume FindVolume(string id) =>
        LocalState.IsVolumeId(id) && _state.Volumes.TryGetValue(id, out var v) ? v : throw new RpcException(StatusCode.NotFound, $"volume {id} not found");

    /// <summary>Checks capabilities: one access type each, single-node modes only. Returns true for block.</summary>
    private static bool CheckCapabilities(IEnumerable<VolumeCapability> capabilities)
    {
        bool? block = null;
        foreach (var c in capabilities)
        {
            if (c.AccessTypeCase == VolumeCapability.AccessTypeOneofCase.None)
            {
                throw Invalid("Volume capability access type missing");
            }

            if (c.AccessMode is null || c.AccessMode.Mode == VolumeCapability.Types.AccessMode.Types.Mode.Unknown)
            {
                throw Invalid("Volume capability access mode missing");
            }

            if (c.AccessMode.Mode is VolumeCapability.Types.AccessMode.Types.Mode.MultiNodeMultiWriter or VolumeCapability.Types.AccessMode.Types.Mode.MultiNodeSingleWriter)
            {
                throw Invalid($"access mode {c.AccessMode.Mode} is not supported by a node-local volume");
            }

            block = (block ?? false) || c.AccessTypeCase == VolumeCapability.AccessTypeOneofCase.Block;
        }

        return block ?? false;
    }

    private Volume ToCsi(LocalVolume v)
    {
        var volume = new Volume { VolumeId = v.Id, CapacityBytes = v.CapacityBytes, AccessibleTopology = { Topology() } };
        volume.VolumeContext["node"] = nodeId;
        if (v.SourceSnapshotId is not null)
        {
            volume.ContentSource = new VolumeContentSource { Snapshot = new VolumeContentSource.Types.SnapshotSource { SnapshotId = v.SourceSnapshotId } };
        }
        else if (v.SourceVolumeId is not null)
        {
            volume.ContentSource = new VolumeContentSource { Volume = new VolumeContentSource.Types.VolumeSource { VolumeId = v.SourceVolumeId } };
        }

        return volume;
    }

    private static Snapshot ToCsi(LocalSnapshot s) => new()
    {
        SnapshotId = s.Id,
        SourceVolumeId = s.SourceVolumeId,
        SizeBytes = s.SizeBytes,
        CreationTime = Timestamp.FromDateTimeOffset(s.CreatedAt),
        ReadyToUse = true,
    };
}
