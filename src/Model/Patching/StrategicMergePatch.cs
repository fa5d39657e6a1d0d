using System.Text.Json.Nodes;
using Kura.Model.Schemas;

namespace Kura.Model.Patching;

/// <summary>
/// Strategic merge patch (k8s.io/apimachinery/pkg/util/strategicpatch) for built-in kinds: maps
/// merge, null deletes, lists whose schema says x-kubernetes-patch-strategy "merge" are merged by
/// their x-kubernetes-patch-merge-key (or unioned, for primitive lists), other lists are replaced.
/// Directives: $patch (replace|merge|delete), $setElementOrder/&lt;list&gt;,
/// $deleteFromPrimitiveList/&lt;list&gt;, $retainKeys.
/// </summary>
public static class StrategicMergePatch
{
    private const string SetElementOrder = "$setElementOrder/";
    private const string DeleteFromPrimitiveList = "$deleteFromPrimitiveList/";

    public static JsonObject Apply(JsonObject original, JsonObject patch, SchemaSet schemas, JsonObject? rootSchema) =>
        MergeObject((JsonObject)original.DeepClone(), patch, schemas, rootSchema) ?? [];

    /// <summary>Merges <paramref name="patch"/> into <paramref name="target"/>; null when a $patch: delete removes it.</summary>
    private static JsonObject? MergeObject(JsonObject target, JsonObject patch, SchemaSet schemas, JsonObject? schema)
    {
        switch (patch["$patch"]?.GetValue<string>())
        {
            case "delete":
                return null;
            case "replace":
                return (JsonObject)StripDirectives(patch);
        }

        foreach (var (key, value) in patch)
        {
            if (key.StartsWith('$'))
            {
                continue;
            }

            var propSchema = schemas.Property(schema, key);
            if (value is null)
            {
                target.Remove(key);
                continue;
            }

            switch (value)
            {
                case JsonObject po:
                    if (target[key] is JsonObject existing)
                    {
                        var merged = MergeObject(existing, po, schemas, propSchema ?? schemas.AdditionalProperties(schema));
                        if (merged is null)
                        {
                            target.Remove(key);
                        }
                        else if (!ReferenceEquals(merged, existing))
                        {
                            target[key] = merged;
                        }
                    }
                    else if (po["$patch"]?.GetValue<string>() != "delete")
                    {
                        target[key] = StripDirectives(po);
                    }

                    break;
                case JsonArray pa:
                    var order = patch[SetElementOrder + key] as JsonArray;
                    target[key] = MergeList(target[key] as JsonArray, pa, order, schemas, propSchema);
                    break;
                default:
                    target[key] = value.DeepClone();
                    break;
            }
        }

        // Lists named only in directives ($setElementOrder without a patch body, deletions).
        foreach (var (key, value) in patch)
        {
            if (key.StartsWith(DeleteFromPrimitiveList, StringComparison.Ordinal) && value is JsonArray remove)
            {
                var listKey = key[DeleteFromPrimitiveList.Length..];
                if (target[listKey] is JsonArray list)
                {
                    target[listKey] = new JsonArray([.. list.Where(i => !remove.Any(r => JsonNode.DeepEquals(r, i))).Select(i => i?.DeepClone())]);
                }
            }
            else if (key.StartsWith(SetElementOrder, StringComparison.Ordinal) && value is JsonArray order)
            {
                var listKey = key[SetElementOrder.Length..];
                if (!patch.ContainsKey(listKey) && target[listKey] is JsonArray list)
                {
                    target[listKey] = Reorder(list, order, MergeKey(schemas, schemas.Property(schema, listKey)));
                }
            }
        }

        if (patch["$retainKeys"] is JsonArray retain)
        {
            var keep = retain.Select(r => r?.GetValue<string>()).ToHashSet();
            foreach (var key in target.Select(kv => kv.Key).ToList())
            {
                if (!keep.Contains(key))
                {
                    target.Remove(key);
                }
            }
        }

        return target;
    }

