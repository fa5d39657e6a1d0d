using Kura.Model.Quantities;

namespace Kura.Model.Tests.Quantities;

// Canonical forms, from apimachinery's TestQuantityString / TestQuantityParseEmit and the brief.
public sealed class QuantityStringTests
{
    [Theory]
    [InlineData("1Gi", "1Gi")]
    [InlineData("1024Mi", "1Gi")]
    [InlineData("300Mi", "300Mi")]
    [InlineData("307200Ki", "300Mi")]
    [InlineData("6Ki", "6Ki")]
    [InlineData("1001Gi", "1001Gi")]
    [InlineData("1025024Mi", "1001Gi")]
    [InlineData("1Ti", "1Ti")]
    [InlineData("1024Gi", "1Ti")]
    [InlineData("5", "5")]
    [InlineData("5000m", "5")]
    [InlineData("500m", "500m")]
    [InlineData("0.5", "500m")]
    [InlineData("1G", "1G")]
    [InlineData("1000M", "1G")]
    [InlineData("0.001T", "1G")]
    [InlineData("1m", "1m")]
    [InlineData("1000u", "1m")]
    [InlineData("80m", "80m")]
    [InlineData("1080m", "1080m")]
    [InlineData("1.08", "1080m")]
    [InlineData("1080000000n", "1080m")]
    [InlineData("300M", "300M")]
    [InlineData("1T", "1T")]
    [InlineData("1E", "1E")]
    [InlineData("1e21", "1e21")]
    [InlineData("1000E", "1e21")]
    [InlineData("5000E", "5e21")]
    [InlineData("1000000E", "1e24")]
    [InlineData("1234567M", "1234567M")]
    [InlineData("1234567m", "1234567m")]
    [InlineData("3k", "3k")]
    [InlineData("1025", "1025")]
    [InlineData("0", "0")]
    [InlineData("00", "0")]
    [InlineData("1e9", "1e9")]
    [InlineData(".001e12", "1e9")]
    [InlineData("1e-3", "1e-3")]
    [InlineData("0.001e0", "1e-3")]
    [InlineData("1000e-12", "1e-9")]
    [InlineData("80e-3", "80e-3")]
    [InlineData("300e6", "300e6")]
    [InlineData("1n", "1n")]
    [InlineData("1080n", "1080n")]
    [InlineData("1080u", "1080u")]
    [InlineData(".001Ki", "1024m")]
    [InlineData(".000001Ki", "1024u")]
    [InlineData(".000000001Ki", "1024n")]
    [InlineData(".000000000001Ki", "2n")]
    [InlineData("1.5Gi", "1536Mi")]
    [InlineData("1000Mi", "1000Mi")]
    [InlineData("1000", "1k")]
    [InlineData("1500", "1500")]
    [InlineData("1.5", "1500m")]
    [InlineData("1.5k", "1500")]
    [InlineData("100k", "100k")]
    [InlineData("1Ei", "1Ei")]
    [InlineData("9Ei", "9223372036854775807")]
    [InlineData("0.1Ki", "102400m")]
    [InlineData("512Ki", "512Ki")]
    [InlineData("0.5Ki", "512")]
    [InlineData("1.5Ki", "1536")]
    [InlineData("100.035Ki", "102435840m")]
    [InlineData("1.1E-9", "2e-9")]
    [InlineData("10Gi", "10Gi")]
    [InlineData("2000Mi", "2000Mi")]
    [InlineData("2048Mi", "2Gi")]
    public void ToString_ParsedInput_IsKubernetesCanonicalForm(string input, string canonical)
    {
        Assert.Equal(canonical, Quantity.Parse(input).ToString());
        if (canonical != "0")
        {
            Assert.Equal("-" + canonical, Quantity.Parse("-" + input).ToString());
        }
    }

    // Kubernetes' parser keeps the input text when its fast path deems it canonical, quirks included.
    [Theory]
    [InlineData("+1", "+1")]
    [InlineData("1E3", "1E3")]
    [InlineData("1.G", "1.G")]
    [InlineData("010", "010")]
    [InlineData("+1Ki", "+1Ki")]
    [InlineData("+1Pi", "1Pi")]
    [InlineData("-0", "0")]
    public void ToString_TextKeptByKubernetesParser_IsInputVerbatim(string input, string expected) =>
        Assert.Equal(expected, Quantity.Parse(input).ToString());

    [Theory]
    [InlineData(1073741824L, "1Gi")]
    [InlineData(1024L, "1Ki")]
    [InlineData(1000L, "1k")]
    [InlineData(1536L, "1536")]
    [InlineData(5L * 1024 * 1024 * 1024 * 1024, "5Ti")]
    [InlineData(0L, "0")]
    [InlineData(512L, "512")]
    [InlineData(-2048L, "-2Ki")]
    public void FromBytes_Bytes_PrintsBinarySI(long bytes, string expected)
    {
        var q = Quantity.FromBytes(bytes);
        Assert.Equal(QuantityFormat.BinarySI, q.Format);
        Assert.Equal(expected, q.ToString());
        Assert.Equal(bytes, q.Value);
    }

    [Theory]
    [InlineData(1L, QuantityFormat.DecimalSI, "1m")]
    [InlineData(1000L, QuantityFormat.DecimalSI, "1")]
    [InlineData(1234000L, QuantityFormat.DecimalSI, "1234")]
    [InlineData(1024L, QuantityFormat.BinarySI, "1024m")]
    [InlineData(1000000L, QuantityFormat.DecimalExponent, "1e3")]
    [InlineData(1024L * 1024, QuantityFormat.BinarySI, "1048576m")]
    public void FromMilli_Value_PrintsLikeNewMilliQuantity(long milli, QuantityFormat format, string expected)
    {
        var q = Quantity.FromMilli(milli, format);
        Assert.Equal(expected, q.ToString());
        Assert.Equal(milli, q.MilliValue);
    }

    [Theory]
    [InlineData(1L, QuantityFormat.DecimalSI, "1")]
    [InlineData(1000L, QuantityFormat.DecimalSI, "1k")]
    [InlineData(1234000L, QuantityFormat.DecimalSI, "1234k")]
    [InlineData(1024L, QuantityFormat.BinarySI, "1Ki")]
    [InlineData(1000000L, QuantityFormat.DecimalExponent, "1e6")]
    [InlineData(1024L * 1024, QuantityFormat.BinarySI, "1Mi")]
    public void FromInt64_Value_PrintsLikeNewQuantity(long value, QuantityFormat format, string expected) =>
        Assert.Equal(expected, Quantity.FromInt64(value, format).ToString());

    [Theory]
    [InlineData(1L, -9, "1n")]
    [InlineData(1000L, -9, "1u")]
    [InlineData(1L, -6, "1u")]
    [InlineData(1000L, -6, "1m")]
    [InlineData(1L, -3, "1m")]
    [InlineData(1000L, -3, "1")]
    [InlineData(0L, -9, "0")]
    public void FromScaled_Value_PrintsLikeNewScaledQuantity(long value, int scale, string expected) =>
        Assert.Equal(expected, Quantity.FromScaled(value, scale).ToString());

    [Fact]
    public void Default_Uninitialized_IsZero()
    {
        Quantity q = default;
        Assert.Equal("0", q.ToString());
        Assert.Equal(0, q.Value);
        Assert.True(q.IsZero);
    }
}
