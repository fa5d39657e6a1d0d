namespace Kura.Node.Volumes;

/// <summary>A pod volume ready on this node: the host directory (or file) to bind into containers.</summary>
/// <param name="Name">The volume's name in the pod spec.</param>
/// <param name="HostPath">Where it is on the node.</param>
/// <param name="ReadOnly">Whether every mount of it must be read-only (e.g. a read-only claim).</param>
/// <param name="Csi">For CSI volumes, what the node staged and published (for teardown).</param>
public sealed record PodVolume(string Name, string HostPath, bool ReadOnly, CsiPublication? Csi = null);

/// <summary>A CSI volume staged on this node and published for one pod.</summary>
public sealed record CsiPublication(string Driver, string VolumeHandle, string PersistentVolumeName, string StagingPath, string TargetPath, bool Staged);
