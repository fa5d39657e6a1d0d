using System.Text.Json.Nodes;
using Kura.ApiServer.Admission;
using Kura.ApiServer.Catalog;
using Kura.Model.Errors;
using Kura.Model.Registry;
using Kura.Store;

namespace Kura.ApiServer.Handlers;

public sealed partial class ObjectService
{
    /// <summary>Finalizer that makes the garbage collector delete dependents first.</summary>
    public const string ForegroundFinalizer = "foregroundDeletion";

    /// <summary>Finalizer that makes the garbage collector orphan dependents first.</summary>
    public const string OrphanFinalizer = "orphan";

    /// <summary>
    /// Deletes an object (DELETE). Objects with finalizers, namespaces and scheduled pods with a
    /// grace period are only marked (deletionTimestamp); everything else is removed at once.
    /// Returns the object as last seen and whether it is gone.
    /// </summary>
    public async Task<(JsonObject Object, bool Deleted)> DeleteAsync(ResourceType type, string? ns, string name, DeleteOptions options, CancellationToken ct = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            var current = TryGet(type, ns, name) ?? throw ApiException.NotFound(type, name);
            var obj = (JsonObject)current.Object.DeepClone();
            var meta = Meta(obj);
            CheckPreconditions(type, name, meta, options);
            RunAdmission(new AdmissionRequest(AdmissionOperation.Delete, type, ns, name, obj, current.Object, null, this));

            var finalizers = Finalizers(meta);
            var policy = options.Propagation ?? PropagationPolicy.Background;
            if (policy == PropagationPolicy.Orphan && !finalizers.Contains(OrphanFinalizer))
            {
                finalizers.Add(OrphanFinalizer);
            }
            else if (policy == PropagationPolicy.Foreground && !finalizers.Contains(ForegroundFinalizer))
            {
                finalizers.Add(ForegroundFinalizer);
            }

            var graceSeconds = GracePeriod(type, obj, options);
            var markOnly = finalizers.Count > 0 || graceSeconds > 0 || (type.Group.Length == 0 && type.Kind == "Namespace");
            if (!markOnly)
            {
                if (options.DryRun)
                {
                    return (obj, true);
                }

                var result = await _store.DeleteAsync(ObjectKeys.Item(type, ns, name), current.Revision, ct);
                if (result.Status == WriteStatus.Ok)
                {
                    return (result.Object ?? obj, true);
                }

                if (result.Status == WriteStatus.NotFound)
                {
                    throw ApiException.NotFound(type, name);
                }

                continue;
            }

            // Graceful deletion: set (or shorten) the deletion timestamp and keep the object.
            var now = Time.GetUtcNow();
            var existingGrace = meta["deletionGracePeriodSeconds"]?.GetValue<long>();
            if (meta["deletionTimestamp"] is null || (existingGrace is long eg && graceSeconds < eg))
            {
                meta["deletionTimestamp"] = Model.Meta.Obj.Rfc3339(now.AddSeconds(graceSeconds));
                meta["deletionGracePeriodSeconds"] = graceSeconds;
            }

            SetFinalizers(meta, finalizers);
            if (type.Group.Length == 0 && type.Kind == "Namespace")
            {
                var status = obj["status"] as JsonObject ?? [];
                status["phase"] = "Terminating";
                obj["status"] = status;
            }

            if (options.DryRun)
            {
                return (obj, false);
            }

            if (JsonNode.DeepEquals(obj, current.Object))
            {
                return (current.Object, false);
            }

            var update = await _store.UpdateAsync(ObjectKeys.Item(type, ns, name), obj, current.Revision, ct);
            if (update.Status == WriteStatus.Ok)
            {
                return (update.Object!, false);
            }

            if (update.Status == WriteStatus.NotFound)
            {
                throw ApiException.NotFound(type, name);
            }

            if (attempt >= MaxConflictRetries)
            {
                throw ApiException.Conflict(type, name);
            }
        }
    }

    /// <summary>
    /// Removes an object that has finished terminating (a namespace whose content is gone), at
    /// the given revision. Returns false when it changed meanwhile.
    /// </summary>
    internal async Task<bool> RemoveAsync(ResourceType type, string? ns, string name, long revision, CancellationToken ct)
    {
        var result = await _store.DeleteAsync(ObjectKeys.Item(type, ns, name), revision, ct);
        return result.Status is WriteStatus.Ok or WriteStatus.NotFound;
    }

    private static void CheckPreconditions(ResourceType type, string name, JsonObject meta, DeleteOptions options)
    {
        if (options.PreconditionUid is { Length: > 0 } uid && uid != Str(meta, "uid"))
        {
            throw ApiException.Conflict(type, name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {Str(meta, "uid")}");
        }

        if (options.PreconditionResourceVersion is { Length: > 0 } rv && rv != Str(meta, "resourceVersion"))
        {
            throw ApiException.Conflict(type, name, $"Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {Str(meta, "resourceVersion")}");
        }
    }

    /// <summary>
    /// Only pods delete gracefully, and only once bound to a node whose agent can stop them
    /// (pkg/registry/core/pod/strategy.go CheckGracefulDelete); others go at once.
    /// </summary>
    private static long GracePeriod(ResourceType type, JsonObject obj, DeleteOptions options)
    {
        if (type.Group.Length != 0 || type.Kind != "Pod")
        {
            return 0;
        }

        var spec = obj["spec"] as JsonObject;
        if (string.IsNullOrEmpty(spec?["nodeName"]?.GetValue<string>()))
        {
            return 0;
        }

        var phase = obj["status"]?["phase"]?.GetValue<string>();
        if (phase is "Succeeded" or "Failed")
        {
            return 0;
        }

        var grace = options.GracePeriodSeconds ?? spec?["terminationGracePeriodSeconds"]?.GetValue<long>() ?? 30;
        return Math.Max(0, grace);
    }
}
