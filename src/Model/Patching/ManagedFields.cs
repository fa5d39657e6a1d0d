using System.Text.Json.Nodes;
using Kura.Model.Schemas;

namespace Kura.Model.Patching;

/// <summary>A field another manager owns with a different value than an apply wants.</summary>
public sealed record FieldConflict(string Manager, string ApiVersion, string Path);

/// <summary>
/// metadata.managedFields bookkeeping (structured-merge-diff's field ownership, simplified):
/// FieldsV1 trees are handled as sets of leaf paths. Ordinary writes ("Update") take ownership of
/// the fields they change; an apply owns what it names, conflicts with other owners of fields it
/// changes, and releases what it stops naming.
/// </summary>
public static class ManagedFields
{
    private const char Sep = '\u0000';

    /// <summary>Records an Update by <paramref name="manager"/> that turned <paramref name="old"/> into <paramref name="updated"/>.</summary>
    public static void RecordUpdate(JsonObject? old, JsonObject updated, string manager, string apiVersion, SchemaSet schemas, JsonObject? rootSchema, DateTimeOffset now)
    {
        var present = Leaves(ServerSideApply.FieldSet(updated, schemas, rootSchema, top: true));
        var changed = present.Where(p => old is null || !JsonNode.DeepEquals(ValueAt(old, p), ValueAt(updated, p))).ToHashSet(StringComparer.Ordinal);
        // A client that writes managedFields itself (e.g. kubectl migrating client-side apply
        // ownership to server-side apply) gets what it wrote as the starting point.
        var explicitEdit = old is not null && !JsonNode.DeepEquals(old["metadata"]?["managedFields"], updated["metadata"]?["managedFields"]);
        var entries = Entries(explicitEdit ? updated : old ?? updated);
        var own = entries.FirstOrDefault(e => e.Manager == manager && e.Operation == "Update");
        if (changed.Count == 0 && (own is null || own.Fields.All(present.Contains)))
        {
            // Nothing new is owned: leave managedFields (and its timestamps) as they are.
            if (!explicitEdit && old?["metadata"]?["managedFields"] is JsonNode kept)
            {
                Meta(updated)["managedFields"] = kept.DeepClone();
            }

            return;
        }

        foreach (var e in entries)
        {
            e.Fields.RemoveWhere(p => !present.Contains(p) || (changed.Contains(p) && e != own));
        }

        if (own is null)
        {
            own = new Entry(manager, "Update", apiVersion, now, []);
            entries.Add(own);
        }

        own.Fields.UnionWith(changed);
        own.Time = changed.Count > 0 ? now : own.Time;
        Write(updated, entries);
    }

    /// <summary>Fields the apply would change that other managers own.</summary>
    public static List<FieldConflict> Conflicts(JsonObject live, JsonObject applied, HashSet<string> appliedLeaves, string manager)
    {
        var conflicts = new List<FieldConflict>();
        foreach (var e in Entries(live).Where(e => !(e.Manager == manager && e.Operation == "Apply")))
        {
            foreach (var p in e.Fields.Where(appliedLeaves.Contains).Order(StringComparer.Ordinal))
            {
                var liveValue = ValueAt(live, p);
                if (liveValue is not null && !JsonNode.DeepEquals(liveValue, ValueAt(applied, p)))
                {
                    conflicts.Add(new FieldConflict(e.Manager, e.ApiVersion, Render(p)));
                }
            }
        }

        return conflicts;
    }

    /// <summary>Kubernetes' 409 text for apply conflicts.</summary>
    public static string ConflictMessage(IReadOnlyList<FieldConflict> conflicts)
    {
        var head = $"Apply failed with {conflicts.Count} conflict{(conflicts.Count == 1 ? "" : "s")}: ";
        if (conflicts.Count == 1)
        {
            var c = conflicts[0];
            return head + $"conflict with \"{c.Manager}\" using {c.ApiVersion}: {c.Path}";
        }

        var byManager = conflicts.GroupBy(c => (c.Manager, c.ApiVersion)).ToList();
        var body = "conflicts with" + (byManager.Count == 1 ? "" : ":\n");
        foreach (var g in byManager)
        {
            body += (byManager.Count == 1 ? " " : "") + $"\"{g.Key.Manager}\" using {g.Key.ApiVersion}:\n" + string.Concat(g.Select(c => $"- {c.Path}\n"));
        }

        return head + body;
    }

    /// <summary>After an apply: this manager's Apply entry becomes <paramref name="appliedLeaves"/>; forced fields leave other owners.</summary>
    public static HashSet<string> RecordApply(JsonObject? live, JsonObject result, HashSet<string> appliedLeaves, string manager, string apiVersion, bool forced, DateTimeOffset now)
    {
        var entries = live is null ? [] : Entries(live);
        var own = entries.FirstOrDefault(e => e.Manager == manager && e.Operation == "Apply");
        var previous = own?.Fields.ToHashSet(StringComparer.Ordinal) ?? [];
        foreach (var e in entries.Where(e => e != own))
        {
            if (forced)
            {
                e.Fields.ExceptWith(appliedLeaves.Where(p => !JsonNode.DeepEquals(ValueAt(live!, p), ValueAt(result, p))));
            }
        }

        if (own is null)
        {
            own = new Entry(manager, "Apply", apiVersion, now, []);
            entries.Add(own);
        }

        own.Fields.Clear();
        own.Fields.UnionWith(appliedLeaves);
        own.Time = now;
        own.ApiVersion = apiVersion;
        Write(result, entries);

        // What this manager applied before, no longer names, and nobody else owns: to be removed.
        var ownedByOthers = entries.Where(e => e != own).SelectMany(e => e.Fields).ToHashSet(StringComparer.Ordinal);
        return previous.Where(p => !appliedLeaves.Contains(p) && !ownedByOthers.Contains(p)).ToHashSet(StringComparer.Ordinal);
    }

