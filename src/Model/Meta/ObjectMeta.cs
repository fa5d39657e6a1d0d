using System.Text.Json.Nodes;

namespace Kura.Model.Meta;

/// <summary>
/// metav1.ObjectMeta as a typed value, read from and written to the "metadata" JSON object. Fields
/// this type does not model (managedFields, selfLink) are carried through unchanged.
/// </summary>
public sealed class ObjectMeta
{
    private static readonly HashSet<string> Modelled =
    [
        "name", "generateName", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp",
        "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers",
    ];

    public string Name { get; set; } = "";

    public string GenerateName { get; set; } = "";

    /// <summary>"" for cluster-scoped objects.</summary>
    public string Namespace { get; set; } = "";

    public string Uid { get; set; } = "";

    public string ResourceVersion { get; set; } = "";

    public long Generation { get; set; }

    public DateTimeOffset? CreationTimestamp { get; set; }

    public DateTimeOffset? DeletionTimestamp { get; set; }

    public long? DeletionGracePeriodSeconds { get; set; }

    public Dictionary<string, string> Labels { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Annotations { get; set; } = new(StringComparer.Ordinal);

    public List<string> Finalizers { get; set; } = [];

    public List<OwnerReference> OwnerReferences { get; set; } = [];

    /// <summary>Members not modelled above, kept verbatim (e.g. managedFields).</summary>
    public JsonObject Other { get; set; } = [];

    /// <summary>The owner reference marked controller, if any (metav1.GetControllerOf).</summary>
    public OwnerReference? ControllerRef => OwnerReferences.FirstOrDefault(o => o.IsController);

    public bool IsBeingDeleted => DeletionTimestamp is not null;

    /// <summary>Reads a metadata object; null or missing fields give defaults.</summary>
    public static ObjectMeta FromJson(JsonObject? metadata)
    {
        var meta = new ObjectMeta();
        if (metadata is null)
        {
            return meta;
        }

        meta.Name = Obj.GetString(metadata, "name") ?? "";
        meta.GenerateName = Obj.GetString(metadata, "generateName") ?? "";
        meta.Namespace = Obj.GetString(metadata, "namespace") ?? "";
        meta.Uid = Obj.GetString(metadata, "uid") ?? "";
        meta.ResourceVersion = Obj.GetString(metadata, "resourceVersion") ?? "";
        meta.Generation = Obj.GetInt64(metadata, "generation") ?? 0;
        meta.CreationTimestamp = Obj.ParseTime(Obj.GetString(metadata, "creationTimestamp"));
        meta.DeletionTimestamp = Obj.ParseTime(Obj.GetString(metadata, "deletionTimestamp"));
        meta.DeletionGracePeriodSeconds = Obj.GetInt64(metadata, "deletionGracePeriodSeconds");
        meta.Labels = Obj.StringMap(metadata["labels"]);
        meta.Annotations = Obj.StringMap(metadata["annotations"]);
        meta.Finalizers = Obj.GetArray(metadata, "finalizers")?.Select(Obj.AsString).ToList() ?? [];
        meta.OwnerReferences = Obj.GetArray(metadata, "ownerReferences")?.OfType<JsonObject>().Select(OwnerReference.FromJson).ToList() ?? [];
        foreach (var (k, v) in metadata)
        {
            if (!Modelled.Contains(k))
            {
                meta.Other[k] = v?.DeepClone();
            }
        }

        return meta;
    }

    /// <summary>
    /// The metadata object in Kubernetes' field order, empty fields omitted; an unset creationTimestamp
    /// is written as null, as Go serializes a zero metav1.Time.
    /// </summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject();
        SetIfNotEmpty(json, "name", Name);
        SetIfNotEmpty(json, "generateName", GenerateName);
        SetIfNotEmpty(json, "namespace", Namespace);
        if (Other["selfLink"] is { } selfLink)
        {
            json["selfLink"] = selfLink.DeepClone();
        }

        SetIfNotEmpty(json, "uid", Uid);
        SetIfNotEmpty(json, "resourceVersion", ResourceVersion);
        if (Generation != 0)
        {
            json["generation"] = Generation;
        }

        json["creationTimestamp"] = CreationTimestamp is { } created ? Obj.Rfc3339(created) : null;
        if (DeletionTimestamp is { } deleted)
        {
            json["deletionTimestamp"] = Obj.Rfc3339(deleted);
        }

        if (DeletionGracePeriodSeconds is { } grace)
        {
            json["deletionGracePeriodSeconds"] = grace;
        }

        if (Labels.Count > 0)
        {
            json["labels"] = Map(Labels);
        }

        if (Annotations.Count > 0)
        {
            json["annotations"] = Map(Annotations);
        }

        if (OwnerReferences.Count > 0)
        {
            json["ownerReferences"] = new JsonArray([.. OwnerReferences.Select(o => (JsonNode)o.ToJson())]);
        }

        if (Finalizers.Count > 0)
        {
            json["finalizers"] = new JsonArray([.. Finalizers.Select(f => (JsonNode)JsonValue.Create(f))]);
        }

        foreach (var (k, v) in Other)
        {
            if (k != "selfLink")
            {
                json[k] = v?.DeepClone();
            }
        }

        return json;
    }

    private static void SetIfNotEmpty(JsonObject json, string key, string value)
    {
        if (value.Length > 0)
        {
            json[key] = value;
        }
    }

    private static JsonObject Map(Dictionary<string, string> map)
    {
        var json = new JsonObject();
        // Go's encoding/json writes map keys sorted.
        foreach (var (k, v) in map.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            json[k] = v;
        }

        return json;
    }
}
