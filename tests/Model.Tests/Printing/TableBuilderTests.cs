using System.Text.Json.Nodes;
using Kura.Model.Printing;

namespace Kura.Model.Tests.Printing;

/// <summary>The meta.k8s.io/v1 Table document (reference/kubernetes.md §2.4).</summary>
public sealed class TableBuilderTests
{
    private const string Pv = """
        {"apiVersion":"v1","kind":"PersistentVolume","metadata":{"name":"pv-1","uid":"4f1c","resourceVersion":"42","creationTimestamp":"2025-01-01T11:55:00Z","labels":{"tier":"fast"}},
         "spec":{"capacity":{"storage":"5Gi"},"accessModes":["ReadWriteOnce"],"persistentVolumeReclaimPolicy":"Delete","storageClassName":"kura-local"},"status":{"phase":"Available"}}
        """;

    private static JsonObject Build(string includeObject, string? continueToken = null, bool includeColumns = true, string group = "", string kind = "PersistentVolume", string json = Pv) =>
        TableBuilder.Build(BuiltInPrinters.For(group, kind), [PrintingKit.Parse(json)], "57", continueToken, includeObject, PrintingKit.Now, includeColumns);

    [Fact]
    public void Build_Metadata_ProducesExactTableDocument()
    {
        var expected = JsonNode.Parse("""
            {"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"57"},
             "columnDefinitions":[
               {"name":"Name","type":"string","format":"name","description":"Name of the object, unique per kind and namespace.","priority":0},
               {"name":"Capacity","type":"string","format":"","description":"Storage capacity of the volume.","priority":0},
               {"name":"Access Modes","type":"string","format":"","description":"Ways the volume can be mounted.","priority":0},
               {"name":"Reclaim Policy","type":"string","format":"","description":"What happens to the volume when its claim is released.","priority":0},
               {"name":"Status","type":"string","format":"","description":"Lifecycle phase of the volume.","priority":0},
               {"name":"Claim","type":"string","format":"","description":"Namespace/name of the claim bound to the volume.","priority":0},
               {"name":"StorageClass","type":"string","format":"","description":"Storage class the volume belongs to.","priority":0},
               {"name":"VolumeAttributesClass","type":"string","format":"","description":"Volume attributes class of the volume.","priority":0},
               {"name":"Reason","type":"string","format":"","description":"Short reason for a failed phase.","priority":0},
               {"name":"Age","type":"string","format":"","description":"Time since the object was created.","priority":0},
               {"name":"VolumeMode","type":"string","format":"","description":"Filesystem or Block.","priority":1}],
             "rows":[{"cells":["pv-1","5Gi","RWO","Delete","Available","","kura-local","<unset>","","5m","<unset>"],
                      "object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1",
                                "metadata":{"name":"pv-1","uid":"4f1c","resourceVersion":"42","creationTimestamp":"2025-01-01T11:55:00Z","labels":{"tier":"fast"}}}}]}
            """);
        var table = Build("Metadata");
        Assert.True(JsonNode.DeepEquals(expected, table), table.ToJsonString());
    }

    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), actual?.ToJsonString());

    [Fact]
    public void Build_Object_EmbedsFullObject()
    {
        var row = Build("Object")["rows"]![0]!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Pv), row["object"]));
    }

    [Fact]
    public void Build_None_OmitsObject()
    {
        var row = Build("None")["rows"]![0]!.AsObject();
        Assert.False(row.ContainsKey("object"));
        Assert.Equal(["cells"], row.Select(kv => kv.Key));
    }

    [Theory]
    [InlineData(null, """{"resourceVersion":"57"}""")]
    [InlineData("", """{"resourceVersion":"57"}""")]
    [InlineData("eyJ2IjoxfQ", """{"resourceVersion":"57","continue":"eyJ2IjoxfQ"}""")]
    public void Build_ContinueToken_AppearsOnlyWhenSet(string? token, string metadata)
    {
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(metadata), Build("None", token)["metadata"]));
    }

    [Fact]
    public void Build_WithoutColumns_WritesNullColumnDefinitions()
    {
        var table = Build("Metadata", includeColumns: false);
        Assert.True(table.ContainsKey("columnDefinitions"));
        Assert.Null(table["columnDefinitions"]);
        Assert.Single(table["rows"]!.AsArray());
    }

    [Fact]
    public void Build_NoObjects_WritesEmptyRows()
    {
        var table = TableBuilder.Build(BuiltInPrinters.For("", "Pod"), [], "1", null, "Metadata", PrintingKit.Now);
        Assert.Equal("[]", table["rows"]!.ToJsonString());
        Assert.Equal(9, table["columnDefinitions"]!.AsArray().Count);
    }

    [Fact]
    public void Build_TypedCells_KeepJsonTypes()
    {
        var json = """{"metadata":{"name":"drv"},"spec":{"attachRequired":false}}""";
        var cells = Build("None", group: "storage.k8s.io", kind: "CSIDriver", json: json)["rows"]![0]!["cells"]!;
        AssertJson("""["drv",false,false,false,"<unset>",false,"<none>","<unknown>"]""", cells);

        var cm = Build("None", kind: "ConfigMap", json: """{"metadata":{"name":"cm"},"data":{"a":"b"}}""")["rows"]![0]!["cells"]!;
        AssertJson("""["cm",1,"<unknown>"]""", cm);
    }

    [Fact]
    public void Build_SucceededPod_AddsRowConditions()
    {
        var pod = """{"metadata":{"name":"job-x"},"spec":{"containers":[{"name":"c"}]},"status":{"phase":"Succeeded","containerStatuses":[{"name":"c","state":{"terminated":{"reason":"Completed","exitCode":0}}}]}}""";
        var row = Build("None", kind: "Pod", json: pod)["rows"]![0]!;
        AssertJson(
            """{"cells":["job-x","0/1","Completed","0","<unknown>","<none>","<none>","<none>","<none>"],"conditions":[{"type":"Completed","status":"True","reason":"Succeeded","message":"The pod has completed successfully."}]}""",
            row);
    }

    [Fact]
    public void Build_RunningPod_HasNoConditions()
    {
        var pod = """{"metadata":{"name":"p"},"spec":{"containers":[]},"status":{"phase":"Running"}}""";
        Assert.False(Build("None", kind: "Pod", json: pod)["rows"]![0]!.AsObject().ContainsKey("conditions"));
    }

    [Fact]
    public void Build_SourceObject_IsNotShared()
    {
        var source = PrintingKit.Parse(Pv);
        var table = TableBuilder.Build(BuiltInPrinters.For("", "PersistentVolume"), [source], "57", null, "Object", PrintingKit.Now);
        table["rows"]![0]!["object"]!["metadata"]!["name"] = "changed";
        Assert.Equal("pv-1", source["metadata"]!["name"]!.GetValue<string>());
    }
}
