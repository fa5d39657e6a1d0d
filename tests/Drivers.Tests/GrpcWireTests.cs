using Kura.Grpc;

namespace Kura.Drivers.Tests;

/// <summary>gRPC wire details, table-driven (PROTOCOL-HTTP2.md).</summary>
public sealed class GrpcWireTests
{
    [Theory]
    [InlineData("100m", 100)]
    [InlineData("4998156u", 4998.156)]
    [InlineData("1S", 1000)]
    [InlineData("2M", 120000)]
    [InlineData("1H", 3600000)]
    [InlineData("5000000n", 5)]
    public void ParseTimeout_Units(string value, double ms) => Assert.Equal(ms, Wire.ParseTimeout(value)!.Value.TotalMilliseconds, 3);

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("123456789m")]
    [InlineData("5x")]
    public void ParseTimeout_Malformed_IsNull(string value) => Assert.Null(Wire.ParseTimeout(value));

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("50% done", "50%25 done")]
    [InlineData("é", "%C3%A9")]
    [InlineData("line\nbreak", "line%0Abreak")]
    public void Message_PercentEncoding_RoundTrips(string text, string encoded)
    {
        Assert.Equal(encoded, Wire.EncodeMessage(text));
        Assert.Equal(text, Wire.DecodeMessage(encoded));
    }

    [Fact]
    public void Frame_EmptyMessage_IsFiveZeroBytes() => Assert.Equal(new byte[5], Wire.Frame([]));

    [Fact]
    public void ReadSingleMessage_Compressed_IsUnimplemented() =>
        Assert.Equal(StatusCode.Unimplemented, Assert.Throws<RpcException>(() => Wire.ReadSingleMessage(new byte[] { 1, 0, 0, 0, 0 })).Code);

    [Fact]
    public void ReadSingleMessage_Truncated_IsInternal() =>
        Assert.Equal(StatusCode.Internal, Assert.Throws<RpcException>(() => Wire.ReadSingleMessage(new byte[] { 0, 0, 0, 0, 9, 1 })).Code);
}
