using System.Globalization;
using System.Text;

namespace Kura.Node.Streaming;

/// <summary>What `kubectl logs` asked for (the kubelet's PodLogOptions).</summary>
public sealed record LogOptions(bool Follow, bool Timestamps, long? TailLines, DateTimeOffset? Since, long? LimitBytes);

/// <summary>
/// Reads CRI-format container logs (`{RFC3339Nano} {stdout|stderr} {F|P} {text}`) back as the user's
/// lines, joining partial records, with tail, since, timestamps and byte limits applied as the
/// kubelet applies them (pkg/kubelet/kuberuntime/logs): timestamps are printed in the fixed
/// 9-digit RFC 3339 form, the time of a joined line is that of its first fragment.
/// </summary>
public static class CriLogReader
{
    /// <summary>One logical log line: its timestamp (as printed with --timestamps) and text (without the newline).</summary>
    public readonly record struct LogLine(DateTimeOffset Time, string Timestamp, string Text);

    /// <summary>
    /// Parses complete lines; the records of a line not finished yet (no newline, or only P
    /// records so far) are left unconsumed for the next call.
    /// </summary>
    public static List<LogLine> Parse(string content, out int consumed)
    {
        var lines = new List<LogLine>();
        var partial = new StringBuilder();
        string? firstTimestamp = null;
        consumed = 0;
        var position = 0;
        while (position < content.Length)
        {
            var newline = content.IndexOf('\n', position);
            if (newline < 0)
            {
                break;
            }

            var record = content.AsSpan(position, newline - position);
            position = newline + 1;
            var first = record.IndexOf(' ');
            if (first <= 0)
            {
                // Not a CRI record (the kubelet skips what it cannot parse).
                if (firstTimestamp is null)
                {
                    consumed = position;
                }

                continue;
            }

            var rest = record[(first + 1)..];
            var second = rest.IndexOf(' ');
            if (second < 0)
            {
                if (firstTimestamp is null)
                {
                    consumed = position;
                }

                continue;
            }

            rest = rest[(second + 1)..];
            var third = rest.IndexOf(' ');
            var tag = third < 0 ? rest : rest[..third];
            var text = third < 0 ? [] : rest[(third + 1)..];
            firstTimestamp ??= record[..first].ToString();
            partial.Append(text);
            if (tag.SequenceEqual("P"))
            {
                continue;
            }

            var fixedStamp = FixedTimestamp(firstTimestamp);
            lines.Add(new LogLine(ParseTime(fixedStamp), fixedStamp, partial.ToString()));
            partial.Clear();
            firstTimestamp = null;
            consumed = position;
        }

        return lines;
    }

    /// <summary>The lines as the user sees them, after tail and since, with timestamps if asked.</summary>
    public static IEnumerable<string> Select(IReadOnlyList<LogLine> lines, LogOptions options)
    {
        IEnumerable<LogLine> selected = lines;
        if (options.TailLines is long tail)
        {
            selected = lines.Skip((int)Math.Max(0, lines.Count - Math.Min(tail, int.MaxValue)));
        }

        if (options.Since is { } since)
        {
            selected = selected.Where(l => l.Time >= since);
        }

        return selected.Select(l => Format(l, options));
    }

    public static string Format(LogLine line, LogOptions options) => options.Timestamps ? $"{line.Timestamp} {line.Text}\n" : line.Text + "\n";

    /// <summary>RFC3339Nano → the kubelet's output form, RFC3339NanoFixed (always 9 fraction digits).</summary>
    public static string FixedTimestamp(string timestamp)
    {
        var t = timestamp.IndexOf('T', StringComparison.Ordinal);
        if (t < 0 || timestamp.Length < t + 9)
        {
            return timestamp;
        }

        var afterSeconds = t + 9;
        var digits = "";
        var zoneStart = afterSeconds;
        if (afterSeconds < timestamp.Length && timestamp[afterSeconds] == '.')
        {
            zoneStart = afterSeconds + 1;
            while (zoneStart < timestamp.Length && char.IsAsciiDigit(timestamp[zoneStart]))
            {
                zoneStart++;
            }

            digits = timestamp[(afterSeconds + 1)..zoneStart];
        }

        digits = digits.Length >= 9 ? digits[..9] : digits.PadRight(9, '0');
        return $"{timestamp[..afterSeconds]}.{digits}{timestamp[zoneStart..]}";
    }

    private static DateTimeOffset ParseTime(string fixedTimestamp)
    {
        // .NET keeps 7 fraction digits: drop the last two before parsing.
        var dot = fixedTimestamp.IndexOf('.', StringComparison.Ordinal);
        var text = dot > 0 && fixedTimestamp.Length >= dot + 10 ? fixedTimestamp.Remove(dot + 8, 2) : fixedTimestamp;
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : DateTimeOffset.MinValue;
    }
}
