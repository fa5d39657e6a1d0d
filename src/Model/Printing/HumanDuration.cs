using System.Globalization;
using Kura.Model.Meta;

namespace Kura.Model.Printing;

/// <summary>
/// apimachinery's duration.HumanDuration (k8s.io/apimachinery/pkg/util/duration) and printers.go's
/// translateTimestampSince: the AGE column's "5m4s", "3h5m", "400d".
/// </summary>
public static class HumanDuration
{
    public static string Format(TimeSpan d)
    {
        static string I(long v) => v.ToString(CultureInfo.InvariantCulture);

        // Go truncates toward zero; up to a second in the future is clock skew and reads "0s".
        var seconds = (long)d.TotalSeconds;
        if (seconds < -1)
        {
            return "<invalid>";
        }

        if (seconds < 0)
        {
            return "0s";
        }

        if (seconds < 60 * 2)
        {
            return I(seconds) + "s";
        }

        var minutes = seconds / 60;
        if (minutes < 10)
        {
            var s = seconds % 60;
            return s == 0 ? I(minutes) + "m" : $"{I(minutes)}m{I(s)}s";
        }

        if (minutes < 60 * 3)
        {
            return I(minutes) + "m";
        }

        var hours = minutes / 60;
        if (hours < 8)
        {
            var m = minutes % 60;
            return m == 0 ? I(hours) + "h" : $"{I(hours)}h{I(m)}m";
        }

        if (hours < 48)
        {
            return I(hours) + "h";
        }

        if (hours < 24 * 8)
        {
            var h = hours % 24;
            return h == 0 ? I(hours / 24) + "d" : $"{I(hours / 24)}d{I(h)}h";
        }

        if (hours < 24 * 365 * 2)
        {
            return I(hours / 24) + "d";
        }

        if (hours < 24 * 365 * 8)
        {
            var dy = hours / 24 % 365;
            return dy == 0 ? I(hours / 24 / 365) + "y" : $"{I(hours / 24 / 365)}y{I(dy)}d";
        }

        return I(hours / 24 / 365) + "y";
    }

    /// <summary>translateTimestampSince: "&lt;unknown&gt;" for a missing (zero) time.</summary>
    public static string Since(string? timestamp, DateTimeOffset now) => Since(ParseNonZero(timestamp), now);

    /// <summary>translateTimestampSince for a parsed time; null is Go's zero time.</summary>
    public static string Since(DateTimeOffset? time, DateTimeOffset now) => time is { } t ? Format(now - t) : "<unknown>";

    /// <summary>A metav1.Time, or null when absent, malformed or Go's zero time (0001-01-01T00:00:00Z).</summary>
    public static DateTimeOffset? ParseNonZero(string? timestamp) =>
        Obj.ParseTime(timestamp) is { } t && t.UtcTicks != DateTimeOffset.MinValue.UtcTicks ? t : null;
}
