using System.Text.Json;
using System.Text.Json.Nodes;
using Kura.Model.Schemas;

namespace Kura.Model.Patching;

/// <summary>The result of a server-side apply: the merged object, or the fields in conflict.</summary>
public sealed record ApplyOutcome(JsonObject? Object, IReadOnlyList<string> Conflicts, string ConflictMessage);

/// <summary>
/// Server-side apply (application/apply-patch+yaml): the applied configuration is merged into the
/// live object with strategic-merge semantics; fields other managers own with different values
/// are conflicts (409) unless forced; fields this manager applied before but no longer names,
/// and nobody else owns, are removed. Ownership lives in metadata.managedFields (FieldsV1).
/// </summary>
public static class ServerSideApply
{
    private const string LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";
    private const string ClientSideApplyManager = "kubectl-client-side-apply";

    public static ApplyOutcome Apply(JsonObject? live, JsonObject applied, string fieldManager, bool force, SchemaSet schemas, JsonObject? rootSchema, DateTimeOffset now)
    {
        var appliedLeaves = ManagedFields.Leaves(FieldSet(applied, schemas, rootSchema, top: true));
        var apiVersion = applied["apiVersion"]?.GetValue<string>() ?? "";
        if (live is not null && !force)
        {
            var conflicts = ManagedFields.Conflicts(live, applied, appliedLeaves, fieldManager);

            // kube-apiserver's lastAppliedManager: moving from client-side to server-side apply does
            // not conflict with what client-side apply owned from its last-applied configuration.
            if (live["metadata"]?["annotations"]?[LastAppliedAnnotation] is not null)
            {
                conflicts.RemoveAll(c => c.Manager == ClientSideApplyManager);
                force = conflicts.Count == 0;
            }

            if (conflicts.Count > 0)
            {
                return new ApplyOutcome(null, [.. conflicts.Select(c => c.Path)], ManagedFields.ConflictMessage(conflicts));
            }
        }

        var result = live is null ? (JsonObject)applied.DeepClone() : StrategicMergePatch.Apply(live, WithoutManagedFields(applied), schemas, rootSchema);
        var released = ManagedFields.RecordApply(live, result, appliedLeaves, fieldManager, apiVersion, force, now);
        ManagedFields.Remove(result, released);
        return new ApplyOutcome(result, [], "");
    }

    private static JsonObject WithoutManagedFields(JsonObject applied)
    {
        var copy = (JsonObject)applied.DeepClone();
        (copy["metadata"] as JsonObject)?.Remove("managedFields");
        return copy;
    }

    /// <summary>The FieldsV1 set of a configuration: "f:name" for fields, "k:{key}" for merge-keyed list items.</summary>
    public static JsonObject FieldSet(JsonNode? node, SchemaSet schemas, JsonObject? schema, bool top = false)
    {
        var set = new JsonObject();
        if (node is not JsonObject obj)
        {
            return set;
        }

        foreach (var (key, value) in obj)
        {
            if (top && key is "apiVersion" or "kind")
            {
                continue;
            }

            if (top && key == "metadata" && value is JsonObject meta)
            {
                var metaSet = new JsonObject();
                foreach (var part in new[] { "labels", "annotations" })
                {
                    if (meta[part] is JsonObject map)
                    {
                        metaSet["f:" + part] = new JsonObject([.. map.Select(kv => KeyValuePair.Create<string, JsonNode?>("f:" + kv.Key, new JsonObject()))]);
                    }
                }

                if (metaSet.Count > 0)
                {
                    set["f:metadata"] = metaSet;
                }

                continue;
            }

            var propSchema = schemas.Property(schema, key) ?? schemas.AdditionalProperties(schema);
            var mergeKey = propSchema?["x-kubernetes-patch-merge-key"]?.GetValue<string>();
            switch (value)
            {
                case JsonObject child:
                    set["f:" + key] = FieldSet(child, schemas, propSchema);
                    break;
                case JsonArray list when mergeKey is not null:
                    var items = new JsonObject();
                    foreach (var item in list.OfType<JsonObject>())
                    {
                        var keyJson = new JsonObject { [mergeKey] = item[mergeKey]?.DeepClone() }.ToJsonString();
                        var itemSet = FieldSet(item, schemas, schemas.Items(propSchema));
                        itemSet["."] = new JsonObject();
                        items["k:" + keyJson] = itemSet;
                    }

                    set["f:" + key] = items;
                    break;
                default:
                    set["f:" + key] = new JsonObject();
                    break;
            }
        }

        return set;
    }
}
