using System.Text.Json.Nodes;
using Kura.Controllers.Volumes;
using static Kura.Controllers.Tests.Volumes.Fixtures;

namespace Kura.Controllers.Tests.Volumes;

/// <summary>The binder's claim-side rules, case by case from reference/kubernetes.md §1.14.</summary>
public sealed class ClaimPlannerTests
{
    public sealed record Case(string Name, JsonObject Claim, JsonObject[] Volumes, Dictionary<string, JsonObject>? Classes, string? Default,
        string? Bind, bool ByController = false, string? Phase = null, string? EventReason = null, string? AssignClass = null, string? Provisioner = null)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Case> Cases() =>
    [
        new("1 exact match binds", Pvc("c", "1Gi"), [Pv("v", "1Gi")], null, null, "v", ByController: true),
        new("2 too small: FailedBinding", Pvc("c", "10Gi"), [Pv("v", "1Gi")], null, null, null, Phase: "Pending", EventReason: "FailedBinding"),
        new("4 smallest sufficient wins", Pvc("c", "1Gi"), [Pv("big", "10Gi"), Pv("small", "1Gi")], null, null, "small", ByController: true),
        new("5 pre-bound by name wins over smaller", Pvc("c", "1Gi"), [Pv("pre", "10Gi", claim: "c"), Pv("free", "1Gi")], null, null, "pre", ByController: true),
        new("6 pre-bound with uid", Pvc("c", "1Gi"), [Pv("pre", "10Gi", claim: "c", claimUid: "uid-c"), Pv("free", "1Gi")], null, null, "pre", ByController: true),
        new("7 pre-bound to an older claim of that name", Pvc("c", "1Gi", uid: "new"), [Pv("pre", "10Gi", claim: "c", claimUid: "old", phase: "Bound")], null, null, null, Phase: "Pending", EventReason: "FailedBinding"),
        new("8 crash after PV write completes", Pvc("c", "1Gi"), [Pv("v", "1Gi", claim: "c", claimUid: "uid-c", bbc: true)], null, null, "v", ByController: true),
        new("10 selector matches labels", Pvc("c", "1Gi", selector: new() { ["a"] = "b" }), [Pv("v", "1Gi", labels: new() { ["a"] = "b" })], null, null, "v", ByController: true),
        new("11 selector without labels", Pvc("c", "1Gi", selector: new() { ["a"] = "b" }), [Pv("v", "1Gi")], null, null, null, Phase: "Pending", EventReason: "FailedBinding"),
        new("12 requested volume missing", Pvc("c", "1Gi", volumeName: "v"), [], null, null, null, Phase: "Pending"),
        new("13 requested free volume binds, not by controller", Pvc("c", "1Gi", volumeName: "v"), [Pv("v", "1Gi")], null, null, "v"),
        new("14 requested volume pre-bound to claim", Pvc("c", "1Gi", volumeName: "v"), [Pv("v", "1Gi", claim: "c")], null, null, "v"),
        new("15 requested volume bound elsewhere", Pvc("c", "1Gi", volumeName: "v"), [Pv("v", "1Gi", claim: "other", claimUid: "x", phase: "Bound")], null, null, null, Phase: "Pending", EventReason: "FailedBinding"),
        new("17 selector ignored for explicit volume", Pvc("c", "1Gi", volumeName: "v", selector: new() { ["a"] = "b" }), [Pv("v", "1Gi")], null, null, "v"),
        new("18a requested volume too small", Pvc("c", "5Gi", volumeName: "v"), [Pv("v", "1Gi")], null, null, null, Phase: "Pending", EventReason: "VolumeMismatch"),
        new("18b requested volume other class", Pvc("c", "1Gi", volumeName: "v", storageClass: "gold"), [Pv("v", "1Gi")], null, null, null, Phase: "Pending", EventReason: "VolumeMismatch"),
        new("18c requested volume other mode", Pvc("c", "1Gi", volumeName: "v", mode: "Block"), [Pv("v", "1Gi")], null, null, null, Phase: "Pending", EventReason: "VolumeMismatch"),
        new("18d requested volume lacks access mode", Pvc("c", "1Gi", volumeName: "v", modes: ["ReadWriteMany"]), [Pv("v", "1Gi")], null, null, null, Phase: "Pending", EventReason: "VolumeMismatch"),
        new("18e requested volume being deleted", Pvc("c", "1Gi", volumeName: "v"), [Pv("v", "1Gi", deleting: true)], null, null, null, Phase: "Pending", EventReason: "VolumeMismatch"),
        new("19a bound claim lost its reference", Pvc("c", "1Gi", bc: true), [], null, null, null, Phase: "Lost", EventReason: "ClaimLost"),
        new("19b bound claim lost its volume", Pvc("c", "1Gi", volumeName: "v", bc: true), [], null, null, null, Phase: "Lost", EventReason: "ClaimLost"),
        new("20 misbound claim", Pvc("c", "1Gi", volumeName: "v", bc: true), [Pv("v", "1Gi", claim: "c", claimUid: "someone-else", phase: "Bound")], null, null, null, Phase: "Lost", EventReason: "ClaimMisbound"),
        new("21 bound claim with free volume re-binds", Pvc("c", "1Gi", volumeName: "v", bc: true), [Pv("v", "1Gi")], null, null, "v"),
        new("29 class filter before size", Pvc("c", "1Gi", storageClass: "gold"), [Pv("plain", "1Gi"), Pv("gold", "10Gi", storageClass: "gold")], Classes(("gold", "example.com/x", "Immediate")), null, "gold", ByController: true),
        new("30 nil class equals empty", Pvc("c", "1Gi", classUnset: true), [Pv("gold", "1Gi", storageClass: "gold"), Pv("none", "10Gi")], null, null, "none", ByController: true),
        new("31 empty class matches nil class volume", Pvc("c", "1Gi"), [Pv("v", "1Gi")], null, null, "v", ByController: true),
        new("32a RWO prefers RWO-only", Pvc("c", "1Gi"), [Pv("rwo-rox", "1Gi", modes: ["ReadWriteOnce", "ReadOnlyMany"]), Pv("rwo", "10Gi")], null, null, "rwo", ByController: true),
        new("32b RWO+ROX takes the RWO+ROX tier", Pvc("c", "1Gi", modes: ["ReadOnlyMany", "ReadWriteOnce"]), [Pv("rwo", "1Gi"), Pv("rwo-rox", "10Gi", modes: ["ReadWriteOnce", "ReadOnlyMany"])], null, null, "rwo-rox", ByController: true),
        new("32c RWX takes the RWX volume", Pvc("c", "1Gi", modes: ["ReadWriteMany"]), [Pv("rwo", "1Gi"), Pv("all", "10Gi", modes: ["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany"])], null, null, "all", ByController: true),
        new("32d claimed tier skipped", Pvc("c", "1Gi"), [Pv("rwo", "1Gi", claim: "other", claimUid: "x", phase: "Bound"), Pv("rwo-rox", "10Gi", modes: ["ReadWriteOnce", "ReadOnlyMany"])], null, null, "rwo-rox", ByController: true),
        new("33a Block claim, Filesystem volume", Pvc("c", "1Gi", mode: "Block"), [Pv("v", "1Gi")], null, null, null, Phase: "Pending", EventReason: "FailedBinding"),
        new("33b Block matches Block", Pvc("c", "1Gi", mode: "Block"), [Pv("v", "1Gi", mode: "Block")], null, null, "v", ByController: true),
        new("33c Filesystem claim, Block volume", Pvc("c", "1Gi"), [Pv("v", "1Gi", mode: "Block")], null, null, null, Phase: "Pending", EventReason: "FailedBinding"),
        new("34 volume being deleted is skipped", Pvc("c", "1Gi"), [Pv("v", "1Gi", deleting: true)], null, null, null, Phase: "Pending", EventReason: "FailedBinding"),
        new("35a WaitForFirstConsumer does not bind", Pvc("c", "1Gi", storageClass: "wait"), [Pv("v", "1Gi", storageClass: "wait")], Classes(("wait", "kubernetes.io/no-provisioner", "WaitForFirstConsumer")), null, null, Phase: "Pending", EventReason: "WaitForFirstConsumer"),
        new("35b WaitForFirstConsumer still binds pre-bound", Pvc("c", "1Gi", storageClass: "wait"), [Pv("v", "1Gi", storageClass: "wait", claim: "c")], Classes(("wait", "kubernetes.io/no-provisioner", "WaitForFirstConsumer")), null, "v", ByController: true),
        new("36 external provisioner takes over", Pvc("c", "1Gi", storageClass: "gold"), [], Classes(("gold", "vendor.com/x", "Immediate")), null, null, Phase: "Pending", EventReason: "ExternalProvisioning", Provisioner: "vendor.com/x"),
        new("38 existing matching volume beats provisioning", Pvc("c", "1Gi", storageClass: "gold"), [Pv("v", "1Gi", storageClass: "gold")], Classes(("gold", "vendor.com/x", "Immediate")), null, "v", ByController: true),
        new("39 missing class: ProvisioningFailed", Pvc("c", "1Gi", storageClass: "nope"), [], null, null, null, Phase: "Pending", EventReason: "ProvisioningFailed"),
        new("40 no class and no volumes", Pvc("c", "1Gi"), [], null, null, null, Phase: "Pending", EventReason: "FailedBinding"),
        new("default class assigned to class-less claim", Pvc("c", "1Gi", classUnset: true), [], Classes(("std", "vendor.com/x", "Immediate")), "std", null, AssignClass: "std"),
        new("explicit empty class never defaulted", Pvc("c", "1Gi"), [], Classes(("std", "vendor.com/x", "Immediate")), "std", null, Phase: "Pending", EventReason: "FailedBinding"),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Plan_FollowsKubernetesBinder(Case c)
    {
        var plan = ClaimPlanner.Plan(c.Claim, c.Volumes, c.Classes ?? [], c.Default);
        Assert.Equal(c.Bind, plan.BindVolume);
        if (c.Bind is not null)
        {
            Assert.Equal(c.ByController, plan.ChosenByController);
        }

        Assert.Equal(c.Phase, plan.Phase);
        Assert.Equal(c.EventReason, plan.Event?.Reason);
        Assert.Equal(c.AssignClass, plan.AssignClass);
        Assert.Equal(c.Provisioner, plan.ExternalProvisioner);
    }

    [Fact]
    public void Plan_SeedThreeVolumes_35GiClaimBinds50Gi()
    {
        var volumes = new[] { Pv("pv-10", "10Gi"), Pv("pv-20", "20Gi"), Pv("pv-50", "50Gi") };
        Assert.Equal("pv-50", ClaimPlanner.Plan(Pvc("c", "35Gi"), volumes, new Dictionary<string, JsonObject>(), null).BindVolume);
    }
}
