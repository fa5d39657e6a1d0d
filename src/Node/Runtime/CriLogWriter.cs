using System.Buffers;
using System.Globalization;
using System.Text;

namespace Kura.Node.Runtime;

/// <summary>
/// Writes a container's stdout and stderr to one file in the CRI log format the kubelet reads
/// (`{RFC3339Nano} {stream} {F|P} {text}`; P marks a partial line split at 16 KiB, as containerd
/// does), so `kubectl logs` and tools that read /var/log/pods files understand it.
/// </summary>
public sealed class CriLogWriter : IDisposable
{
    private const int MaxLineBytes = 16 * 1024;
    private readonly FileStream _file;
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;

    public CriLogWriter(string path, TimeProvider? time = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Copies <paramref name="source"/> until it ends, one log record per line.</summary>
    public async Task PumpAsync(Stream source, string stream)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxLineBytes);
        var filled = 0;
        try
        {
            while (true)
            {
                var read = await source.ReadAsync(buffer.AsMemory(filled, MaxLineBytes - filled));
                if (read == 0)
                {
                    break;
                }

                filled += read;
                var start = 0;
                int newline;
                while ((newline = Array.IndexOf(buffer, (byte)'\n', start, filled - start)) >= 0)
                {
                    Write(stream, full: true, buffer.AsSpan(start, newline - start));
                    start = newline + 1;
                }

                if (start == 0 && filled == MaxLineBytes)
                {
                    Write(stream, full: false, buffer.AsSpan(0, filled));
                    filled = 0;
                }
                else if (start > 0)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, filled - start);
                    filled -= start;
                }
            }

            if (filled > 0)
            {
                // The stream ended without a newline: the last line is still a full record.
                Write(stream, full: true, buffer.AsSpan(0, filled));
            }
        }
        catch (IOException)
        {
            // The pipe broke (the container was killed): what was read is already written.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Write(string stream, bool full, ReadOnlySpan<byte> text)
    {
        // `{timestamp} {stream} {F|P} ` formatted on the stack: no allocation per log line.
        // The 64 bytes hold the 40 this ever needs ("2026-11-22T10:00:00.123456700Z stdout F ").
        Span<byte> prefix = stackalloc byte[64];
        _ = _time.GetUtcNow().UtcDateTime.TryFormat(prefix, out var n, "yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture);
        foreach (var part in (ReadOnlySpan<string>)["00Z ", stream, full ? " F " : " P "])
        {
            n += Encoding.ASCII.GetBytes(part, prefix[n..]);
        }

        lock (_gate)
        {
            _file.Write(prefix[..n]);
            _file.Write(text);
            _file.WriteByte((byte)'\n');
            _file.Flush();
        }
    }

    /// <summary>RFC 3339 with nine fractional digits (the CRI's fixed-width RFC3339Nano).</summary>
    public static string Timestamp(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture) + "00Z";

    public void Dispose() => _file.Dispose();
}
