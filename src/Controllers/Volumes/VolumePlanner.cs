using System.Text.Json.Nodes;

namespace Kura.Controllers.Volumes;

/// <summary>How a volume's claimRef should change.</summary>
public enum ClaimRefChange
{
    None,

    /// <summary>Clear claimRef and the bound-by-controller annotation (the controller had bound it).</summary>
    Clear,

    /// <summary>Clear only claimRef.uid (the user pre-bound it by name).</summary>
    ClearUid,
}

/// <summary>What the binder should do for one volume (the decision half of syncVolume).</summary>
public sealed record VolumePlan(string? Phase = null, ClaimRefChange ClaimRef = ClaimRefChange.None, PlannedEvent? Event = null, bool EnqueueClaim = false)
{
    public static readonly VolumePlan Nothing = new();
}

/// <summary>
/// syncVolume of the PV controller (reference/kubernetes.md §1.4, §1.7) as a pure function.
/// Volumes of external provisioners are deleted by their provisioner, not here.
/// </summary>
public static class VolumePlanner
{
    /// <param name="claim">The claim named by claimRef (null when it does not exist).</param>
    public static VolumePlan Plan(JsonObject pv, JsonObject? claim)
    {
        var phase = pv["status"]?["phase"]?.GetValue<string>();
        if (pv["spec"]?["claimRef"] is not JsonObject claimRef)
        {
            return phase == "Available" ? VolumePlan.Nothing : new VolumePlan("Available");
        }

        var refUid = claimRef["uid"]?.GetValue<string>() ?? "";
        if (refUid.Length == 0)
        {
            return phase == "Available" ? VolumePlan.Nothing : new VolumePlan("Available", EnqueueClaim: true);
        }

        if (claim is null || claim["metadata"]?["uid"]?.GetValue<string>() != refUid)
        {
            return Release(pv, phase);
        }

        var claimVolume = claim["spec"]?["volumeName"]?.GetValue<string>() ?? "";
        var pvName = pv["metadata"]?["name"]?.GetValue<string>();
        if (claimVolume.Length == 0)
        {
            // The claim side has not finished binding yet: let it.
            return new VolumePlan(EnqueueClaim: true);
        }

        if (claimVolume == pvName)
        {
            return phase == "Bound" ? VolumePlan.Nothing : new VolumePlan("Bound");
        }

        var annotations = pv["metadata"]?["annotations"];
        if (annotations?[StorageNames.ProvisionedBy] is not null && pv["spec"]?["persistentVolumeReclaimPolicy"]?.GetValue<string>() == "Delete")
        {
            return Release(pv, phase);
        }

        return annotations?[StorageNames.BoundByController] is not null
            ? new VolumePlan("Available", ClaimRefChange.Clear)
            : new VolumePlan("Available", ClaimRefChange.ClearUid);
    }

    /// <summary>The claim is gone: Released, then the reclaim policy (Failed when it cannot be carried out here).</summary>
    private static VolumePlan Release(JsonObject pv, string? phase)
    {
        if (phase is "Failed")
        {
            return VolumePlan.Nothing;
        }

        var policy = pv["spec"]?["persistentVolumeReclaimPolicy"]?.GetValue<string>() ?? "Retain";
        var external = pv["metadata"]?["annotations"]?[StorageNames.ProvisionedBy] is not null || pv["spec"]?["csi"] is not null;
        return policy switch
        {
            "Retain" => phase == "Released" ? VolumePlan.Nothing : new VolumePlan("Released"),
            "Delete" when external => phase == "Released" ? VolumePlan.Nothing : new VolumePlan("Released"),
            "Delete" => new VolumePlan("Failed", Event: PlannedEvent.Warning("VolumeFailedDelete", $"error getting deleter volume plugin for volume \"{pv["metadata"]?["name"]}\": no deletable volume plugin matched")),
            "Recycle" => new VolumePlan("Failed", Event: PlannedEvent.Warning("VolumeFailedRecycle", "No recycler plugin found for the volume!")),
            _ => new VolumePlan("Failed", Event: PlannedEvent.Warning("VolumeUnknownReclaimPolicy", "Volume has unrecognized PersistentVolumeReclaimPolicy")),
        };
    }
}
