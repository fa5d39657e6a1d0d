using System.Globalization;
using Kura.Model.Quantities;

namespace Kura.Model.Tests.Quantities;

// Cases from apimachinery's quantity_test.go (TestQuantityParse): input, exact amount, remembered format.
public sealed class QuantityParseTests
{
    public static TheoryData<string, string, QuantityFormat> Valid => new()
    {
        { "0", "0", QuantityFormat.DecimalSI },
        { "0n", "0", QuantityFormat.DecimalSI },
        { "0u", "0", QuantityFormat.DecimalSI },
        { "0m", "0", QuantityFormat.DecimalSI },
        { "0Ki", "0", QuantityFormat.BinarySI },
        { "0k", "0", QuantityFormat.DecimalSI },
        { "0Mi", "0", QuantityFormat.BinarySI },
        { "0M", "0", QuantityFormat.DecimalSI },
        { "0Gi", "0", QuantityFormat.BinarySI },
        { "0G", "0", QuantityFormat.DecimalSI },
        { "0Ti", "0", QuantityFormat.BinarySI },
        { "0T", "0", QuantityFormat.DecimalSI },
        { "1", "1", QuantityFormat.DecimalSI },
        { "1Ki", "1024", QuantityFormat.BinarySI },
        { "8Ki", "8192", QuantityFormat.BinarySI },
        { "7Mi", "7340032", QuantityFormat.BinarySI },
        { "6Gi", "6442450944", QuantityFormat.BinarySI },
        { "5Ti", "5497558138880", QuantityFormat.BinarySI },
        { "4Pi", "4503599627370496", QuantityFormat.BinarySI },
        { "3Ei", "3458764513820540928", QuantityFormat.BinarySI },
        { "10Ti", "10995116277760", QuantityFormat.BinarySI },
        { "100Ti", "109951162777600", QuantityFormat.BinarySI },
        { "5n", "0.000000005", QuantityFormat.DecimalSI },
        { "4u", "0.000004", QuantityFormat.DecimalSI },
        { "3m", "0.003", QuantityFormat.DecimalSI },
        { "9", "9", QuantityFormat.DecimalSI },
        { "8k", "8000", QuantityFormat.DecimalSI },
        { "50k", "50000", QuantityFormat.DecimalSI },
        { "7M", "7000000", QuantityFormat.DecimalSI },
        { "6G", "6000000000", QuantityFormat.DecimalSI },
        { "5T", "5000000000000", QuantityFormat.DecimalSI },
        { "40T", "40000000000000", QuantityFormat.DecimalSI },
        { "300T", "300000000000000", QuantityFormat.DecimalSI },
        { "2P", "2000000000000000", QuantityFormat.DecimalSI },
        { "1E", "1000000000000000000", QuantityFormat.DecimalSI },
        { "1E-3", "0.001", QuantityFormat.DecimalExponent },
        { "1e3", "1000", QuantityFormat.DecimalExponent },
        { "1E6", "1000000", QuantityFormat.DecimalExponent },
        { "1e9", "1000000000", QuantityFormat.DecimalExponent },
        { "1E12", "1000000000000", QuantityFormat.DecimalExponent },
        { "1e15", "1000000000000000", QuantityFormat.DecimalExponent },
        { "1E18", "1000000000000000000", QuantityFormat.DecimalExponent },
        { "1e14", "100000000000000", QuantityFormat.DecimalExponent },
        { "1e13", "10000000000000", QuantityFormat.DecimalExponent },
        { "100.035k", "100035", QuantityFormat.DecimalSI },
        { "0.001", "0.001", QuantityFormat.DecimalSI },
        { "0.0005k", "0.5", QuantityFormat.DecimalSI },
        { "0.005", "0.005", QuantityFormat.DecimalSI },
        { "0.05", "0.05", QuantityFormat.DecimalSI },
        { "0.5", "0.5", QuantityFormat.DecimalSI },
        { "0.00050k", "0.5", QuantityFormat.DecimalSI },
        { "0.00500", "0.005", QuantityFormat.DecimalSI },
        { "0.05000", "0.05", QuantityFormat.DecimalSI },
        { "0.50000", "0.5", QuantityFormat.DecimalSI },
        { "0.5e0", "0.5", QuantityFormat.DecimalExponent },
        { "0.5e-1", "0.05", QuantityFormat.DecimalExponent },
        { "0.5e-2", "0.005", QuantityFormat.DecimalExponent },
        { "10.035M", "10035000", QuantityFormat.DecimalSI },
        { "1.2e3", "1200", QuantityFormat.DecimalExponent },
        { "1.3E+6", "1300000", QuantityFormat.DecimalExponent },
        { "1.40e9", "1400000000", QuantityFormat.DecimalExponent },
        { "1.53E12", "1530000000000", QuantityFormat.DecimalExponent },
        { "1.6e15", "1600000000000000", QuantityFormat.DecimalExponent },
        { "1.7E18", "1700000000000000000", QuantityFormat.DecimalExponent },
        { "9.01", "9.01", QuantityFormat.DecimalSI },
        { "8.1k", "8100", QuantityFormat.DecimalSI },
        { "7.123456M", "7123456", QuantityFormat.DecimalSI },
        { "6.987654321G", "6987654321", QuantityFormat.DecimalSI },
        { "5.444T", "5444000000000", QuantityFormat.DecimalSI },
        { "40.1T", "40100000000000", QuantityFormat.DecimalSI },
        { "300.2T", "300200000000000", QuantityFormat.DecimalSI },
        { "2.5P", "2500000000000000", QuantityFormat.DecimalSI },
        { "1.01E", "1010000000000000000", QuantityFormat.DecimalSI },
        { "3.001n", "0.000000004", QuantityFormat.DecimalSI },
        { "1.1E-9", "0.000000002", QuantityFormat.DecimalExponent },
        { "0.0000000001", "0.000000001", QuantityFormat.DecimalSI },
        { "0.0000000005", "0.000000001", QuantityFormat.DecimalSI },
        { "0.00000000050", "0.000000001", QuantityFormat.DecimalSI },
        { "0.5e-9", "0.000000001", QuantityFormat.DecimalExponent },
        { "0.9n", "0.000000001", QuantityFormat.DecimalSI },
        { "0.00000012345", "0.000000124", QuantityFormat.DecimalSI },
        { "0.00000012354", "0.000000124", QuantityFormat.DecimalSI },
        { "9Ei", "9223372036854775807", QuantityFormat.BinarySI },
        { "9223372036854775807Ki", "9223372036854775807", QuantityFormat.BinarySI },
        { "12E", "12000000000000000000", QuantityFormat.DecimalSI },
        { "100.035Ki", "102435.84", QuantityFormat.BinarySI },
        { "0.5Mi", "524288", QuantityFormat.BinarySI },
        { "0.05Gi", "53687091.2", QuantityFormat.BinarySI },
        { "0.025Ti", "27487790694.4", QuantityFormat.BinarySI },
        { "0.000000000001Ki", "0.000000002", QuantityFormat.DecimalSI },
        { ".001", "0.001", QuantityFormat.DecimalSI },
        { ".0001k", "0.1", QuantityFormat.DecimalSI },
        { "1.", "1", QuantityFormat.DecimalSI },
        { "1.G", "1000000000", QuantityFormat.DecimalSI },
        { "10Gi", "10737418240", QuantityFormat.BinarySI },
        { "1.5Gi", "1610612736", QuantityFormat.BinarySI },
        { "500m", "0.5", QuantityFormat.DecimalSI },
        { ".5", "0.5", QuantityFormat.DecimalSI },
        { "0.1Ki", "102.4", QuantityFormat.BinarySI },
        { "100k", "100000", QuantityFormat.DecimalSI },
        { "1Ei", "1152921504606846976", QuantityFormat.BinarySI },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void TryParse_ValidInput_HasExactAmountAndFormat(string input, string amount, QuantityFormat format)
    {
        Assert.True(Quantity.TryParse(input, out var q, out var error), error);
        Assert.Equal(decimal.Parse(amount, CultureInfo.InvariantCulture), q.Amount);
        Assert.Equal(format, q.Format);
    }

    [Theory]
    [MemberData(nameof(Valid))]
    public void TryParse_NegatedInput_HasNegatedAmountAndSameFormat(string input, string amount, QuantityFormat format)
    {
        Assert.True(Quantity.TryParse("-" + input, out var q));
        Assert.Equal(-decimal.Parse(amount, CultureInfo.InvariantCulture), q.Amount);
        Assert.Equal(format, q.Format);
        Assert.True(Quantity.TryParse("+" + input, out var plus));
        Assert.Equal(decimal.Parse(amount, CultureInfo.InvariantCulture), plus.Amount);
    }

    [Theory]
    [InlineData("", Quantity.FormatWrongMessage)]
    [InlineData("1.1.M", Quantity.FormatWrongMessage)]
    [InlineData("1+1.0M", Quantity.FormatWrongMessage)]
    [InlineData("0.1mi", Quantity.SuffixMessage)]
    [InlineData("0.1am", Quantity.FormatWrongMessage)]
    [InlineData("aoeu", Quantity.FormatWrongMessage)]
    [InlineData(".5i", Quantity.SuffixMessage)]
    [InlineData("1i", Quantity.SuffixMessage)]
    [InlineData("-3.01i", Quantity.SuffixMessage)]
    [InlineData("-3.01e-", Quantity.SuffixMessage)]
    [InlineData(" 1", Quantity.FormatWrongMessage)]
    [InlineData("1 ", Quantity.FormatWrongMessage)]
    [InlineData("Non-Numeric", Quantity.FormatWrongMessage)]
    [InlineData("1K", Quantity.SuffixMessage)]
    [InlineData("10GB", Quantity.FormatWrongMessage)]
    [InlineData("1Mi5x", Quantity.FormatWrongMessage)]
    [InlineData("-+1", Quantity.SuffixMessage)]
    [InlineData("1e", Quantity.SuffixMessage)]
    public void TryParse_InvalidInput_FailsWithKubernetesMessage(string input, string message)
    {
        Assert.False(Quantity.TryParse(input, out _, out var error));
        Assert.Equal(message, error);
    }

    [Fact]
    public void Parse_InvalidInput_ThrowsFormatExceptionWithRegexMessage()
    {
        var e = Assert.Throws<FormatException>(() => Quantity.Parse("ten"));
        Assert.Equal("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'", e.Message);
    }

    [Theory]
    [InlineData("1e1000", "1e1000", "1e999")]
    [InlineData("1e-1000", "1e-10", "0")]
    [InlineData("18446744073709551616", "18446744073709551616", "18446744073709551615")]
    public void TryParse_ExtremeExponents_KeepsValueExact(string input, string equal, string smaller)
    {
        var q = Quantity.Parse(input);
        Assert.Equal(Quantity.Parse(equal), q);
        Assert.True(q > Quantity.Parse(smaller));
    }
}
