using System.Text.Json.Nodes;

namespace Kura.Controllers.Volumes;

/// <summary>What the binder should do for one claim (the decision half of syncClaim).</summary>
public sealed record ClaimPlan
{
    /// <summary>Bind to this volume (bind(): PV claimRef, PV phase, PVC volumeName and annotations, PVC phase).</summary>
    public string? BindVolume { get; init; }

    /// <summary>Whether the controller chose the volume (adds bound-by-controller to the claim).</summary>
    public bool ChosenByController { get; init; }

    /// <summary>Set the claim's phase (Pending or Lost) without binding.</summary>
    public string? Phase { get; init; }

    /// <summary>Give a class-less claim the default class.</summary>
    public string? AssignClass { get; init; }

    /// <summary>Hand the claim to this external provisioner (storage-provisioner annotations).</summary>
    public string? ExternalProvisioner { get; init; }

    public PlannedEvent? Event { get; init; }

    public static readonly ClaimPlan Nothing = new();
}

/// <summary>
/// syncClaim of kube-controller-manager's PV controller (pv_controller.go; reference/kubernetes.md
/// §1.3) as a pure function of the claim and what the controller observes.
/// </summary>
public static class ClaimPlanner
{
    public static ClaimPlan Plan(JsonObject claim, IReadOnlyList<JsonObject> volumes, IReadOnlyDictionary<string, JsonObject> classes, string? defaultClass)
    {
        var annotations = claim["metadata"]?["annotations"] as JsonObject;
        var bound = annotations?[StorageNames.BindCompleted] is not null;
        var volumeName = claim["spec"]?["volumeName"]?.GetValue<string>() ?? "";
        var pv = volumeName.Length == 0 ? null : volumes.FirstOrDefault(v => v["metadata"]?["name"]?.GetValue<string>() == volumeName);
        var claimUid = claim["metadata"]?["uid"]?.GetValue<string>();
        return bound ? PlanBound(claim, volumeName, pv, claimUid) : PlanUnbound(claim, volumeName, pv, volumes, classes, defaultClass);
    }

    private static ClaimPlan PlanBound(JsonObject claim, string volumeName, JsonObject? pv, string? claimUid)
    {
        if (volumeName.Length == 0)
        {
            return Lost(PlannedEvent.Warning("ClaimLost", "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!"));
        }

        if (pv is null)
        {
            return Lost(PlannedEvent.Warning("ClaimLost", "Bound claim has lost its PersistentVolume. Data on the volume is lost!"));
        }

        var refUid = pv["spec"]?["claimRef"]?["uid"]?.GetValue<string>();
        if (pv["spec"]?["claimRef"] is null || refUid == claimUid)
        {
            // Repairs a half-finished bind (e.g. after a crash) and keeps phases right.
            return new ClaimPlan { BindVolume = volumeName, ChosenByController = claim["metadata"]?["annotations"]?[StorageNames.BoundByController] is not null };
        }

        return Lost(PlannedEvent.Warning("ClaimMisbound", "Two claims are bound to the same volume, this one is bound incorrectly"));
    }

    private static ClaimPlan PlanUnbound(JsonObject claim, string volumeName, JsonObject? pv, IReadOnlyList<JsonObject> volumes, IReadOnlyDictionary<string, JsonObject> classes, string? defaultClass)
    {
        var className = VolumeMatcher.ClassOf(claim);
        var storageClass = classes.GetValueOrDefault(className);
        if (volumeName.Length > 0)
        {
            if (pv is null)
            {
                return Pending(null);
            }

            if (pv["spec"]?["claimRef"] is not JsonObject claimRef)
            {
                var why = VolumeMatcher.CheckVolumeSatisfiesClaim(pv, claim);
                return why is null
                    ? new ClaimPlan { BindVolume = volumeName }
                    : Pending(PlannedEvent.Warning("VolumeMismatch", $"Cannot bind to requested volume \"{volumeName}\": {why}"));
            }

            return VolumeMatcher.PointsAt(claimRef, claim)
                ? new ClaimPlan { BindVolume = volumeName }
                : Pending(PlannedEvent.Warning("FailedBinding", $"volume \"{volumeName}\" already bound to a different claim."));
        }

        var delay = storageClass?["volumeBindingMode"]?.GetValue<string>() == "WaitForFirstConsumer";
        if (VolumeMatcher.FindBestMatch(claim, volumes, delay) is { } match)
        {
            return new ClaimPlan { BindVolume = match["metadata"]!["name"]!.GetValue<string>(), ChosenByController = true };
        }

        var classUnset = claim["spec"]?["storageClassName"] is null && claim["metadata"]?["annotations"]?[StorageNames.BetaStorageClass] is null;
        if (classUnset && defaultClass is not null)
        {
            return new ClaimPlan { AssignClass = defaultClass };
        }

        if (delay && claim["metadata"]?["annotations"]?[StorageNames.SelectedNode] is null)
        {
            return Pending(PlannedEvent.Normal("WaitForFirstConsumer", "waiting for first consumer to be created before binding"));
        }

        if (className.Length == 0)
        {
            return Pending(PlannedEvent.Normal("FailedBinding", "no persistent volumes available for this claim and no storage class is set"));
        }

        if (storageClass is null)
        {
            return Pending(PlannedEvent.Warning("ProvisioningFailed", $"storageclass.storage.k8s.io \"{className}\" not found"));
        }

        var provisioner = storageClass["provisioner"]?.GetValue<string>() ?? "";
        if (provisioner == StorageNames.NoProvisioner)
        {
            return Pending(PlannedEvent.Normal("FailedBinding", "no persistent volumes available for this claim and no storage class is set"));
        }

        return new ClaimPlan
        {
            Phase = "Pending",
            ExternalProvisioner = provisioner,
            Event = PlannedEvent.Normal("ExternalProvisioning", $"Waiting for a volume to be created either by the external provisioner '{provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered."),
        };
    }

    private static ClaimPlan Pending(PlannedEvent? e) => new() { Phase = "Pending", Event = e };

    private static ClaimPlan Lost(PlannedEvent e) => new() { Phase = "Lost", Event = e };
}
