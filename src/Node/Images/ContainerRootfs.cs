using System.Runtime.InteropServices;

namespace Kura.Node.Images;

/// <summary>
/// A container's root filesystem: an overlay of the image's unpacked layers (read-only, shared
/// by every container of the image) with a writable upper layer of its own.
/// </summary>
public static partial class ContainerRootfs
{
    /// <summary>Mounts `{dir}/rootfs` (upper and work beside it); returns the rootfs path.</summary>
    public static string Mount(ImageRecord image, string containerDirectory)
    {
        var upper = Path.Combine(containerDirectory, "upper");
        var work = Path.Combine(containerDirectory, "work");
        var rootfs = Path.Combine(containerDirectory, "rootfs");
        Directory.CreateDirectory(upper);
        Directory.CreateDirectory(work);
        Directory.CreateDirectory(rootfs);
        if (image.LayerDirectories.Count == 0)
        {
            throw new InvalidDataException($"image {image.Reference} has no layers");
        }

        // overlayfs lists lower directories top first.
        var lower = string.Join(':', image.LayerDirectories.Reverse());
        var options = $"lowerdir={lower},upperdir={upper},workdir={work}";
        if (MountSyscall("overlay", rootfs, "overlay", 0, options) != 0)
        {
            throw new IOException($"mounting the overlay root of {image.Reference} failed: errno {Marshal.GetLastPInvokeError()}");
        }

        return rootfs;
    }

    /// <summary>Unmounts the container's root filesystem (idempotent; lazy when still busy).</summary>
    public static void Unmount(string containerDirectory)
    {
        var rootfs = Path.Combine(containerDirectory, "rootfs");
        if (Directory.Exists(rootfs))
        {
            const int Detach = 2;
            _ = Umount2(rootfs, Detach);
        }
    }

    [LibraryImport("libc", EntryPoint = "mount", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int MountSyscall(string source, string target, string type, ulong flags, string data);

    [LibraryImport("libc", EntryPoint = "umount2", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Umount2(string target, int flags);
}