    public static HashSet<string> Leaves(JsonObject fieldsV1)
    {
        var leaves = new HashSet<string>(StringComparer.Ordinal);
        Collect(fieldsV1, "", leaves);
        return leaves;
    }

    private static void Collect(JsonObject node, string prefix, HashSet<string> leaves)
    {
        foreach (var (key, child) in node)
        {
            var path = prefix.Length == 0 ? key : prefix + Sep + key;
            if (child is JsonObject { Count: > 0 } sub)
            {
                Collect(sub, path, leaves);
            }
            else
            {
                leaves.Add(path);
            }
        }
    }

    /// <summary>Removes the fields at the given leaf paths from an object (the fields an apply released).</summary>
    public static void Remove(JsonObject obj, IEnumerable<string> leaves)
    {
        foreach (var leaf in leaves.OrderByDescending(l => l.Length))
        {
            var segments = leaf.Split(Sep);
            if (segments[^1] == ".")
            {
                segments = segments[..^1];
            }

            var parent = Navigate(obj, segments[..^1]);
            var last = segments[^1];
            if (last.StartsWith("f:", StringComparison.Ordinal) && parent is JsonObject o)
            {
                o.Remove(last[2..]);
            }
            else if (last.StartsWith("k:", StringComparison.Ordinal) && parent is JsonArray a && JsonNode.Parse(last[2..]) is JsonObject key)
            {
                var index = a.ToList().FindIndex(i => key.All(kv => JsonNode.DeepEquals(i?[kv.Key], kv.Value)));
                if (index >= 0)
                {
                    a.RemoveAt(index);
                }
            }
        }
    }

    private static JsonNode? ValueAt(JsonObject obj, string leaf)
    {
        var segments = leaf.Split(Sep);
        return segments[^1] == "." ? Navigate(obj, segments[..^1]) is null ? null : JsonValue.Create(true) : Navigate(obj, segments);
    }

    private static JsonNode? Navigate(JsonNode? node, IEnumerable<string> segments)
    {
        foreach (var s in segments)
        {
            if (s.StartsWith("f:", StringComparison.Ordinal))
            {
                node = (node as JsonObject)?[s[2..]];
            }
            else if (s.StartsWith("k:", StringComparison.Ordinal) && node is JsonArray a && JsonNode.Parse(s[2..]) is JsonObject key)
            {
                node = a.FirstOrDefault(i => key.All(kv => JsonNode.DeepEquals(i?[kv.Key], kv.Value)));
            }
            else
            {
                return null;
            }
        }

        return node;
    }

    private static string Render(string leaf) => string.Concat(leaf.Split(Sep).Where(s => s != ".").Select(s =>
        s.StartsWith("f:", StringComparison.Ordinal) ? "." + s[2..]
        : s.StartsWith("k:", StringComparison.Ordinal) && JsonNode.Parse(s[2..]) is JsonObject k ? "[" + string.Join(",", k.Select(kv => $"{kv.Key}={kv.Value?.ToJsonString()}")) + "]"
        : s));

    private sealed class Entry(string manager, string operation, string apiVersion, DateTimeOffset? time, HashSet<string> fields)
    {
        public string Manager { get; } = manager;

        public string Operation { get; } = operation;

        public string ApiVersion { get; set; } = apiVersion;

        public DateTimeOffset? Time { get; set; } = time;

        public HashSet<string> Fields { get; } = fields;
    }

    private static List<Entry> Entries(JsonObject obj) =>
        (obj["metadata"]?["managedFields"] as JsonArray)?.OfType<JsonObject>().Select(e => new Entry(
            e["manager"]?.GetValue<string>() ?? "",
            e["operation"]?.GetValue<string>() ?? "",
            e["apiVersion"]?.GetValue<string>() ?? "",
            Model.Meta.Obj.ParseTime(e["time"]?.GetValue<string>()),
            e["fieldsV1"] is JsonObject f ? Leaves(f) : [])).ToList() ?? [];

    private static void Write(JsonObject obj, List<Entry> entries)
    {
        var list = new JsonArray();
        foreach (var e in entries.Where(e => e.Fields.Count > 0))
        {
            list.Add(new JsonObject
            {
                ["manager"] = e.Manager,
                ["operation"] = e.Operation,
                ["apiVersion"] = e.ApiVersion,
                ["time"] = e.Time is { } t ? Model.Meta.Obj.Rfc3339(t) : null,
                ["fieldsType"] = "FieldsV1",
                ["fieldsV1"] = Tree(e.Fields),
            });
        }

        if (list.Count == 0)
        {
            Meta(obj).Remove("managedFields");
        }
        else
        {
            Meta(obj)["managedFields"] = list;
        }
    }

    private static JsonObject Tree(IEnumerable<string> leaves)
    {
        var root = new JsonObject();
        foreach (var leaf in leaves.Order(StringComparer.Ordinal))
        {
            var node = root;
            foreach (var s in leaf.Split(Sep))
            {
                if (node[s] is not JsonObject child)
                {
                    child = [];
                    node[s] = child;
                }

                node = child;
            }
        }

        return root;
    }

    private static JsonObject Meta(JsonObject obj) => Model.Meta.Obj.Metadata(obj);
}
