using System.Runtime.InteropServices;
using System.Text;

namespace Kura.Node.Streaming;

/// <summary>The master side of a pseudo-terminal: blocking reads and writes, and window size changes.</summary>
internal sealed partial class PtyMaster(int fd) : IDisposable
{
    private const int ORdwr = 2;
    private const int ONoctty = 0x100;
    private const int OCloexec = 0x80000;

    private const nuint Tiocswinsz = 0x5414;
    private const int EIntr = 4;
    private readonly Lock _gate = new();
    private int _fd = fd;

    /// <summary>Opens a new pseudo-terminal: its master, and the path of its slave side (/dev/pts/N).</summary>
    public static unsafe (PtyMaster Master, string SlavePath) Open()
    {
        var fd = PosixOpenpt(ORdwr | ONoctty | OCloexec);
        if (fd < 0)
        {
            throw new IOException($"posix_openpt failed (errno {Marshal.GetLastPInvokeError()})");
        }

        var master = new PtyMaster(fd);
        var name = stackalloc byte[128];
        if (GrantPt(fd) != 0 || UnlockPt(fd) != 0 || PtsName(fd, name, 128) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            master.Dispose();
            throw new IOException($"setting up the pseudo-terminal failed (errno {errno})");
        }

        return (master, Encoding.UTF8.GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(name)));
    }

    /// <summary>Reads what the terminal printed; 0 once the other side is gone (EIO).</summary>
    public unsafe int Read(Span<byte> buffer)
    {
        while (true)
        {
            nint n;
            fixed (byte* p = buffer)
            {
                n = ReadNative(_fd, p, (nuint)buffer.Length);
            }

            if (n >= 0)
            {
                return (int)n;
            }

            if (Marshal.GetLastPInvokeError() != EIntr)
            {
                return 0;
            }
        }
    }

    /// <summary>Waits up to <paramref name="milliseconds"/> for output (or the other side's hang-up).</summary>
    public unsafe bool Poll(int milliseconds)
    {
        var request = new PollFd { Fd = _fd, Events = 1 };
        return PollNative(&request, 1, milliseconds) > 0;
    }

    public unsafe void Write(ReadOnlySpan<byte> data)
    {
        // Writes and resizes hold the lock so Dispose cannot close (and the fd number be reused) under them.
        lock (_gate)
        {
            WriteLocked(data);
        }
    }

    private unsafe void WriteLocked(ReadOnlySpan<byte> data)
    {
        while (data.Length > 0)
        {
            if (_fd < 0)
            {
                throw new IOException("the terminal is closed");
            }

            nint n;
            fixed (byte* p = data)
            {
                n = WriteNative(_fd, p, (nuint)data.Length);
            }

            if (n < 0)
            {
                if (Marshal.GetLastPInvokeError() == EIntr)
                {
                    continue;
                }

                throw new IOException($"writing to the terminal failed (errno {Marshal.GetLastPInvokeError()})");
            }

            data = data[(int)n..];
        }
    }

    public unsafe void Resize(ushort width, ushort height)
    {
        var size = new WinSize { Rows = height, Columns = width };
        lock (_gate)
        {
            if (_fd >= 0)
            {
                _ = Ioctl(_fd, Tiocswinsz, &size);
            }
        }
    }

    /// <summary>Closes the master (the terminal hangs up); only once the reader has stopped.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_fd >= 0)
            {
                _ = CloseNative(_fd);
                _fd = -1;
            }
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct WinSize
    {
        public ushort Rows;
        public ushort Columns;
        public ushort XPixels;
        public ushort YPixels;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Returned;
    }

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static unsafe partial int PollNative(PollFd* fds, nuint count, int timeout);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint ReadNative(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static unsafe partial nint WriteNative(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static unsafe partial int Ioctl(int fd, nuint request, WinSize* size);

    [LibraryImport("libc", EntryPoint = "posix_openpt", SetLastError = true)]
    private static partial int PosixOpenpt(int flags);

    [LibraryImport("libc", EntryPoint = "grantpt", SetLastError = true)]
    private static partial int GrantPt(int fd);

    [LibraryImport("libc", EntryPoint = "unlockpt", SetLastError = true)]
    private static partial int UnlockPt(int fd);

    [LibraryImport("libc", EntryPoint = "ptsname_r", SetLastError = true)]
    private static unsafe partial int PtsName(int fd, byte* buffer, nuint length);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int CloseNative(int fd);
}
