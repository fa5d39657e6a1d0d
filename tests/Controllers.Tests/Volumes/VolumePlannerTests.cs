using System.Text.Json.Nodes;
using Kura.Controllers.Volumes;
using static Kura.Controllers.Tests.Volumes.Fixtures;

namespace Kura.Controllers.Tests.Volumes;

/// <summary>The binder's volume-side rules (reference/kubernetes.md §1.4, cases 22–28).</summary>
public sealed class VolumePlannerTests
{
    public sealed record Case(string Name, JsonObject Volume, JsonObject? Claim, string? Phase, ClaimRefChange Change = ClaimRefChange.None, string? EventReason = null)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Case> Cases() =>
    [
        new("22 pending without claimRef becomes Available", Pv("v", "1Gi", phase: "Pending"), null, "Available"),
        new("available stays", Pv("v", "1Gi"), null, null),
        new("23 pre-bound by name, claim absent: Available", Pv("v", "1Gi", phase: "Pending", claim: "c"), null, "Available"),
        new("24 bound, claim gone, Retain: Released", Pv("v", "1Gi", phase: "Bound", claim: "c", claimUid: "u"), null, "Released"),
        new("25 claim recreated with new uid: Released", Pv("v", "1Gi", phase: "Bound", claim: "c", claimUid: "u"), Pvc("c", "1Gi", uid: "u2"), "Released"),
        new("bound and claim agrees: Bound", Pv("v", "1Gi", phase: "Available", claim: "c", claimUid: "uid-c"), Pvc("c", "1Gi", volumeName: "v", bc: true), "Bound"),
        new("26 controller-bound, claim went elsewhere: unbind", Pv("v", "1Gi", phase: "Bound", claim: "c", claimUid: "uid-c", bbc: true), Pvc("c", "1Gi", volumeName: "other", bc: true), "Available", ClaimRefChange.Clear),
        new("27 user-pre-bound, claim went elsewhere: clear uid", Pv("v", "1Gi", phase: "Bound", claim: "c", claimUid: "uid-c"), Pvc("c", "1Gi", volumeName: "other", bc: true), "Available", ClaimRefChange.ClearUid),
        new("28 Delete without a deleter: Failed", Pv("v", "1Gi", phase: "Bound", claim: "c", claimUid: "u", policy: "Delete"), null, "Failed", EventReason: "VolumeFailedDelete"),
        new("released provisioned Delete waits for its provisioner", Pv("v", "1Gi", phase: "Bound", claim: "c", claimUid: "u", policy: "Delete", provisioned: true), null, "Released"),
        new("failed is never overwritten", Pv("v", "1Gi", phase: "Failed", claim: "c", claimUid: "u", policy: "Delete"), null, null),
        new("recycle: Failed", Pv("v", "1Gi", phase: "Bound", claim: "c", claimUid: "u", policy: "Recycle"), null, "Failed", EventReason: "VolumeFailedRecycle"),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Plan_FollowsKubernetesBinder(Case c)
    {
        var plan = VolumePlanner.Plan(c.Volume, c.Claim);
        Assert.Equal(c.Phase, plan.Phase);
        Assert.Equal(c.Change, plan.ClaimRef);
        Assert.Equal(c.EventReason, plan.Event?.Reason);
    }
}
