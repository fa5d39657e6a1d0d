using Kura.Model.Registry;

namespace Kura.ApiServer.Catalog;

/// <summary>
/// Store key layout: <c>/{group}/{plural}/{namespace}/{name}</c>, with "core" for the core group and
/// an empty namespace segment for cluster-scoped kinds. Prefixes always end in '/', so "ns1" never
/// matches "ns10".
/// </summary>
public static class ObjectKeys
{
    public static string Item(ResourceType type, string? ns, string name) => $"{Resource(type)}{(type.Namespaced ? ns : "")}/{name}";

    /// <summary>All objects of a resource, or those of one namespace.</summary>
    public static string Prefix(ResourceType type, string? ns) =>
        type.Namespaced && !string.IsNullOrEmpty(ns) ? $"{Resource(type)}{ns}/" : Resource(type);

    /// <summary>Prefix of a whole resource; versions of the same group/resource share storage.</summary>
    public static string Resource(ResourceType type) => $"/{(type.Group.Length == 0 ? "core" : type.Group)}/{type.Plural}/";

    /// <summary>Splits a key back into (group, plural, namespace, name).</summary>
    public static (string Group, string Plural, string Namespace, string Name) Parse(string key)
    {
        var p = key.Split('/');
        return (p[1] == "core" ? "" : p[1], p[2], p[3], p[4]);
    }
}
