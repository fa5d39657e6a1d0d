using Kura.Model.Quantities;

namespace Kura.Model.Tests.Quantities;

public sealed class QuantityArithmeticTests
{
    [Theory]
    [InlineData("0", "0", 0)]
    [InlineData("100m", "50m", 1)]
    [InlineData("50m", "100m", -1)]
    [InlineData("10000T", "100Gi", 1)]
    [InlineData("1Gi", "1073741824", 0)]
    [InlineData("1G", "1Gi", -1)]
    [InlineData("1e3", "1k", 0)]
    [InlineData("1000m", "1", 0)]
    [InlineData("-1", "1n", -1)]
    [InlineData("-1Gi", "-1G", -1)]
    [InlineData("1e1000", "9Ei", 1)]
    [InlineData("1n", "1e-1000", 0)]
    [InlineData("0.9", "1", -1)]
    [InlineData("5Gi", "5368709121", -1)]
    public void CompareTo_AcrossFormats_IsNumeric(string x, string y, int expected)
    {
        var a = Quantity.Parse(x);
        var b = Quantity.Parse(y);
        Assert.Equal(expected, Math.Sign(a.CompareTo(b)));
        Assert.Equal(-expected, Math.Sign(b.CompareTo(a)));
        Assert.Equal(expected == 0, a == b);
        if (expected == 0)
        {
            Assert.Equal(a.GetHashCode(), b.GetHashCode());
        }
    }

    [Theory]
    [InlineData("1", 1L, 1000L)]
    [InlineData("1.5", 2L, 1500L)]
    [InlineData("-1.5", -2L, -1500L)]
    [InlineData("1n", 1L, 1L)]
    [InlineData("-1n", -1L, -1L)]
    [InlineData("10Gi", 10737418240L, 10737418240000L)]
    [InlineData("100m", 1L, 100L)]
    [InlineData("0", 0L, 0L)]
    [InlineData("1e30", long.MaxValue, long.MaxValue)]
    public void ValueAndMilliValue_Amount_RoundAwayFromZero(string input, long value, long milli)
    {
        var q = Quantity.Parse(input);
        Assert.Equal(value, q.Value);
        Assert.Equal(milli, q.MilliValue);
    }

    [Theory]
    [InlineData("10", "10", "20")]
    [InlineData("10", "1Ki", "1034")]
    [InlineData("1Gi", "1Gi", "2Gi")]
    [InlineData("0", "1Gi", "1Gi")]
    [InlineData("1Gi", "0", "1Gi")]
    [InlineData("100m", "0", "100m")]
    [InlineData("0", "100m", "100m")]
    [InlineData("1Gi", "500Mi", "1524Mi")]
    [InlineData("1", "500m", "1500m")]
    [InlineData("5Ei", "5Ei", "10Ei")]
    public void Add_TwoQuantities_SumsAndKeepsReceiverFormat(string x, string y, string expected) =>
        Assert.Equal(expected, Quantity.Parse(x).Add(Quantity.Parse(y)).ToString());

    [Theory]
    [InlineData("10", "10", "0")]
    [InlineData("10", "1Ki", "-1014")]
    [InlineData("2Gi", "1Gi", "1Gi")]
    [InlineData("0", "1Gi", "-1Gi")]
    [InlineData("0", "100m", "-100m")]
    [InlineData("1Gi", "0", "1Gi")]
    [InlineData("1", "1n", "999999999n")]
    public void Subtract_TwoQuantities_DiffersAndKeepsReceiverFormat(string x, string y, string expected) =>
        Assert.Equal(expected, (Quantity.Parse(x) - Quantity.Parse(y)).ToString());

    [Fact]
    public void Add_ZeroReceiver_TakesOtherFormat()
    {
        var sum = Quantity.Parse("0").Add(Quantity.FromBytes(2048));
        Assert.Equal(QuantityFormat.BinarySI, sum.Format);
        Assert.Equal("2Ki", sum.ToString());
    }

    [Theory]
    [InlineData("9.01", "-9010m")]
    [InlineData("1Gi", "-1Gi")]
    [InlineData("-5", "5")]
    public void Negate_Quantity_FlipsSign(string input, string expected) =>
        Assert.Equal(expected, Quantity.Parse(input).Negate().ToString());

    [Theory]
    [InlineData("10", 10L, "100")]
    [InlineData("1Gi", 3L, "3Gi")]
    [InlineData("-50", -50L, "2500")]
    [InlineData("9223372036854775807", 2L, "18446744073709551614")]
    public void Multiply_ByInteger_IsExact(string input, long factor, string expected) =>
        Assert.Equal(expected, Quantity.Parse(input).Multiply(factor).ToString());

    [Fact]
    public void Constructor_Decimal_IsExact()
    {
        var q = new Quantity(1.5m, QuantityFormat.DecimalSI);
        Assert.Equal("1500m", q.ToString());
        Assert.Equal(1.5m, q.Amount);
        Assert.Equal(Quantity.Parse("1.5"), q);
    }
}
