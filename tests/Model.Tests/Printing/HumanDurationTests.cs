using Kura.Model.Printing;

namespace Kura.Model.Tests.Printing;

/// <summary>apimachinery duration.HumanDuration and translateTimestampSince (reference/kubernetes.md §2.4).</summary>
public sealed class HumanDurationTests
{
    [Theory]
    [InlineData(-3, "<invalid>")]
    [InlineData(-2, "<invalid>")]
    [InlineData(-1.5, "0s")]
    [InlineData(-1, "0s")]
    [InlineData(0, "0s")]
    [InlineData(0.9, "0s")]
    [InlineData(1, "1s")]
    [InlineData(70, "70s")]
    [InlineData(119.9, "119s")]
    [InlineData(120, "2m")]
    [InlineData(190, "3m10s")]
    [InlineData(304, "5m4s")]
    [InlineData(599, "9m59s")]
    [InlineData(600, "10m")]
    [InlineData(70 * 60, "70m")]
    [InlineData(179 * 60 + 59, "179m")]
    [InlineData(180 * 60, "3h")]
    [InlineData(185 * 60, "3h5m")]
    [InlineData(7 * 3600 + 30 * 60, "7h30m")]
    [InlineData(8 * 3600, "8h")]
    [InlineData(9 * 3600 + 59 * 60, "9h")]
    [InlineData(47 * 3600, "47h")]
    [InlineData(48 * 3600, "2d")]
    [InlineData(49 * 3600, "2d1h")]
    [InlineData(50 * 3600, "2d2h")]
    [InlineData((7 * 24 + 5) * 3600, "7d5h")]
    [InlineData((8 * 24 + 2) * 3600, "8d")]
    [InlineData(367 * 24 * 3600, "367d")]
    [InlineData(400 * 24 * 3600, "400d")]
    [InlineData(729 * 24 * 3600, "729d")]
    [InlineData(730 * 24 * 3600, "2y")]
    [InlineData((365 * 2 * 24 + 25) * 3600.0, "2y1d")]
    [InlineData((365 * 2 + 70) * 24 * 3600.0, "2y70d")]
    [InlineData((365 * 8 * 24 + 2) * 3600.0, "8y")]
    [InlineData(365 * 20 * 24 * 3600.0, "20y")]
    public void Format_Duration_MatchesApimachinery(double seconds, string expected)
    {
        Assert.Equal(expected, HumanDuration.Format(TimeSpan.FromSeconds(seconds)));
    }

    [Theory]
    [InlineData(null, "<unknown>")]
    [InlineData("", "<unknown>")]
    [InlineData("0001-01-01T00:00:00Z", "<unknown>")]
    [InlineData("not a time", "<unknown>")]
    [InlineData("2025-01-01T11:55:00Z", "5m")]
    [InlineData("2025-01-01T11:59:59.500000Z", "0s")]
    [InlineData("2025-01-01T13:55:00+02:00", "5m")]
    [InlineData("2025-01-01T12:00:05Z", "<invalid>")]
    public void Since_Timestamp_TranslatesLikeTranslateTimestampSince(string? timestamp, string expected)
    {
        Assert.Equal(expected, HumanDuration.Since(timestamp, PrintingKit.Now));
    }
}
