namespace Kura.Controllers.Workloads;

/// <summary>
/// The Deployment controller's scaling decisions (pkg/controller/deployment: rolling.go,
/// recreate.go, sync.go), as pure functions of the Deployment and its ReplicaSets.
/// </summary>
public static class DeploymentPlanner
{
    /// <summary>NewRSNewReplicas: the size the new ReplicaSet may have now.</summary>
    public static int NewReplicaSetReplicas(DeploymentView d, IReadOnlyList<ReplicaSetView> all, int newReplicas)
    {
        if (d.Recreate)
        {
            return d.Replicas;
        }

        var current = all.Sum(r => r.Replicas);
        var maxTotal = d.Replicas + d.MaxSurge;
        if (current >= maxTotal)
        {
            return newReplicas;
        }

        return newReplicas + Math.Min(maxTotal - current, d.Replicas - newReplicas);
    }

    /// <summary>reconcileNewReplicaSet: the new ReplicaSet's next size, or null to leave it.</summary>
    public static int? ReconcileNew(DeploymentView d, IReadOnlyList<ReplicaSetView> all, ReplicaSetView newRs)
    {
        if (newRs.Replicas == d.Replicas)
        {
            return null;
        }

        if (newRs.Replicas > d.Replicas)
        {
            return d.Replicas;
        }

        var next = NewReplicaSetReplicas(d, all, newRs.Replicas);
        return next == newRs.Replicas ? null : next;
    }

    /// <summary>
    /// reconcileOldReplicaSets: how far old ReplicaSets may shrink without going below
    /// replicas − maxUnavailable available pods; unhealthy old replicas go first
    /// (cleanupUnhealthyReplicas), then available ones, oldest ReplicaSet first.
    /// </summary>
    public static IReadOnlyList<ScaleAction> ReconcileOld(DeploymentView d, IReadOnlyList<ReplicaSetView> all, ReplicaSetView newRs)
    {
        var old = all.Where(r => r.Name != newRs.Name).ToList();
        var actions = new List<ScaleAction>();
        if (old.Sum(r => r.Replicas) == 0)
        {
            return actions;
        }

        var minAvailable = d.Replicas - d.MaxUnavailable;
        var newUnavailable = newRs.Replicas - newRs.AvailableReplicas;
        var maxScaledDown = all.Sum(r => r.Replicas) - minAvailable - newUnavailable;
        if (maxScaledDown <= 0)
        {
            return actions;
        }

        var sizes = old.ToDictionary(r => r.Name, r => r.Replicas, StringComparer.Ordinal);
        var cleaned = 0;
        foreach (var rs in old.Where(r => r.Replicas > 0).OrderBy(r => r.Created).ThenBy(r => r.Name, StringComparer.Ordinal))
        {
            if (cleaned >= maxScaledDown)
            {
                break;
            }

            if (rs.Replicas == rs.AvailableReplicas)
            {
                continue;
            }

            var down = Math.Min(maxScaledDown - cleaned, rs.Replicas - rs.AvailableReplicas);
            sizes[rs.Name] = rs.Replicas - down;
            cleaned += down;
        }

        // scaleDownOldReplicaSetsForRollingUpdate.
        var available = all.Sum(r => r.AvailableReplicas);
        if (available > minAvailable)
        {
            var budget = available - minAvailable;
            var scaled = 0;
            foreach (var rs in old.OrderBy(r => r.Created).ThenBy(r => r.Name, StringComparer.Ordinal))
            {
                if (scaled >= budget)
                {
                    break;
                }

                var size = sizes[rs.Name];
                if (size == 0)
                {
                    continue;
                }

                var down = Math.Min(size, budget - scaled);
                sizes[rs.Name] = size - down;
                scaled += down;
            }
        }

        actions.AddRange(old.Where(r => sizes[r.Name] != r.Replicas).Select(r => new ScaleAction(r.Name, r.Replicas, sizes[r.Name])));
        return actions;
    }

    /// <summary>Recreate: every old ReplicaSet with replicas goes to zero first.</summary>
    public static IReadOnlyList<ScaleAction> RecreateScaleDown(IReadOnlyList<ReplicaSetView> old) =>
        old.Where(r => r.Replicas > 0).Select(r => new ScaleAction(r.Name, r.Replicas, 0)).ToList();

    /// <summary>isScalingEvent: an active ReplicaSet was sized for a different spec.replicas.</summary>
    public static bool IsScalingEvent(DeploymentView d, IReadOnlyList<ReplicaSetView> all) =>
        all.Where(r => r.Replicas > 0).Any(r => r.DesiredReplicasAnnotation is int desired && desired != d.Replicas);

