using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Kura.Node.Images;

/// <summary>
/// Unpacks one image layer (a tar, optionally gzip-compressed) into a directory for overlayfs:
/// OCI whiteouts become overlay whiteouts (`.wh.name` → a 0:0 character device, `.wh..wh..opq` →
/// the `trusted.overlay.opaque` xattr), owners and modes are kept, and no entry may land outside
/// the directory — neither by `..`/absolute names nor through a symlink the layer planted.
/// Returns the layer's diffID (sha256 of the uncompressed tar).
/// </summary>
internal static partial class LayerUnpacker
{
    private const string WhiteoutPrefix = ".wh.";
    private const string OpaqueMarker = ".wh..wh..opq";

    public static string Unpack(Stream compressedOrPlain, string target)
    {
        Directory.CreateDirectory(target);
        var root = Path.GetFullPath(target).TrimEnd('/');
        using var buffered = new BufferedStream(compressedOrPlain, 1 << 16);
        Span<byte> magic = stackalloc byte[2];
        var isGzip = buffered.Read(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        buffered.Seek(0, SeekOrigin.Begin);
        using Stream plain = isGzip ? new GZipStream(buffered, CompressionMode.Decompress) : buffered;
        using var hashing = new HashingStream(plain);
        using (var reader = new TarReader(hashing, leaveOpen: true))
        {
            while (reader.GetNextEntry() is { } entry)
            {
                Extract(entry, root);
            }
        }

        hashing.Drain();
        return "sha256:" + Convert.ToHexStringLower(hashing.Hash());
    }

    private static void Extract(TarEntry entry, string root)
    {
        var name = entry.Name.TrimStart('.', '/').Length == 0 ? "" : entry.Name;
        if (name.StartsWith("./", StringComparison.Ordinal))
        {
            name = name[2..];
        }

        name = name.TrimEnd('/');
        if (name.Length == 0)
        {
            return;
        }

        var path = Safe(root, name);
        var parent = Path.GetDirectoryName(path)!;
        var leaf = Path.GetFileName(path);
        Directory.CreateDirectory(parent);
        if (leaf == OpaqueMarker)
        {
            SetXattr(parent, "trusted.overlay.opaque", "y"u8.ToArray());
            return;
        }

        if (leaf.StartsWith(WhiteoutPrefix, StringComparison.Ordinal))
        {
            var hidden = Path.Combine(parent, leaf[WhiteoutPrefix.Length..]);
            RemoveExisting(hidden);
            Check(Mknod(hidden, 0x2000, 0), $"mknod {hidden}");
            return;
        }

        if (entry.EntryType != TarEntryType.Directory)
        {
            RemoveExisting(path);
        }

        switch (entry.EntryType)
        {
            case TarEntryType.Directory:
                Directory.CreateDirectory(path);
                break;
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                using (var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
                {
                    entry.DataStream?.CopyTo(output);
                }

                break;
            case TarEntryType.SymbolicLink:
                File.CreateSymbolicLink(path, entry.LinkName);
                break;
            case TarEntryType.HardLink:
                var source = Safe(root, entry.LinkName.TrimStart('/'));
                Check(Link(source, path), $"link {entry.LinkName} → {name}");
                break;
            case TarEntryType.CharacterDevice or TarEntryType.BlockDevice or TarEntryType.Fifo:
                var kind = entry.EntryType switch { TarEntryType.CharacterDevice => 0x2000u, TarEntryType.BlockDevice => 0x6000u, _ => 0x1000u };
                var device = entry is PosixTarEntry posix ? Makedev(posix.DeviceMajor, posix.DeviceMinor) : 0;
                Check(Mknod(path, kind | (uint)entry.Mode & 0xFFF, device), $"mknod {name}");
                break;
            default:
                return;
        }

        Check(Lchown(path, entry.Uid, entry.Gid), $"chown {name}");
        if (entry.EntryType != TarEntryType.SymbolicLink)
        {
            Check(Chmod(path, (uint)entry.Mode & 0xFFF), $"chmod {name}");
        }
    }

    /// <summary>The absolute path for a layer entry; refuses escapes and symlinked parents.</summary>
    private static string Safe(string root, string name)
    {
        var path = Path.GetFullPath(Path.Combine(root, name));
        if (!path.StartsWith(root + "/", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"layer entry {name} points outside the layer");
        }

        for (var dir = Path.GetDirectoryName(path); dir is not null && dir.Length > root.Length; dir = Path.GetDirectoryName(dir))
        {
            if (new FileInfo(dir).LinkTarget is not null)
            {
                throw new InvalidDataException($"layer entry {name} goes through a symlink ({dir[(root.Length + 1)..]})");
            }
        }

        return path;
    }

    private static void RemoveExisting(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null || info.Exists)
        {
            info.Delete();
        }
        else if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }

    /// <summary>glibc's makedev for Linux's dev_t encoding.</summary>
    private static ulong Makedev(int major, int minor)
    {
        ulong ma = (uint)major, mi = (uint)minor;
        return ((ma & 0xfff) << 8) | ((ma & ~0xfffUL) << 32) | (mi & 0xff) | ((mi & ~0xffUL) << 12);
    }

    private static void Check(int result, string what)
    {
        if (result != 0)
        {
            throw new IOException($"{what} failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    private static void SetXattr(string path, string name, byte[] value) =>
        Check(Setxattr(path, name, value, (nuint)value.Length, 0), $"setxattr {name} on {path}");

    [LibraryImport("libc", EntryPoint = "mknod", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Mknod(string path, uint mode, ulong device);

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Link(string existing, string created);

    [LibraryImport("libc", EntryPoint = "lchown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Lchown(string path, int uid, int gid);

    [LibraryImport("libc", EntryPoint = "chmod", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Chmod(string path, uint mode);

    [LibraryImport("libc", EntryPoint = "setxattr", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Setxattr(string path, string name, byte[] value, nuint size, int flags);

    /// <summary>Hashes what is read through it (the layer's diffID is the hash of the plain tar).</summary>
    private sealed class HashingStream(Stream inner) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer);
            _hash.AppendData(buffer[..n]);
            return n;
        }

        /// <summary>Reads what the tar reader left (end-of-archive padding) so the hash covers the whole tar.</summary>
        public void Drain()
        {
            Span<byte> scratch = stackalloc byte[8192];
            while (Read(scratch) > 0)
            {
            }
        }

        public byte[] Hash() => _hash.GetHashAndReset();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _hash.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
