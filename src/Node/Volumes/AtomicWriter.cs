using System.Runtime.InteropServices;
using System.Globalization;

namespace Kura.Node.Volumes;

/// <summary>One file of a configMap/secret/downwardAPI/projected volume.</summary>
public sealed record VolumeFile(string Path, byte[] Content, int Mode);

/// <summary>
/// Writes a volume's files so that a reader never sees a half-updated set: the files go into a
/// fresh timestamped directory, `..data` is switched to it with one rename, and each visible path
/// is a symlink through `..data` (the kubelet's AtomicWriter layout, which applications such as
/// config reloaders depend on).
/// </summary>
public static partial class AtomicWriter
{
    private const string DataLink = "..data";

    /// <summary>Writes the payload; false when it is the same as what is already there.</summary>
    public static bool Write(string directory, IReadOnlyList<VolumeFile> files, TimeProvider time)
    {
        Directory.CreateDirectory(directory);
        foreach (var f in files)
        {
            if (f.Path.Length == 0 || Path.IsPathRooted(f.Path) || f.Path.Split('/').Any(p => p is ".." || p.StartsWith("..", StringComparison.Ordinal)))
            {
                throw new VolumeSetupException($"invalid path {f.Path}: must be relative, without '..'");
            }
        }

        var dataLink = Path.Combine(directory, DataLink);
        var current = Directory.Exists(dataLink) ? new DirectoryInfo(dataLink).LinkTarget : null;
        if (current is not null && SameContent(Path.Combine(directory, current), files))
        {
            return false;
        }

        var stamp = ".." + time.GetUtcNow().UtcDateTime.ToString("yyyy_MM_dd_HH_mm_ss.fffffff", CultureInfo.InvariantCulture) + Environment.CurrentManagedThreadId.ToString(CultureInfo.InvariantCulture);
        var fresh = Path.Combine(directory, stamp);
        Directory.CreateDirectory(fresh);
        foreach (var f in files)
        {
            var target = Path.Combine(fresh, f.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllBytes(target, f.Content);
            File.SetUnixFileMode(target, (UnixFileMode)f.Mode);
        }

        var tmpLink = Path.Combine(directory, "..data_tmp");
        File.Delete(tmpLink);
        File.CreateSymbolicLink(tmpLink, stamp);
        if (Rename(tmpLink, dataLink) != 0)
        {
            throw new IOException($"rename {tmpLink} to {dataLink} failed: errno {Marshal.GetLastPInvokeError()}");
        }

        // Top-level user-visible names point through ..data; stale ones go.
        var visible = files.Select(f => f.Path.Split('/')[0]).ToHashSet(StringComparer.Ordinal);
        foreach (var name in visible)
        {
            var link = Path.Combine(directory, name);
            if (!File.Exists(link) && !Directory.Exists(link) && new FileInfo(link).LinkTarget is null)
            {
                File.CreateSymbolicLink(link, Path.Combine(DataLink, name));
            }
        }

        foreach (var entry in Directory.EnumerateFileSystemEntries(directory))
        {
            var name = Path.GetFileName(entry);
            if (name.StartsWith("..", StringComparison.Ordinal))
            {
                if (name != DataLink && name != stamp && Directory.Exists(entry) && new DirectoryInfo(entry).LinkTarget is null)
                {
                    Directory.Delete(entry, recursive: true);
                }
            }
            else if (!visible.Contains(name))
            {
                File.Delete(entry);
            }
        }

        return true;
    }

    /// <summary>rename(2): atomically replaces the ..data symlink (File.Move follows links).</summary>
    [LibraryImport("libc", EntryPoint = "rename", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Rename(string from, string to);

    private static bool SameContent(string directory, IReadOnlyList<VolumeFile> files)
    {
        var existing = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Count();
        return existing == files.Count && files.All(f =>
        {
            var path = Path.Combine(directory, f.Path);
            return File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(f.Content) && (int)File.GetUnixFileMode(path) == f.Mode;
        });
    }
}

/// <summary>A volume could not be set up; the message is what the pod's FailedMount event says.</summary>
public sealed class VolumeSetupException(string message) : Exception(message)
{
    /// <summary>The kubelet's operation name in the event ("MountVolume.SetUp", "MountVolume.MountDevice").</summary>
    public string Operation { get; init; } = "MountVolume.SetUp";
}
