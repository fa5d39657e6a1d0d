using System.Globalization;
using System.Text;

namespace Kura.Node.Streaming;

/// <summary>What `kubectl logs` asked for (the kubelet's PodLogOptions).</summary>
public sealed record LogOptions(bool Follow, bool Timestamps, long? TailLines, DateTimeOffset? Since, long? LimitBytes);

/// <summary>
/// Reads CRI-format container logs (`{RFC3339Nano} {stream} {F|P} {text}`) back as the user's
/// lines, joining partial records, with tail, since, timestamps and byte limits applied as the
/// kubelet applies them (pkg/kubelet/kuberuntime/logs).
/// </summary>
public static class CriLogReader
{
    /// <summary>One logical log line: its timestamp and text (without the newline).</summary>
    public readonly record struct LogLine(DateTimeOffset Time, string Timestamp, string Text);

    /// <summary>Parses complete records; a trailing record without its newline is left for later.</summary>
    public static List<LogLine> Parse(string content, out int consumed)
    {
        var lines = new List<LogLine>();
        var partial = new StringBuilder();
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
            var second = first < 0 ? -1 : record[(first + 1)..].IndexOf(' ') + first + 1;
            var third = second <= first ? -1 : record[(second + 1)..].IndexOf(' ') + second + 1;
            if (first < 0 || second <= first || third <= second)
            {
                consumed = position;
                continue;
            }

            var timestamp = record[..first].ToString();
            var tag = record[(second + 1)..third];
            partial.Append(record[(third + 1)..]);
            if (tag.SequenceEqual("P"))
            {
                continue;
            }

            _ = DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time);
            lines.Add(new LogLine(time, timestamp, partial.ToString()));
            partial.Clear();
            consumed = position;
        }

        return lines;
    }

    /// <summary>The lines as the user sees them, after since/tail, with timestamps if asked.</summary>
    public static IEnumerable<string> Select(IReadOnlyList<LogLine> lines, LogOptions options)
    {
        IEnumerable<LogLine> selected = lines;
        if (options.Since is { } since)
        {
            selected = selected.Where(l => l.Time >= since);
        }

        if (options.TailLines is long tail)
        {
            var list = selected.ToList();
            selected = list.Skip(Math.Max(0, list.Count - (int)Math.Min(tail, int.MaxValue)));
        }

        return selected.Select(l => Format(l, options));
    }

    public static string Format(LogLine line, LogOptions options) => options.Timestamps ? $"{line.Timestamp} {line.Text}\n" : line.Text + "\n";
}
