using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Kura.Grpc;

/// <summary>
/// gRPC over HTTP/2 wire details (PROTOCOL-HTTP2.md): the 5-byte message prefix
/// (compressed flag + big-endian length), grpc-timeout values and grpc-message encoding.
/// </summary>
public static class Wire
{
    public const string ContentType = "application/grpc";

    /// <summary>Largest message accepted (gRPC's default receive limit).</summary>
    public const int MaxMessageBytes = 4 * 1024 * 1024;

    /// <summary>
    /// Reads exactly one length-prefixed message from a complete body.
    /// <code>
    /// +--------+----------------+-----------------+
    /// | flag:1 | length:4 (BE)  | message:length  |
    /// +--------+----------------+-----------------+
    /// </code>
    /// </summary>
    public static ReadOnlyMemory<byte> ReadSingleMessage(ReadOnlyMemory<byte> body)
    {
        var span = body.Span;
        if (span.Length < 5)
        {
            throw new RpcException(StatusCode.Internal, "grpc: truncated message prefix");
        }

        if (span[0] != 0)
        {
            throw new RpcException(StatusCode.Unimplemented, "grpc: compressed messages are not supported");
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(span[1..5]);
        if (length > MaxMessageBytes)
        {
            throw new RpcException(StatusCode.ResourceExhausted, $"grpc: received message larger than max ({length} vs. {MaxMessageBytes})");
        }

        if (span.Length - 5 != length)
        {
            throw new RpcException(StatusCode.Internal, "grpc: body is not exactly one message");
        }

        return body.Slice(5, (int)length);
    }

    /// <summary>Writes the prefix and message into a new pooled-free array (messages are small and rare).</summary>
    public static byte[] Frame(ReadOnlySpan<byte> message)
    {
        var framed = new byte[message.Length + 5];
        BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1, 4), (uint)message.Length);
        message.CopyTo(framed.AsSpan(5));
        return framed;
    }

    /// <summary>Parses grpc-timeout ("100m", "4998156u", "1S"); null when absent or malformed.</summary>
    public static TimeSpan? ParseTimeout(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length < 2 || value.Length > 9
            || !long.TryParse(value.AsSpan(0, value.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return null;
        }

        return value[^1] switch
        {
            'H' => TimeSpan.FromHours(n),
            'M' => TimeSpan.FromMinutes(n),
            'S' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMilliseconds(n),
            'u' => TimeSpan.FromTicks(n * 10),
            'n' => TimeSpan.FromTicks(n / 100),
            _ => null,
        };
    }

    /// <summary>Formats a timeout in milliseconds (8 digits at most, as the spec requires).</summary>
    public static string FormatTimeout(TimeSpan timeout)
    {
        var ms = Math.Max(1, (long)Math.Ceiling(timeout.TotalMilliseconds));
        return ms < 100_000_000 ? ms.ToString(CultureInfo.InvariantCulture) + "m" : Math.Min(99_999_999, (long)timeout.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "S";
    }

    /// <summary>grpc-message percent-encoding: printable ASCII except '%' stays, everything else is %XX of UTF-8.</summary>
    public static string EncodeMessage(string message)
    {
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(message))
        {
            if (b is >= 0x20 and <= 0x7E && b != (byte)'%')
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    public static string DecodeMessage(string? encoded)
    {
        if (string.IsNullOrEmpty(encoded))
        {
            return "";
        }

        var bytes = new List<byte>(encoded.Length);
        for (var i = 0; i < encoded.Length; i++)
        {
            if (encoded[i] == '%' && i + 2 < encoded.Length && byte.TryParse(encoded.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b))
            {
                bytes.Add(b);
                i += 2;
            }
            else
            {
                bytes.Add((byte)encoded[i]);
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>Reads a request body fully, refusing it past the limit.</summary>
    public static async Task<byte[]> ReadBodyAsync(Stream body, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (true)
            {
                var n = await body.ReadAsync(chunk, ct);
                if (n == 0)
                {
                    return buffer.ToArray();
                }

                if (buffer.Length + n > MaxMessageBytes + 5)
                {
                    throw new RpcException(StatusCode.ResourceExhausted, "grpc: received message larger than max");
                }

                buffer.Write(chunk, 0, n);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }
}
