using System.Text.Json;
using System.Text.RegularExpressions;

namespace Kura.Drivers.Local;

/// <summary>One volume of the local driver: a sparse image file under the data directory.</summary>
public sealed class LocalVolume
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public long CapacityBytes { get; set; }

    /// <summary>True for raw block volumes (no filesystem).</summary>
    public bool Block { get; init; }

    public string FsType { get; init; } = "ext4";

    public string? SourceSnapshotId { get; init; }

    public string? SourceVolumeId { get; init; }

    /// <summary>The loop device while staged on this node.</summary>
    public string? LoopDevice { get; set; }

    public string? StagingPath { get; set; }

    public List<string> PublishedPaths { get; init; } = [];
}

/// <summary>A point-in-time copy of a volume's image.</summary>
public sealed class LocalSnapshot
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required string SourceVolumeId { get; init; }

    public long SizeBytes { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>
/// The driver's persistent state: volumes and snapshots in a JSON file, replaced atomically
/// (write, fsync, rename) on every change so a restarted driver picks up where it was.
/// Ids are generated and checked against a strict pattern, so no id can name a path outside
/// the data directory.
/// </summary>
public sealed partial class LocalState
{
    private readonly string _file;

    private LocalState(string dataDir)
    {
        DataDir = dataDir;
        _file = Path.Combine(dataDir, "state.json");
    }

    public string DataDir { get; }

    public Dictionary<string, LocalVolume> Volumes { get; private set; } = new(StringComparer.Ordinal);

    public Dictionary<string, LocalSnapshot> Snapshots { get; private set; } = new(StringComparer.Ordinal);

    public static LocalState Load(string dataDir)
    {
        Directory.CreateDirectory(Path.Combine(dataDir, "volumes"));
        Directory.CreateDirectory(Path.Combine(dataDir, "snapshots"));
        var state = new LocalState(dataDir);
        if (File.Exists(state._file))
        {
            var saved = JsonSerializer.Deserialize<Saved>(File.ReadAllText(state._file)) ?? new Saved([], []);
            state.Volumes = saved.Volumes.ToDictionary(v => v.Id, StringComparer.Ordinal);
            state.Snapshots = saved.Snapshots.ToDictionary(s => s.Id, StringComparer.Ordinal);
        }

        return state;
    }

    public void Save()
    {
        var tmp = _file + ".tmp";
        using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write))
        {
            JsonSerializer.Serialize(stream, new Saved([.. Volumes.Values], [.. Snapshots.Values]));
            stream.Flush(flushToDisk: true);
        }

        File.Move(tmp, _file, overwrite: true);
    }

    public string ImagePath(string volumeId) => Path.Combine(DataDir, "volumes", CheckId(volumeId, VolumeIdPattern()) + ".img");

    public string SnapshotPath(string snapshotId) => Path.Combine(DataDir, "snapshots", CheckId(snapshotId, SnapshotIdPattern()) + ".img");

    public static string NewVolumeId() => "vol-" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();

    public static string NewSnapshotId() => "snap-" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();

    public static bool IsVolumeId(string id) => VolumeIdPattern().IsMatch(id);

    public static bool IsSnapshotId(string id) => SnapshotIdPattern().IsMatch(id);

    private static string CheckId(string id, Regex pattern) =>
        pattern.IsMatch(id) ? id : throw new ArgumentException($"invalid id \"{id}\"", nameof(id));

    private sealed record Saved(List<LocalVolume> Volumes, List<LocalSnapshot> Snapshots);

    [GeneratedRegex("^vol-[0-9a-f]{16}$")]
    private static partial Regex VolumeIdPattern();

    [GeneratedRegex("^snap-[0-9a-f]{16}$")]
    private static partial Regex SnapshotIdPattern();
}
