using System.Diagnostics;
using System.Runtime.InteropServices;
using Kura.Grpc;

namespace Kura.Drivers.Host;

/// <summary>
/// The host programs and kernel facts the drivers use: losetup, mkfs, mount, resize2fs,
/// /proc/self/mountinfo and statvfs. Failures become INTERNAL with the tool's own message.
/// </summary>
public static partial class HostTools
{
    public static Task<string> RunAsync(string exe, params string[] args) => RunAsync(exe, [0], args);

    /// <summary>Runs a tool; exit codes outside <paramref name="okExitCodes"/> are failures.</summary>
    public static async Task<string> RunAsync(string exe, int[] okExitCodes, params string[] args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi) ?? throw new RpcException(StatusCode.Internal, $"cannot start {exe}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (!okExitCodes.Contains(p.ExitCode))
        {
            throw new RpcException(StatusCode.Internal, $"{exe} {string.Join(' ', args)} failed ({p.ExitCode}): {(await stderr).Trim()}");
        }

        return (await stdout).Trim();
    }

    /// <summary>True when <paramref name="path"/> is a mount point (listed in /proc/self/mountinfo).</summary>
    public static bool IsMountPoint(string path)
    {
        var full = Path.GetFullPath(path).TrimEnd('/');
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var fields = line.Split(' ');
            if (fields.Length > 4 && Unescape(fields[4]) == full)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Every mount point at or below <paramref name="path"/>, deepest first (the order to detach them in).</summary>
    public static IReadOnlyList<string> MountsUnder(string path)
    {
        var root = Path.GetFullPath(path).TrimEnd('/');
        return [.. File.ReadLines("/proc/self/mountinfo")
            .Select(l => l.Split(' '))
            .Where(f => f.Length > 4)
            .Select(f => Unescape(f[4]))
            .Where(m => m == root || m.StartsWith(root + "/", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(m => m.Length)];
    }

    /// <summary>Unmounts every mount stacked on <paramref name="path"/>.</summary>
    public static async Task UnmountAllAsync(string path)
    {
        for (var i = 0; i < 8 && IsMountPoint(path); i++)
        {
            await RunAsync("umount", path);
        }
    }

    private static string Unescape(string s) => s.Replace("\\040", " ", StringComparison.Ordinal).Replace("\\011", "\t", StringComparison.Ordinal).Replace("\\134", "\\", StringComparison.Ordinal);

    /// <summary>Filesystem usage of the filesystem holding <paramref name="path"/>.</summary>
    public static (long TotalBytes, long AvailableBytes, long UsedBytes, long TotalInodes, long FreeInodes) Usage(string path)
    {
        if (Statvfs(path, out var s) != 0)
        {
            throw new RpcException(StatusCode.Internal, $"statvfs {path} failed: errno {Marshal.GetLastPInvokeError()}");
        }

        var frsize = (long)s.FragmentSize;
        var total = (long)s.Blocks * frsize;
        var available = (long)s.BlocksAvailable * frsize;
        var used = total - ((long)s.BlocksFree * frsize);
        return (total, available, used, (long)s.Files, (long)s.FilesFree);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct StatvfsResult
    {
        public ulong BlockSize;
        public ulong FragmentSize;
        public ulong Blocks;
        public ulong BlocksFree;
        public ulong BlocksAvailable;
        public ulong Files;
        public ulong FilesFree;
        public ulong FilesAvailable;
        public ulong FsId;
        public ulong Flags;
        public ulong NameMax;
        public int Spare0;
        public int Spare1;
        public int Spare2;
        public int Spare3;
        public int Spare4;
        public int Spare5;
    }

    [LibraryImport("libc", EntryPoint = "statvfs", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statvfs(string path, out StatvfsResult result);
}
