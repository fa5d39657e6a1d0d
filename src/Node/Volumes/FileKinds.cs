using System.Runtime.InteropServices;

namespace Kura.Node.Volumes;

/// <summary>A path's file type from stat(2), which .NET's file APIs do not expose.</summary>
internal static partial class FileKinds
{
    private const uint TypeMask = 0xF000;

    /// <summary>'f' regular, 'd' directory, 's' socket, 'c' char device, 'b' block device, 'l' other/missing.</summary>
    public static char Of(string path)
    {
        // struct stat on x86_64 and aarch64 glibc: st_mode is the 32-bit field at offset 24 (x86_64) / 16 (aarch64).
        Span<byte> buffer = stackalloc byte[256];
        if (Stat(path, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            return 'l';
        }

        var offset = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 16 : 24;
        var mode = BitConverter.ToUInt32(buffer[offset..]) & TypeMask;
        return mode switch
        {
            0x8000 => 'f',
            0x4000 => 'd',
            0xC000 => 's',
            0x2000 => 'c',
            0x6000 => 'b',
            _ => 'l',
        };
    }

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Stat(string path, ref byte buffer);
}
