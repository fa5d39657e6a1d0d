using System.Text.Json.Nodes;
using Kura.Model.Patching;
using Kura.Model.Schemas;

namespace Kura.Model.Tests.Patching;

/// <summary>The four patch forms, table-driven, with the bodies kubectl actually sends.</summary>
public sealed class PatchFormsTests
{
    private static readonly SchemaSet Schemas = BuiltInSchemas.Load();

    private static JsonObject Parse(string json) => (JsonObject)JsonNode.Parse(json)!;

    [Theory]
    [InlineData("{\"a\":1,\"b\":{\"c\":2}}", "{\"b\":{\"c\":null,\"d\":3}}", "{\"a\":1,\"b\":{\"d\":3}}")]
    [InlineData("{\"a\":[1,2]}", "{\"a\":[3]}", "{\"a\":[3]}")]
    [InlineData("{\"a\":1}", "{\"a\":null}", "{}")]
    [InlineData("{\"a\":{\"b\":1}}", "{\"a\":\"x\"}", "{\"a\":\"x\"}")]
    public void MergePatch_Rfc7386(string target, string patch, string expected) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), MergePatch.Apply(JsonNode.Parse(target), JsonNode.Parse(patch)!)));

    [Theory]
    [InlineData("{\"a\":1}", "[{\"op\":\"add\",\"path\":\"/b\",\"value\":2}]", "{\"a\":1,\"b\":2}")]
    [InlineData("{\"a\":[1,2]}", "[{\"op\":\"add\",\"path\":\"/a/-\",\"value\":3}]", "{\"a\":[1,2,3]}")]
    [InlineData("{\"a\":[1,2]}", "[{\"op\":\"remove\",\"path\":\"/a/0\"}]", "{\"a\":[2]}")]
    [InlineData("{\"a\":1}", "[{\"op\":\"replace\",\"path\":\"/a\",\"value\":5}]", "{\"a\":5}")]
    [InlineData("{\"a\":{\"b\":1}}", "[{\"op\":\"move\",\"from\":\"/a/b\",\"path\":\"/c\"}]", "{\"a\":{},\"c\":1}")]
    [InlineData("{\"a/b\":1}", "[{\"op\":\"copy\",\"from\":\"/a~1b\",\"path\":\"/c\"}]", "{\"a/b\":1,\"c\":1}")]
    [InlineData("{\"a\":1}", "[{\"op\":\"test\",\"path\":\"/a\",\"value\":1},{\"op\":\"remove\",\"path\":\"/a\"}]", "{}")]
    public void JsonPatch_Rfc6902(string target, string patch, string expected) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonPatch.Apply(JsonNode.Parse(target)!, JsonNode.Parse(patch)!)));

    [Theory]
    [InlineData("{\"a\":1}", "[{\"op\":\"test\",\"path\":\"/a\",\"value\":2}]")]
    [InlineData("{\"a\":1}", "[{\"op\":\"remove\",\"path\":\"/b\"}]")]
    [InlineData("{\"a\":1}", "[{\"op\":\"frobnicate\",\"path\":\"/a\"}]")]
    [InlineData("{\"a\":1}", "{\"op\":\"add\"}")]
    public void JsonPatch_Invalid_Throws(string target, string patch) =>
        Assert.Throws<PatchException>(() => JsonPatch.Apply(JsonNode.Parse(target)!, JsonNode.Parse(patch)!));

    public static TheoryData<string, string, string, string> StrategicCases() => new()
    {
        {
            "containers merge by name, $setElementOrder keeps order",
            """{"spec":{"template":{"spec":{"containers":[{"name":"a","image":"x:1"},{"name":"b","image":"y:1"}]}}}}""",
            """{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"a"},{"name":"b"}],"containers":[{"image":"x:2","name":"a"}]}}}}""",
            """{"spec":{"template":{"spec":{"containers":[{"name":"a","image":"x:2"},{"name":"b","image":"y:1"}]}}}}"""
        },
        {
            "$patch delete removes one container",
            """{"spec":{"template":{"spec":{"containers":[{"name":"a"},{"name":"b"}]}}}}""",
            """{"spec":{"template":{"spec":{"containers":[{"name":"b","$patch":"delete"}]}}}}""",
            """{"spec":{"template":{"spec":{"containers":[{"name":"a"}]}}}}"""
        },
        {
            "new volume appended",
            """{"spec":{"template":{"spec":{"volumes":[{"name":"a","emptyDir":{}}]}}}}""",
            """{"spec":{"template":{"spec":{"volumes":[{"name":"b","persistentVolumeClaim":{"claimName":"c"}}]}}}}""",
            """{"spec":{"template":{"spec":{"volumes":[{"name":"a","emptyDir":{}},{"name":"b","persistentVolumeClaim":{"claimName":"c"}}]}}}}"""
        },
        {
            "atomic list (args) replaced",
            """{"spec":{"template":{"spec":{"containers":[{"name":"a","args":["1","2"]}]}}}}""",
            """{"spec":{"template":{"spec":{"containers":[{"name":"a","args":["3"]}]}}}}""",
            """{"spec":{"template":{"spec":{"containers":[{"name":"a","args":["3"]}]}}}}"""
        },
        {
            "null deletes a label, maps merge",
            """{"metadata":{"labels":{"a":"1","b":"2"}}}""",
            """{"metadata":{"labels":{"a":null,"c":"3"}}}""",
            """{"metadata":{"labels":{"b":"2","c":"3"}}}"""
        },
        {
            "finalizers are a merged set",
            """{"metadata":{"finalizers":["a"]}}""",
            """{"metadata":{"finalizers":["b"]}}""",
            """{"metadata":{"finalizers":["a","b"]}}"""
        },
        {
            "$deleteFromPrimitiveList removes from a set",
            """{"metadata":{"finalizers":["a","b"]}}""",
            """{"metadata":{"$deleteFromPrimitiveList/finalizers":["a"]}}""",
            """{"metadata":{"finalizers":["b"]}}"""
        },
        {
            "$patch replace on a map",
            """{"spec":{"resources":{"requests":{"storage":"1Gi"},"limits":{"storage":"2Gi"}}}}""",
            """{"spec":{"resources":{"$patch":"replace","requests":{"storage":"3Gi"}}}}""",
            """{"spec":{"resources":{"requests":{"storage":"3Gi"}}}}"""
        },
    };

    [Theory]
    [MemberData(nameof(StrategicCases))]
    public void StrategicMergePatch_KubernetesSemantics(string name, string original, string patch, string expected)
    {
        var root = name.Contains("resources", StringComparison.Ordinal) ? "io.k8s.api.core.v1.PersistentVolumeClaim" : "io.k8s.api.apps.v1.Deployment";
        var result = StrategicMergePatch.Apply(Parse(original), Parse(patch), Schemas, Schemas.Get(root));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), result), $"{name}: got {result.ToJsonString()}");
    }

    [Fact]
    public void ServerSideApply_RemovesFieldsTheManagerNoLongerApplies()
    {
        var cm = Schemas.Get("io.k8s.api.core.v1.ConfigMap");
        var first = ServerSideApply.Apply(null, Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"data":{"a":"1","b":"2"}}"""), "mgr", false, Schemas, cm, DateTimeOffset.UnixEpoch).Object!;
        var second = ServerSideApply.Apply(first, Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"data":{"a":"3"}}"""), "mgr", false, Schemas, cm, DateTimeOffset.UnixEpoch).Object!;
        Assert.Equal("""{"a":"3"}""", second["data"]!.ToJsonString());
        var entry = second["metadata"]!["managedFields"]![0]!;
        Assert.Equal("mgr", entry["manager"]!.GetValue<string>());
        Assert.Equal("Apply", entry["operation"]!.GetValue<string>());
        Assert.Equal("""{"f:data":{"f:a":{}}}""", entry["fieldsV1"]!.ToJsonString());
    }
}