    private static JsonArray MergeList(JsonArray? target, JsonArray patch, JsonArray? order, SchemaSet schemas, JsonObject? listSchema)
    {
        var strategy = schemas.Resolve(listSchema)?["x-kubernetes-patch-strategy"]?.GetValue<string>() ?? listSchema?["x-kubernetes-patch-strategy"]?.GetValue<string>() ?? "";
        var mergeKey = MergeKey(schemas, listSchema);
        var itemSchema = schemas.Items(listSchema);
        if (!strategy.Split(',').Contains("merge") || target is null)
        {
            // Replace: a list without merge semantics, or nothing to merge into.
            var replaced = new JsonArray([.. patch.Where(i => i is not JsonObject o || o["$patch"]?.GetValue<string>() != "delete").Select(i => i is JsonObject o ? StripDirectives(o) : i?.DeepClone())]);
            return order is null ? replaced : Reorder(replaced, order, mergeKey);
        }

        var result = new JsonArray([.. target.Select(i => i?.DeepClone())]);
        if (mergeKey is null)
        {
            // Primitive list with strategy merge: union, keeping the original order first.
            foreach (var item in patch)
            {
                if (!result.Any(r => JsonNode.DeepEquals(r, item)))
                {
                    result.Add(item?.DeepClone());
                }
            }

            return order is null ? result : Reorder(result, order, null);
        }

        foreach (var item in patch.OfType<JsonObject>())
        {
            var key = item[mergeKey];
            var index = IndexOf(result, mergeKey, key);
            if (item["$patch"]?.GetValue<string>() == "delete")
            {
                if (index >= 0)
                {
                    result.RemoveAt(index);
                }

                continue;
            }

            if (index >= 0 && result[index] is JsonObject existing)
            {
                var merged = MergeObject(existing, item, schemas, itemSchema);
                if (merged is null)
                {
                    result.RemoveAt(index);
                }
                else if (!ReferenceEquals(merged, existing))
                {
                    result[index] = merged;
                }
            }
            else
            {
                result.Add(StripDirectives(item));
            }
        }

        return order is null ? result : Reorder(result, order, mergeKey);
    }

    /// <summary>Orders a list as $setElementOrder says; items it does not name keep their place after.</summary>
    private static JsonArray Reorder(JsonArray list, JsonArray order, string? mergeKey)
    {
        JsonNode? KeyOf(JsonNode? n) => mergeKey is null ? n : n?[mergeKey];
        var items = list.Select(i => i?.DeepClone()).ToList();
        var ordered = new List<JsonNode?>();
        foreach (var o in order)
        {
            var want = KeyOf(o);
            var idx = items.FindIndex(i => JsonNode.DeepEquals(KeyOf(i), want));
            if (idx >= 0)
            {
                ordered.Add(items[idx]);
                items.RemoveAt(idx);
            }
        }

        ordered.AddRange(items);
        return new JsonArray([.. ordered]);
    }

    private static string? MergeKey(SchemaSet schemas, JsonObject? listSchema) =>
        listSchema?["x-kubernetes-patch-merge-key"]?.GetValue<string>() ?? schemas.Resolve(listSchema)?["x-kubernetes-patch-merge-key"]?.GetValue<string>();

    private static int IndexOf(JsonArray list, string mergeKey, JsonNode? key)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (JsonNode.DeepEquals(list[i]?[mergeKey], key))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>A patch fragment inserted as a value: directives removed at every level.</summary>
    private static JsonNode StripDirectives(JsonNode node) => node switch
    {
        JsonObject o => new JsonObject([.. o.Where(kv => !kv.Key.StartsWith('$')).Select(kv => KeyValuePair.Create(kv.Key, kv.Value is null ? null : StripDirectives(kv.Value)))]),
        JsonArray a => new JsonArray([.. a.Select(i => i is null ? null : StripDirectives(i))]),
        _ => node.DeepClone(),
    };
}
