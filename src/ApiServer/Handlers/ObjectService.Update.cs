using System.Text.Json.Nodes;
using Kura.ApiServer.Admission;
using Kura.ApiServer.Catalog;
using Kura.Model.Errors;
using Kura.Model.Registry;
using Kura.Store;

namespace Kura.ApiServer.Handlers;

public sealed partial class ObjectService
{
    /// <summary>
    /// Replaces an object (PUT), or only its status when <paramref name="subresource"/> is "status".
    /// A resourceVersion in the body is a precondition; without one the update is unconditional.
    /// </summary>
    public async Task<JsonObject> UpdateAsync(ResourceType type, string? ns, string name, JsonObject obj, string? subresource, WriteOptions options, CancellationToken ct = default)
    {
        CheckTypeMeta(type, obj);
        ApplyFieldValidation(type, obj, options);
        var meta = Meta(obj);
        var bodyName = Str(meta, "name");
        if (!string.IsNullOrEmpty(bodyName) && bodyName != name)
        {
            throw ApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        }

        meta["name"] = name;
        ApplyNamespace(type, ns, meta);
        var expected = ParseRevision(Str(meta, "resourceVersion"), type, name);
        for (var attempt = 0; ; attempt++)
        {
            var current = TryGet(type, ns, name) ?? throw ApiException.NotFound(type, name);
            if (expected != 0 && expected != current.Revision)
            {
                throw ApiException.Conflict(type, name);
            }

            var candidate = (JsonObject)obj.DeepClone();
            var outcome = await CommitUpdateAsync(type, ns, name, current, candidate, subresource, options, ct);
            if (outcome is not null)
            {
                return outcome;
            }

            if (expected != 0 || attempt >= MaxConflictRetries)
            {
                throw ApiException.Conflict(type, name);
            }
        }
    }

    /// <summary>
    /// Read-modify-write for the server's own controllers: <paramref name="mutate"/> gets a copy of
    /// the current object and returns the desired one (or null to leave it). Retries on conflict.
    /// </summary>
    public async Task<JsonObject?> GuaranteedUpdateAsync(ResourceType type, string? ns, string name, Func<JsonObject, JsonObject?> mutate, string? subresource = null, CancellationToken ct = default)
    {
        for (var attempt = 0; attempt < MaxConflictRetries * 4; attempt++)
        {
            var current = TryGet(type, ns, name);
            if (current is null)
            {
                return null;
            }

            var desired = mutate((JsonObject)current.Object.DeepClone());
            if (desired is null)
            {
                return current.Object;
            }

            var outcome = await CommitUpdateAsync(type, ns, name, current, desired, subresource, WriteOptions.Internal, ct);
            if (outcome is not null)
            {
                return outcome;
            }
        }

        throw ApiException.Conflict(type, name);
    }

    /// <summary>Removes one finalizer if present (how controllers release an object they guard).</summary>
    public Task<JsonObject?> RemoveFinalizerAsync(ResourceType type, string? ns, string name, string finalizer, CancellationToken ct) =>
        GuaranteedUpdateAsync(type, ns, name, obj =>
        {
            var meta = Meta(obj);
            var finalizers = Finalizers(meta);
            if (!finalizers.Remove(finalizer))
            {
                return null;
            }

            SetFinalizers(meta, finalizers);
            return obj;
        }, ct: ct);

    /// <summary>
    /// Applies update rules to <paramref name="candidate"/> against <paramref name="current"/> and
    /// writes it with compare-and-swap. Returns null when another writer got there first.
    /// </summary>
    internal async Task<JsonObject?> CommitUpdateAsync(ResourceType type, string? ns, string name, StoredObject current, JsonObject candidate, string? subresource, WriteOptions options, CancellationToken ct)
    {
        var old = current.Object;
        var obj = candidate;
        if (subresource == "status")
        {
            // Status writes change only status (and nothing in metadata but what the store stamps).
            var merged = (JsonObject)old.DeepClone();
            merged.Remove("status");
            if (obj["status"] is JsonNode status)
            {
                merged["status"] = status.DeepClone();
            }

            obj = merged;
        }
        else
        {
            CarryImmutableMetadata(Meta(obj), Meta(old));
            type.Strategy.PrepareForUpdate(obj, old);
        }

        type.Strategy.Default(obj);
        var meta = Meta(obj);
        if (TracksGeneration(type) && SpecChanged(obj, old))
        {
            meta["generation"] = (Meta(old)["generation"]?.GetValue<long>() ?? 1) + 1;
        }

        RunAdmission(new AdmissionRequest(AdmissionOperation.Update, type, ns, name, obj, old, subresource, this));
        var errors = type.Strategy.ValidateUpdate(obj, old);
        if (errors.Count > 0)
        {
            throw ApiException.Invalid(type, name, errors);
        }

        var key = ObjectKeys.Item(type, ns, name);
        meta["resourceVersion"] = current.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (subresource is null)
        {
            RecordManager(type, old, obj, options);
        }

        // A no-op update does not create a revision (kube-apiserver skips the write).
        if (JsonNode.DeepEquals(obj, old))
        {
            return old;
        }

        if (options.DryRun)
        {
            return obj;
        }

        // The last finalizer removed from an object being deleted: the object goes away now.
        if (meta["deletionTimestamp"] is not null && Finalizers(meta).Count == 0 && !HasNamespaceFinalizers(type, obj))
        {
            var deleted = await _store.DeleteAsync(key, current.Revision, ct);
            return deleted.Status switch
            {
                WriteStatus.Ok => obj,
                WriteStatus.NotFound => throw ApiException.NotFound(type, name),
                _ => null,
            };
        }

        var result = await _store.UpdateAsync(key, obj, current.Revision, ct);
        return result.Status switch
        {
            WriteStatus.Ok => result.Object,
            WriteStatus.NotFound => throw ApiException.NotFound(type, name),
            _ => null,
        };
    }

    /// <summary>A namespace also waits for its spec.finalizers (the namespace controller's "kubernetes").</summary>
    private static bool HasNamespaceFinalizers(ResourceType type, JsonObject obj) =>
        type.Group.Length == 0 && type.Kind == "Namespace" && obj["spec"]?["finalizers"] is JsonArray { Count: > 0 };

    /// <summary>Fields a client cannot change through update (kube-apiserver rest.BeforeUpdate).</summary>
    private static void CarryImmutableMetadata(JsonObject meta, JsonObject oldMeta)
    {
        foreach (var field in new[] { "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "namespace" })
        {
            meta.Remove(field);
            if (oldMeta[field] is JsonNode value)
            {
                meta[field] = value.DeepClone();
            }
        }

        meta.Remove("generateName");
        if (oldMeta["generateName"] is JsonNode gn)
        {
            meta["generateName"] = gn.DeepClone();
        }
    }

    /// <summary>Anything outside metadata and status changed: generation moves on.</summary>
    private static bool SpecChanged(JsonObject obj, JsonObject old)
    {
        foreach (var (key, value) in obj)
        {
            if (key is "metadata" or "status" or "apiVersion" or "kind")
            {
                continue;
            }

            if (!JsonNode.DeepEquals(value, old[key]))
            {
                return true;
            }
        }

        foreach (var (key, _) in old)
        {
            if (key is not ("metadata" or "status" or "apiVersion" or "kind") && !obj.ContainsKey(key))
            {
                return true;
            }
        }

        return false;
    }
}