    /// <summary>
    /// scale: with one active ReplicaSet (or none: the newest) it takes spec.replicas; a saturated
    /// new ReplicaSet retires the old ones; otherwise (RollingUpdate) the change is spread over the
    /// active ReplicaSets in proportion to their size, leftovers to the largest.
    /// </summary>
    public static IReadOnlyList<ScaleAction> Scale(DeploymentView d, ReplicaSetView? newRs, IReadOnlyList<ReplicaSetView> old, int statusReplicas)
    {
        var all = newRs is null ? old.ToList() : [.. old, newRs];
        var active = all.Where(r => r.Replicas > 0).ToList();
        if (all.Count == 0)
        {
            return [];
        }

        if (active.Count <= 1)
        {
            var target = active.Count == 1 ? active[0] : newRs ?? old.OrderByDescending(r => r.Created).First();
            return target.Replicas == d.Replicas ? [] : [new ScaleAction(target.Name, target.Replicas, d.Replicas)];
        }

        if (newRs is not null && newRs.Replicas == d.Replicas && newRs.DesiredReplicasAnnotation == d.Replicas && newRs.AvailableReplicas == d.Replicas)
        {
            return old.Where(r => r.Replicas > 0).Select(r => new ScaleAction(r.Name, r.Replicas, 0)).ToList();
        }

        if (d.Recreate)
        {
            return [];
        }

        var allowed = d.Replicas > 0 ? d.Replicas + d.MaxSurge : 0;
        var toAdd = allowed - active.Sum(r => r.Replicas);
        var ordered = toAdd switch
        {
            > 0 => active.OrderByDescending(r => r.Replicas).ThenByDescending(r => r.Created).ToList(),
            < 0 => active.OrderByDescending(r => r.Replicas).ThenBy(r => r.Created).ToList(),
            _ => active,
        };
        var sizes = new Dictionary<string, int>(StringComparer.Ordinal);
        var added = 0;
        foreach (var rs in ordered)
        {
            var proportion = toAdd == 0 ? 0 : Proportion(rs, d, toAdd, added, statusReplicas);
            sizes[rs.Name] = rs.Replicas + proportion;
            added += proportion;
        }

        if (toAdd != 0)
        {
            sizes[ordered[0].Name] = Math.Max(0, sizes[ordered[0].Name] + toAdd - added);
        }

        return ordered.Where(r => sizes[r.Name] != r.Replicas).Select(r => new ScaleAction(r.Name, r.Replicas, sizes[r.Name])).ToList();
    }

    /// <summary>cleanupDeployment: old ReplicaSets beyond revisionHistoryLimit, lowest revision first, if they are empty and settled.</summary>
    public static IReadOnlyList<string> HistoryToDelete(DeploymentView d, IReadOnlyList<ReplicaSetView> old)
    {
        if (d.RevisionHistoryLimit is not int limit)
        {
            return [];
        }

        var alive = old.Where(r => !r.Deleting).ToList();
        var diff = alive.Count - limit;
        if (diff <= 0)
        {
            return [];
        }

        return alive.OrderBy(r => r.Revision).ThenBy(r => r.Created).Take(diff)
            .Where(r => r.StatusReplicas == 0 && r.Replicas == 0 && r.Generation <= r.ObservedGeneration)
            .Select(r => r.Name).ToList();
    }

    /// <summary>The revision a new (or returning) ReplicaSet gets: one above every old one.</summary>
    public static long NextRevision(IEnumerable<ReplicaSetView> old) => old.Select(r => r.Revision).DefaultIfEmpty(0).Max() + 1;

    /// <summary>GetProportion / getReplicaSetFraction.</summary>
    private static int Proportion(ReplicaSetView rs, DeploymentView d, int toAdd, int added, int statusReplicas)
    {
        if (rs.Replicas == 0 || toAdd == 0 || toAdd == added)
        {
            return 0;
        }

        int fraction;
        if (d.Replicas == 0)
        {
            fraction = -rs.Replicas;
        }
        else
        {
            var maxReplicas = d.Replicas + d.MaxSurge;
            var before = rs.MaxReplicasAnnotation is int m && m != 0 ? m : statusReplicas;
            fraction = before == 0 ? 0 : (int)Math.Round((double)rs.Replicas * maxReplicas / before, MidpointRounding.AwayFromZero) - rs.Replicas;
        }

        var allowed = toAdd - added;
        return toAdd > 0 ? Math.Min(fraction, allowed) : Math.Max(fraction, allowed);
    }
}
