using System.Collections.Frozen;
using System.Text.Json.Nodes;
using Kura.Model.Registry;
using Kura.Model.Schemas;

namespace Kura.ApiServer.Catalog;

/// <summary>
/// The resources currently served: the built-in kinds plus every established custom resource.
/// Readers take an immutable <see cref="Snapshot"/>; CRD changes swap in a new one, so a request
/// never sees a half-registered kind.
/// </summary>
public sealed class ResourceCatalog
{
    private readonly IReadOnlyList<ResourceType> _builtIn;
    private readonly SchemaSet _builtInSchemas;
    private readonly Lock _gate = new();
    private Dictionary<string, CustomEntry> _custom = new(StringComparer.Ordinal);
    private volatile CatalogSnapshot _snapshot;

    public ResourceCatalog(IReadOnlyList<ResourceType> builtIn, SchemaSet builtInSchemas)
    {
        _builtIn = builtIn;
        _builtInSchemas = builtInSchemas;
        _snapshot = Build();
    }

    public CatalogSnapshot Snapshot => _snapshot;

    /// <summary>Raised after the served set changed (discovery and OpenAPI caches listen).</summary>
    public event Action? Changed;

    /// <summary>Registers or replaces the served versions of one CRD (keyed by CRD name).</summary>
    public void SetCustom(string crdName, IReadOnlyList<ResourceType> types, IReadOnlyDictionary<string, JsonObject> schemas)
    {
        lock (_gate)
        {
            var next = new Dictionary<string, CustomEntry>(_custom, StringComparer.Ordinal) { [crdName] = new CustomEntry(types, schemas) };
            _custom = next;
            _snapshot = Build();
        }

        Changed?.Invoke();
    }

    public void RemoveCustom(string crdName)
    {
        lock (_gate)
        {
            if (!_custom.ContainsKey(crdName))
            {
                return;
            }

            var next = new Dictionary<string, CustomEntry>(_custom, StringComparer.Ordinal);
            next.Remove(crdName);
            _custom = next;
            _snapshot = Build();
        }

        Changed?.Invoke();
    }

    private CatalogSnapshot Build()
    {
        var all = new List<ResourceType>(_builtIn);
        var schemaFragments = new List<KeyValuePair<string, JsonObject>>();
        foreach (var entry in _custom.Values)
        {
            all.AddRange(entry.Types);
            schemaFragments.AddRange(entry.Schemas);
        }

        var schemas = schemaFragments.Count == 0 ? _builtInSchemas : Merge(_builtInSchemas, schemaFragments);
        return new CatalogSnapshot(all, schemas);
    }

    private static SchemaSet Merge(SchemaSet baseSet, IEnumerable<KeyValuePair<string, JsonObject>> extra)
    {
        var set = new SchemaSet();
        foreach (var (name, schema) in baseSet.Components)
        {
            set.Add(name, schema);
        }

        foreach (var (name, schema) in extra)
        {
            set.Add(name, schema);
        }

        return set;
    }

    private sealed record CustomEntry(IReadOnlyList<ResourceType> Types, IReadOnlyDictionary<string, JsonObject> Schemas);
}

/// <summary>An immutable view of the served resources with lookups by URL segment and by kind.</summary>
public sealed class CatalogSnapshot
{
    private readonly FrozenDictionary<string, ResourceType> _byResource;
    private readonly FrozenDictionary<string, ResourceType> _byKind;

    public CatalogSnapshot(IReadOnlyList<ResourceType> types, SchemaSet schemas)
    {
        Types = types;
        Schemas = schemas;
        var byResource = new Dictionary<string, ResourceType>(StringComparer.Ordinal);
        var byKind = new Dictionary<string, ResourceType>(StringComparer.Ordinal);
        foreach (var t in types)
        {
            byResource.TryAdd(Key(t.Group, t.Version, t.Plural), t);
            byKind.TryAdd(Key(t.Group, t.Version, t.Kind), t);
        }

        _byResource = byResource.ToFrozenDictionary(StringComparer.Ordinal);
        _byKind = byKind.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IReadOnlyList<ResourceType> Types { get; }

    public SchemaSet Schemas { get; }

    public ResourceType? Find(string group, string version, string plural) =>
        _byResource.TryGetValue(Key(group, version, plural), out var t) ? t : null;

    public ResourceType? FindKind(string group, string version, string kind) =>
        _byKind.TryGetValue(Key(group, version, kind), out var t) ? t : null;

    /// <summary>The served group-versions in discovery order (core first, then groups in registration order).</summary>
    public IReadOnlyList<(string Group, string Version)> GroupVersions() =>
        [.. Types.Select(t => (t.Group, t.Version)).Distinct()];

    private static string Key(string group, string version, string name) => $"{group}/{version}/{name}";
}
