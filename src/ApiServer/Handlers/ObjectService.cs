using System.Text.Json.Nodes;
using Kura.ApiServer.Admission;
using Kura.ApiServer.Catalog;
using Kura.Model.Errors;
using Kura.Model.Registry;
using Kura.Store;

namespace Kura.ApiServer.Handlers;

/// <summary>
/// The generic registry (kube-apiserver's genericregistry.Store): create, update, patch and
/// delete with Kubernetes' metadata rules, strategies, admission, finalizers and graceful
/// deletion, over the durable store. HTTP handlers and the server's own controllers both go
/// through it, so every write obeys the same rules.
/// </summary>
public sealed partial class ObjectService
{
    private const int MaxConflictRetries = 8;
    private readonly IObjectStore _store;
    private readonly IReadOnlyList<IAdmissionPlugin> _admission;

    public ObjectService(IObjectStore store, ResourceCatalog catalog, TimeProvider time, IReadOnlyList<IAdmissionPlugin> admission)
    {
        _store = store;
        Catalog = catalog;
        Time = time;
        _admission = admission;
    }

    public ResourceCatalog Catalog { get; }

    public TimeProvider Time { get; }

    public IObjectStore Store => _store;

    /// <summary>The object, or NotFound.</summary>
    public JsonObject Get(ResourceType type, string? ns, string name) =>
        TryGet(type, ns, name)?.Object ?? throw ApiException.NotFound(type, name);

    public StoredObject? TryGet(ResourceType type, string? ns, string name) => _store.Get(ObjectKeys.Item(type, ns, name));

    /// <summary>All objects of a resource (in one namespace when given), at one revision.</summary>
    public StoreList List(ResourceType type, string? ns) => _store.List(ObjectKeys.Prefix(type, ns));

    /// <summary>Looks up a built-in or custom kind by group and kind (any served version).</summary>
    public ResourceType Type(string group, string kind) =>
        Catalog.Snapshot.Types.FirstOrDefault(t => t.Group == group && t.Kind == kind)
        ?? throw new InvalidOperationException($"kind {kind}.{group} is not served");

    private string Now() => Model.Meta.Obj.Rfc3339(Time.GetUtcNow());

    private void RunAdmission(AdmissionRequest request)
    {
        foreach (var plugin in _admission)
        {
            plugin.Mutate(request);
        }

        foreach (var plugin in _admission)
        {
            plugin.Validate(request);
        }
    }

    /// <summary>
    /// Unknown fields: rejected under Strict, reported under Warn, and pruned in every mode that
    /// lets the write through, so the store never keeps fields the schema does not know.
    /// </summary>
    private void ApplyFieldValidation(ResourceType type, JsonObject obj, WriteOptions options)
    {
        if (type.PreserveUnknownFields || type.SchemaName is null)
        {
            return;
        }

        var schemas = Catalog.Snapshot.Schemas;
        if (schemas.Get(type.SchemaName) is not JsonObject root)
        {
            return;
        }

        var unknown = Model.Schemas.SchemaValidator.FindUnknownFields(obj, root, schemas);
        if (unknown.Count == 0)
        {
            return;
        }

        if (options.FieldValidation == FieldValidation.Strict)
        {
            throw ApiException.BadRequest(Model.Schemas.SchemaValidator.StrictDecodingMessage(type.Kind, type.Version, unknown));
        }

        if (options.FieldValidation == FieldValidation.Warn)
        {
            options.Warnings.AddRange(unknown.Select(path => $"unknown field \"{path}\""));
        }

        Model.Schemas.SchemaValidator.Prune(obj, root, schemas);
    }

    /// <summary>Ordinary writes take ownership of the fields they change (operation "Update").</summary>
    private void RecordManager(ResourceType type, JsonObject? old, JsonObject obj, WriteOptions options)
    {
        if (options.IsApply || string.IsNullOrEmpty(options.FieldManager))
        {
            return;
        }

        var schemas = Catalog.Snapshot.Schemas;
        var root = type.SchemaName is null ? null : schemas.Get(type.SchemaName);
        Model.Patching.ManagedFields.RecordUpdate(old, obj, options.FieldManager, type.ApiVersion, schemas, root, Time.GetUtcNow());
    }

    private static long ParseRevision(string? resourceVersion, ResourceType type, string name)
    {
        if (string.IsNullOrEmpty(resourceVersion))
        {
            return 0;
        }

        if (!long.TryParse(resourceVersion, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var rev) || rev <= 0)
        {
            throw ApiException.BadRequest($"invalid resourceVersion \"{resourceVersion}\" for {type.QualifiedResource} \"{name}\"");
        }

        return rev;
    }

    private static JsonObject Meta(JsonObject obj) => Model.Meta.Obj.Metadata(obj);

    private static string? Str(JsonObject obj, string key) => obj[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static List<string> Finalizers(JsonObject meta) =>
        meta["finalizers"] is JsonArray a ? [.. a.Select(n => n?.GetValue<string>() ?? "")] : [];

    private static void SetFinalizers(JsonObject meta, IReadOnlyList<string> finalizers)
    {
        if (finalizers.Count == 0)
        {
            meta.Remove("finalizers");
        }
        else
        {
            meta["finalizers"] = new JsonArray([.. finalizers.Select(f => (JsonNode)JsonValue.Create(f))]);
        }
    }
}
