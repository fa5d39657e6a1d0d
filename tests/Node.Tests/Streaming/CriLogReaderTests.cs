using Kura.Node.Streaming;

namespace Kura.Node.Tests.Streaming;

public sealed class CriLogReaderTests
{
    private static readonly LogOptions Plain = new(false, false, null, null, null);

    [Fact]
    public void Parse_JoinsPartialRecords_KeepsTheFirstFragmentsTime_LeavesAnUnfinishedLine()
    {
        var content = "2026-01-01T00:00:01.5Z stdout P hel\n2026-01-01T00:00:02Z stdout F lo world\n2026-01-01T00:00:03.123456789Z stderr F \n2026-01-01T00:00:04Z stdout P pend";
        var lines = CriLogReader.Parse(content, out var consumed);
        Assert.Equal(["hello world", ""], lines.Select(l => l.Text));
        Assert.Equal("2026-01-01T00:00:01.500000000Z", lines[0].Timestamp);
        Assert.Equal("2026-01-01T00:00:03.123456789Z", lines[1].Timestamp);
        Assert.Equal("2026-01-01T00:00:04Z stdout P pend", content[consumed..]);

        // A P record with its newline but no F yet is not consumed either.
        var open = "2026-01-01T00:00:05Z stdout P abc\n";
        Assert.Empty(CriLogReader.Parse(open, out var none));
        Assert.Equal(0, none);
    }

    [Fact]
    public void Select_TailSinceAndTimestamps()
    {
        var lines = CriLogReader.Parse(string.Join("", Enumerable.Range(1, 5).Select(i => $"2026-01-01T00:00:0{i}Z stdout F line{i}\n")), out _);
        Assert.Equal(["line4\n", "line5\n"], CriLogReader.Select(lines, Plain with { TailLines = 2 }));
        Assert.Empty(CriLogReader.Select(lines, Plain with { TailLines = 0 }));
        Assert.Equal(["line3\n", "line4\n", "line5\n"], CriLogReader.Select(lines, Plain with { Since = DateTimeOffset.Parse("2026-01-01T00:00:03Z") }));
        Assert.Equal(["2026-01-01T00:00:05.000000000Z line5\n"], CriLogReader.Select(lines, Plain with { TailLines = 1, Timestamps = true }));
    }

    [Theory]
    [InlineData("2026-01-01T00:00:01Z", "2026-01-01T00:00:01.000000000Z")]
    [InlineData("2026-01-01T00:00:01.1234567891Z", "2026-01-01T00:00:01.123456789Z")]
    [InlineData("2026-01-01T00:00:01.12+02:00", "2026-01-01T00:00:01.120000000+02:00")]
    public void FixedTimestamp_HasNineFractionDigits(string input, string expected) =>
        Assert.Equal(expected, CriLogReader.FixedTimestamp(input));
}
