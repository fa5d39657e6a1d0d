using System.Text.Json.Nodes;
using Kura.Model.Meta;

namespace Kura.Model.Tests.Meta;

public sealed class ObjTests
{
    private static JsonObject Pv() => JsonNode.Parse("""
        {"apiVersion":"v1","kind":"PersistentVolume",
         "metadata":{"name":"pv-1","uid":"u-1","resourceVersion":"42","labels":{"type":"local","n":5},
                     "annotations":{"a":"b"},"finalizers":["kubernetes.io/pv-protection"]},
         "spec":{"capacity":{"storage":"10Gi"},"replicas":3,"flag":true}}
        """)!.AsObject();

    [Fact]
    public void Accessors_Object_ReadMetadata()
    {
        var pv = Pv();
        Assert.Equal("pv-1", Obj.Name(pv));
        Assert.Null(Obj.Namespace(pv));
        Assert.Equal("u-1", Obj.Uid(pv));
        Assert.Equal("42", Obj.ResourceVersion(pv));
        Assert.Equal("v1", Obj.ApiVersion(pv));
        Assert.Equal("PersistentVolume", Obj.Kind(pv));
        Assert.Equal(new Dictionary<string, string> { ["type"] = "local", ["n"] = "5" }, Obj.Labels(pv));
        Assert.Equal(new Dictionary<string, string> { ["a"] = "b" }, Obj.Annotations(pv));
        Assert.Equal(["kubernetes.io/pv-protection"], Obj.Finalizers(pv));
    }

    [Fact]
    public void Accessors_EmptyObject_GiveDefaults()
    {
        JsonObject empty = [];
        Assert.Equal("", Obj.Name(empty));
        Assert.Equal("", Obj.Uid(empty));
        Assert.Empty(Obj.Labels(empty));
        Assert.Empty(Obj.Finalizers(empty));
        Assert.False(empty.ContainsKey("metadata"));
    }

    [Fact]
    public void Metadata_Missing_IsCreatedAndAttached()
    {
        JsonObject obj = [];
        Obj.Metadata(obj)["name"] = "x";
        Assert.Equal("x", Obj.Name(obj));
    }

    [Theory]
    [InlineData(new[] { "spec", "capacity", "storage" }, "10Gi")]
    [InlineData(new[] { "spec", "replicas" }, null)]
    [InlineData(new[] { "spec", "missing", "deeper" }, null)]
    [InlineData(new[] { "kind" }, "PersistentVolume")]
    public void GetString_Path_ReturnsStringOrNull(string[] path, string? expected) =>
        Assert.Equal(expected, Obj.GetString(Pv(), path));

    [Fact]
    public void TypedGetters_Path_ReadValues()
    {
        var pv = Pv();
        Assert.Equal(3, Obj.GetInt64(pv, "spec", "replicas"));
        Assert.Null(Obj.GetInt64(pv, "spec", "flag"));
        Assert.True(Obj.GetBool(pv, "spec", "flag"));
        Assert.NotNull(Obj.GetObject(pv, "spec", "capacity"));
        Assert.Null(Obj.GetArray(pv, "spec"));
        Assert.Same(Obj.EnsureObject(pv, "status", "conditions"), pv["status"]!["conditions"]);
    }

    [Theory]
    [InlineData("2026-01-02T03:04:05.678+00:00", "2026-01-02T03:04:05Z")]
    [InlineData("2026-01-02T05:04:05+02:00", "2026-01-02T03:04:05Z")]
    [InlineData("2025-12-31T23:59:59Z", "2025-12-31T23:59:59Z")]
    public void Rfc3339_Time_IsUtcWholeSeconds(string input, string expected) =>
        Assert.Equal(expected, Obj.Rfc3339(DateTimeOffset.Parse(input, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Rfc3339Micro_Time_HasSixFractionDigits() =>
        Assert.Equal("2026-01-02T03:04:05.678000Z", Obj.Rfc3339Micro(new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero)));

    [Theory]
    [InlineData("2026-01-02T03:04:05Z", true)]
    [InlineData("2026-01-02T03:04:05.123456Z", true)]
    [InlineData("not a time", false)]
    [InlineData(null, false)]
    public void ParseTime_Text_ParsesRfc3339(string? text, bool ok) => Assert.Equal(ok, Obj.ParseTime(text) is not null);
}
