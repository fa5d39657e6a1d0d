using System.Text.Json.Nodes;
using Kura.Model.Errors;
using Kura.Model.Patching;
using Kura.Model.Registry;

namespace Kura.ApiServer.Handlers;

/// <summary>The PATCH content types kube-apiserver accepts.</summary>
public enum PatchType
{
    Json,
    Merge,
    StrategicMerge,
    Apply,
}

public sealed partial class ObjectService
{
    /// <summary>
    /// Applies a patch to the current object and updates it, retrying on conflicts as
    /// kube-apiserver does (a patch without a resourceVersion never fails with 409 because of
    /// a concurrent writer). Server-side apply creates the object when it does not exist.
    /// </summary>
    public async Task<(JsonObject Object, bool Created)> PatchAsync(ResourceType type, string? ns, string name, PatchType patchType, JsonNode patch, string? subresource, WriteOptions options, CancellationToken ct = default)
    {
        if (patchType == PatchType.Apply)
        {
            options = options with { IsApply = true };
        }

        if (patchType == PatchType.StrategicMerge && type.IsCustom)
        {
            throw new ApiException(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
        }

        for (var attempt = 0; ; attempt++)
        {
            var current = TryGet(type, ns, name);
            if (current is null)
            {
                if (patchType != PatchType.Apply || subresource is not null)
                {
                    throw ApiException.NotFound(type, name);
                }

                var applied = ApplyPatch(type, null, patchType, patch, options);
                var meta = Meta(applied);
                if (Str(meta, "name") is { } n && n != name)
                {
                    throw ApiException.BadRequest($"the name of the object ({n}) does not match the name on the URL ({name})");
                }

                meta["name"] = name;
                return (await CreateAsync(type, ns, applied, options, ct), true);
            }

            var patched = ApplyPatch(type, current.Object, patchType, patch, options);
            var requestedRv = Str(Meta(patched), "resourceVersion");
            var currentRv = Str(Meta(current.Object), "resourceVersion");
            if (!string.IsNullOrEmpty(requestedRv) && requestedRv != currentRv)
            {
                throw ApiException.Conflict(type, name);
            }

            CheckTypeMeta(type, patched);
            ApplyFieldValidation(type, patched, options);
            var patchedMeta = Meta(patched);
            if (Str(patchedMeta, "name") != name)
            {
                throw ApiException.BadRequest($"metadata.name: Invalid value: \"{Str(patchedMeta, "name")}\": field is immutable");
            }

            var outcome = await CommitUpdateAsync(type, ns, name, current, patched, subresource, options, ct);
            if (outcome is not null)
            {
                return (outcome, false);
            }

            if (attempt >= MaxConflictRetries)
            {
                throw ApiException.Conflict(type, name);
            }
        }
    }

    private JsonObject ApplyPatch(ResourceType type, JsonObject? current, PatchType patchType, JsonNode patch, WriteOptions options)
    {
        var schemas = Catalog.Snapshot.Schemas;
        var rootSchema = type.SchemaName is null ? null : schemas.Get(type.SchemaName);
        try
        {
            JsonNode? result = patchType switch
            {
                PatchType.Json => JsonPatch.Apply(current?.DeepClone() ?? new JsonObject(), patch),
                PatchType.Merge => MergePatch.Apply(current?.DeepClone(), patch),
                PatchType.StrategicMerge => StrategicMergePatch.Apply((JsonObject)current!.DeepClone(), AsObject(patch), schemas, rootSchema),
                PatchType.Apply => ServerSideApplyResult(type, current, AsObject(patch), options),
                _ => throw ApiException.BadRequest("unknown patch type"),
            };
            return result as JsonObject ?? throw ApiException.BadRequest("the patch did not produce an object");
        }
        catch (PatchException e)
        {
            throw new ApiException(422, "Invalid", e.Message);
        }
    }

    private JsonObject ServerSideApplyResult(ResourceType type, JsonObject? current, JsonObject applied, WriteOptions options)
    {
        if (string.IsNullOrEmpty(options.FieldManager))
        {
            throw ApiException.BadRequest("PATCH, application/apply-patch+yaml requests must have a fieldManager");
        }

        var schemas = Catalog.Snapshot.Schemas;
        var rootSchema = type.SchemaName is null ? null : schemas.Get(type.SchemaName);
        var outcome = ServerSideApply.Apply(current?.DeepClone() as JsonObject, applied, options.FieldManager, options.Force, schemas, rootSchema, Time.GetUtcNow());
        if (outcome.Conflicts.Count > 0)
        {
            throw new ApiException(409, "Conflict", outcome.ConflictMessage);
        }

        return outcome.Object!;
    }

    private static JsonObject AsObject(JsonNode patch) =>
        patch as JsonObject ?? throw ApiException.BadRequest("the patch must be a JSON object");
}
