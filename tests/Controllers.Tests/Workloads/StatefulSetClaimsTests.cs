using System.Text.Json.Nodes;
using Kura.Controllers.Workloads;

namespace Kura.Controllers.Tests.Workloads;

public sealed class StatefulSetClaimsTests
{
    private static JsonObject Set(string whenDeleted, string whenScaled) => JsonNode.Parse($$$"""
        {"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"mongo","namespace":"default","uid":"set-uid"},
         "spec":{"selector":{"matchLabels":{"app":"mongo"}},
                 "persistentVolumeClaimRetentionPolicy":{"whenDeleted":"{{{whenDeleted}}}","whenScaled":"{{{whenScaled}}}"},
                 "volumeClaimTemplates":[{"metadata":{"name":"mongo-pvc","labels":{"tier":"db"}},"spec":{"accessModes":["ReadWriteOnce"]}}]}}
        """)!.AsObject();

    private static readonly JsonObject PodZero = JsonNode.Parse("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"mongo-0","uid":"pod-uid"}}""")!.AsObject();

    private static JsonObject Claim(params JsonObject[] refs) => new() { ["metadata"] = new JsonObject { ["name"] = "mongo-pvc-mongo-0", ["ownerReferences"] = new JsonArray([.. refs]) } };

    [Theory]
    [InlineData("Retain", "Retain", true, "")]
    [InlineData("Retain", "Retain", false, "")]
    [InlineData("Delete", "Retain", true, "StatefulSet")]
    [InlineData("Delete", "Retain", false, "StatefulSet")]
    [InlineData("Retain", "Delete", true, "")]
    [InlineData("Retain", "Delete", false, "Pod")]
    [InlineData("Delete", "Delete", true, "StatefulSet")]
    [InlineData("Delete", "Delete", false, "Pod")]
    public void OwnerRefs_FollowTheRetentionPolicy(string whenDeleted, string whenScaled, bool inRange, string expectedOwnerKind)
    {
        var refs = StatefulSetClaims.OwnerRefs(Claim(), Set(whenDeleted, whenScaled), PodZero, inRange);
        var owners = refs?.OfType<JsonObject>().ToList() ?? [];
        Assert.Equal(expectedOwnerKind, string.Join(",", owners.Select(r => r["kind"]!.GetValue<string>())));
        Assert.All(owners, r => Assert.True(r["controller"]!.GetValue<bool>()));
    }

    [Fact]
    public void OwnerRefs_AlreadyRight_IsNull()
    {
        var set = Set("Delete", "Retain");
        Assert.Null(StatefulSetClaims.OwnerRefs(Claim(PodTemplates.ControllerRef(set)), set, PodZero, true));
    }

    [Fact]
    public void OwnerRefs_PolicyBackToRetain_RemovesOurReference()
    {
        var refs = StatefulSetClaims.OwnerRefs(Claim(PodTemplates.ControllerRef(Set("Delete", "Delete"))), Set("Retain", "Retain"), PodZero, true);
        Assert.NotNull(refs);
        Assert.Empty(refs);
    }

    [Fact]
    public void NewClaim_NamedForTheOrdinal_LabelledWithTheSelector()
    {
        var set = Set("Retain", "Retain");
        var claim = StatefulSetClaims.NewClaim(set, StatefulSetClaims.Templates(set).Single(), 0);
        Assert.Equal("mongo-pvc-mongo-0", claim["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal("mongo", claim["metadata"]!["labels"]!["app"]!.GetValue<string>());
        Assert.Equal("db", claim["metadata"]!["labels"]!["tier"]!.GetValue<string>());
        Assert.Null(claim["metadata"]!["ownerReferences"]);
    }

    [Fact]
    public void MountClaims_ReplacesSameNamedVolumeAndKeepsOthers()
    {
        var spec = JsonNode.Parse("""{"volumes":[{"name":"mongo-pvc","emptyDir":{}},{"name":"cache","emptyDir":{}}]}""")!.AsObject();
        StatefulSetClaims.MountClaims(Set("Retain", "Retain"), spec, 2);
        Assert.Equal("""[{"name":"mongo-pvc","persistentVolumeClaim":{"claimName":"mongo-pvc-mongo-2"}},{"name":"cache","emptyDir":{}}]""", spec["volumes"]!.ToJsonString());
    }
}
