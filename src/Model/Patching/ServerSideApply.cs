using System.Text.Json;
using System.Text.Json.Nodes;
using Kura.Model.Schemas;

namespace Kura.Model.Patching;

/// <summary>The result of a server-side apply: the merged object, or the fields in conflict.</summary>
public sealed record ApplyOutcome(JsonObject? Object, IReadOnlyList<string> Conflicts, string ConflictMessage);

/// <summary>
/// Server-side apply (application/apply-patch+yaml), simplified: the applied configuration is
/// merged into the live object with strategic-merge semantics, and fields this manager applied
/// before but no longer names are removed. Ownership is recorded per manager in
/// metadata.managedFields in FieldsV1 form. Conflict detection against other managers is not
/// implemented yet: an apply always wins (as with --force-conflicts).
/// </summary>
public static class ServerSideApply
{
    public static ApplyOutcome Apply(JsonObject? live, JsonObject applied, string fieldManager, bool force, SchemaSet schemas, JsonObject? rootSchema, DateTimeOffset now)
    {
        var appliedFields = FieldSet(applied, schemas, rootSchema, top: true);
        JsonObject result;
        if (live is null)
        {
            result = (JsonObject)applied.DeepClone();
        }
        else
        {
            result = StrategicMergePatch.Apply(live, WithoutManagedFields(applied), schemas, rootSchema);
            var previous = PreviousFields(live, fieldManager);
            if (previous is not null)
            {
                RemoveDropped(result, previous, appliedFields);
            }
        }

        RecordManager(result, live, fieldManager, "Apply", applied["apiVersion"]?.GetValue<string>() ?? "", appliedFields, now);
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

    private static JsonObject? PreviousFields(JsonObject live, string manager) =>
        (live["metadata"]?["managedFields"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(e => e["manager"]?.GetValue<string>() == manager && e["operation"]?.GetValue<string>() == "Apply")?["fieldsV1"] as JsonObject;

    /// <summary>Removes what the previous set owned and the new set no longer names.</summary>
    private static void RemoveDropped(JsonNode? target, JsonObject previous, JsonObject? current)
    {
        foreach (var (key, sub) in previous)
        {
            if (key == ".")
            {
                continue;
            }

            var stillOwned = current?[key] as JsonObject;
            if (key.StartsWith("f:", StringComparison.Ordinal) && target is JsonObject obj)
            {
                var name = key[2..];
                if (stillOwned is null && current?.ContainsKey(key) != true)
                {
                    obj.Remove(name);
                }
                else if (sub is JsonObject { Count: > 0 } subSet)
                {
                    RemoveDropped(obj[name], subSet, stillOwned);
                }
            }
            else if (key.StartsWith("k:", StringComparison.Ordinal) && target is JsonArray list)
            {
                var keyObj = JsonNode.Parse(key[2..]) as JsonObject;
                var index = -1;
                for (var i = 0; i < list.Count && keyObj is not null; i++)
                {
                    if (keyObj.All(kv => JsonNode.DeepEquals(list[i]?[kv.Key], kv.Value)))
                    {
                        index = i;
                        break;
                    }
                }

                if (index < 0)
                {
                    continue;
                }

                if (current?.ContainsKey(key) != true)
                {
                    list.RemoveAt(index);
                }
                else if (sub is JsonObject subSet)
                {
                    RemoveDropped(list[index], subSet, stillOwned);
                }
            }
        }
    }

    /// <summary>Replaces this manager's entry in metadata.managedFields.</summary>
    public static void RecordManager(JsonObject result, JsonObject? live, string manager, string operation, string apiVersion, JsonObject fields, DateTimeOffset now)
    {
        var meta = result["metadata"] as JsonObject ?? [];
        result["metadata"] = meta;
        var entries = (live?["metadata"]?["managedFields"] as JsonArray)?.OfType<JsonObject>()
            .Where(e => !(e["manager"]?.GetValue<string>() == manager && e["operation"]?.GetValue<string>() == operation))
            .Select(e => (JsonNode)e.DeepClone()).ToList() ?? [];
        entries.Add(new JsonObject
        {
            ["manager"] = manager,
            ["operation"] = operation,
            ["apiVersion"] = apiVersion,
            ["time"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["fieldsType"] = "FieldsV1",
            ["fieldsV1"] = fields,
        });
        meta["managedFields"] = new JsonArray([.. entries]);
    }
}
