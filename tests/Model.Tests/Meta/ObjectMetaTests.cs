using System.Text.Json.Nodes;
using Kura.Model.Meta;

namespace Kura.Model.Tests.Meta;

public sealed class ObjectMetaTests
{
    private const string Full = """
        {"name":"web-0","generateName":"web-","namespace":"default","selfLink":"/x","uid":"u-1","resourceVersion":"7","generation":3,
         "creationTimestamp":"2026-01-02T03:04:05Z","deletionTimestamp":"2026-01-02T03:05:05Z","deletionGracePeriodSeconds":30,
         "labels":{"app":"web","tier":"db"},"annotations":{"a":"b"},
         "ownerReferences":[{"apiVersion":"apps/v1","kind":"StatefulSet","name":"web","uid":"u-0","controller":true,"blockOwnerDeletion":true}],
         "finalizers":["kubernetes.io/pvc-protection"],"managedFields":[{"manager":"kubectl"}]}
        """;

    [Fact]
    public void FromJson_FullMetadata_ReadsEveryField()
    {
        var meta = ObjectMeta.FromJson(JsonNode.Parse(Full)!.AsObject());
        Assert.Equal("web-0", meta.Name);
        Assert.Equal("web-", meta.GenerateName);
        Assert.Equal("default", meta.Namespace);
        Assert.Equal("u-1", meta.Uid);
        Assert.Equal("7", meta.ResourceVersion);
        Assert.Equal(3, meta.Generation);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), meta.CreationTimestamp);
        Assert.True(meta.IsBeingDeleted);
        Assert.Equal(30, meta.DeletionGracePeriodSeconds);
        Assert.Equal("db", meta.Labels["tier"]);
        Assert.Equal("b", meta.Annotations["a"]);
        Assert.Equal(["kubernetes.io/pvc-protection"], meta.Finalizers);
        Assert.Equal(new OwnerReference("apps/v1", "StatefulSet", "web", "u-0", true, true), meta.ControllerRef);
    }

    [Fact]
    public void ToJson_FromFullJson_RoundTripsInKubernetesOrder()
    {
        var original = JsonNode.Parse(Full)!.AsObject();
        var json = ObjectMeta.FromJson(original).ToJson();
        Assert.True(JsonNode.DeepEquals(original, json), json.ToJsonString());
        Assert.Equal(
            ["name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp",
             "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers", "managedFields"],
            json.Select(kv => kv.Key));
    }

    [Fact]
    public void ToJson_NewMeta_OmitsEmptyFieldsAndNullsCreationTimestamp()
    {
        var meta = new ObjectMeta { Name = "pvc-1", Labels = { ["b"] = "2", ["a"] = "1" } };
        Assert.Equal("""{"name":"pvc-1","creationTimestamp":null,"labels":{"a":"1","b":"2"}}""", meta.ToJson().ToJsonString());
    }

    [Fact]
    public void FromJson_Null_GivesEmptyMeta()
    {
        var meta = ObjectMeta.FromJson(null);
        Assert.Equal("", meta.Name);
        Assert.Null(meta.CreationTimestamp);
        Assert.Null(meta.ControllerRef);
        Assert.Empty(meta.OwnerReferences);
    }

    [Fact]
    public void ControllerRefTo_Owner_IsControllingAndBlocking()
    {
        var owner = JsonNode.Parse("""{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"data","uid":"u-9"}}""")!.AsObject();
        var reference = OwnerReference.ControllerRefTo(owner);
        Assert.Equal("""{"apiVersion":"v1","kind":"PersistentVolumeClaim","name":"data","uid":"u-9","controller":true,"blockOwnerDeletion":true}""", reference.ToJson().ToJsonString());
        Assert.Equal("""{"apiVersion":"v1","kind":"Pod","name":"p","uid":"u"}""", new OwnerReference("v1", "Pod", "p", "u").ToJson().ToJsonString());
    }
}
