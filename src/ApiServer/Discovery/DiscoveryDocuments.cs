using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Kura.ApiServer.Catalog;
using Kura.Model.Registry;

namespace Kura.ApiServer.Discovery;

/// <summary>
/// Discovery documents in both forms kubectl understands: aggregated (apidiscovery.k8s.io/v2,
/// one round trip) and legacy (APIVersions, APIGroupList, APIResourceList).
/// reference/kubernetes.md §2.2 has the verified shapes.
/// </summary>
public static partial class DiscoveryDocuments
{
    public const string AggregatedContentType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

    private static readonly string[] StatusVerbs = ["get", "patch", "update"];

    /// <summary>Aggregated discovery for /api (core) or /apis (every other group).</summary>
    public static JsonObject Aggregated(CatalogSnapshot catalog, bool core)
    {
        var items = new JsonArray();
        foreach (var group in Groups(catalog).Where(g => (g.Name.Length == 0) == core))
        {
            var versions = new JsonArray();
            foreach (var version in group.Versions)
            {
                var resources = new JsonArray();
                foreach (var t in catalog.Types.Where(t => t.Group == group.Name && t.Version == version))
                {
                    var r = new JsonObject
                    {
                        ["resource"] = t.Plural,
                        ["responseKind"] = Gvk(t.Group, t.Version, t.Kind),
                        ["scope"] = t.Namespaced ? "Namespaced" : "Cluster",
                        ["singularResource"] = t.Singular,
                        ["verbs"] = Strings(t.Verbs),
                    };
                    if (t.ShortNames.Count > 0)
                    {
                        r["shortNames"] = Strings(t.ShortNames);
                    }

                    if (t.Categories.Count > 0)
                    {
                        r["categories"] = Strings(t.Categories);
                    }

                    var subs = new JsonArray();
                    foreach (var (name, kind, verbs) in Subresources(t))
                    {
                        subs.Add(new JsonObject { ["subresource"] = name, ["responseKind"] = kind, ["verbs"] = Strings(verbs) });
                    }

                    if (subs.Count > 0)
                    {
                        r["subresources"] = subs;
                    }

                    resources.Add(r);
                }

                versions.Add(new JsonObject { ["version"] = version, ["resources"] = resources, ["freshness"] = "Current" });
            }

            items.Add(new JsonObject { ["metadata"] = new JsonObject { ["name"] = group.Name }, ["versions"] = versions });
        }

        return new JsonObject { ["kind"] = "APIGroupDiscoveryList", ["apiVersion"] = "apidiscovery.k8s.io/v2", ["metadata"] = new JsonObject(), ["items"] = items };
    }

    /// <summary>Legacy /api.</summary>
    public static JsonObject ApiVersions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    /// <summary>Legacy /apis.</summary>
    public static JsonObject GroupList(CatalogSnapshot catalog)
    {
        var groups = new JsonArray();
        foreach (var g in Groups(catalog).Where(g => g.Name.Length > 0))
        {
            groups.Add(Group(g));
        }

        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
    }

    /// <summary>Legacy /apis/{group}, or null when the group is not served.</summary>
    public static JsonObject? GroupOf(CatalogSnapshot catalog, string name)
    {
        var g = Groups(catalog).FirstOrDefault(x => x.Name == name);
        if (g is null)
        {
            return null;
        }

        var doc = Group(g);
        doc["kind"] = "APIGroup";
        doc["apiVersion"] = "v1";
        return doc;
    }

    /// <summary>Legacy /api/v1 or /apis/{group}/{version}, or null when not served.</summary>
    public static JsonObject? ResourceList(CatalogSnapshot catalog, string group, string version)
    {
        var types = catalog.Types.Where(t => t.Group == group && t.Version == version).ToList();
        if (types.Count == 0)
        {
            return null;
        }

        var resources = new JsonArray();
        foreach (var t in types)
        {
            var r = new JsonObject
            {
                ["name"] = t.Plural,
                ["singularName"] = t.Singular,
                ["namespaced"] = t.Namespaced,
                ["kind"] = t.Kind,
                ["verbs"] = Strings(t.Verbs),
            };
            if (t.ShortNames.Count > 0)
            {
                r["shortNames"] = Strings(t.ShortNames);
            }

            if (t.Categories.Count > 0)
            {
                r["categories"] = Strings(t.Categories);
            }

            resources.Add(r);
            foreach (var (name, kind, verbs) in Subresources(t))
            {
                var sub = new JsonObject
                {
                    ["name"] = $"{t.Plural}/{name}",
                    ["singularName"] = "",
                    ["namespaced"] = t.Namespaced,
                    ["kind"] = kind["kind"]!.GetValue<string>(),
                    ["verbs"] = Strings(verbs),
                };
                if (kind["group"]!.GetValue<string>() is { Length: > 0 } sg)
                {
                    sub["group"] = sg;
                    sub["version"] = kind["version"]!.GetValue<string>();
                }

                resources.Add(sub);
            }
        }

        return new JsonObject { ["kind"] = "APIResourceList", ["apiVersion"] = "v1", ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}", ["resources"] = resources };
    }

    private static IEnumerable<(string Name, JsonObject Kind, string[] Verbs)> Subresources(ResourceType t)
    {
        if (t.HasStatus)
        {
            yield return ("status", Gvk(t.Group, t.Version, t.Kind), StatusVerbs);
        }

        if (t.Scale is not null)
        {
            yield return ("scale", Gvk("autoscaling", "v1", "Scale"), StatusVerbs);
        }

        foreach (var extra in t.ExtraSubresources)
        {
            yield return extra switch
            {
                "binding" => (extra, Gvk("", "v1", "Binding"), ["create"]),
                "eviction" => (extra, Gvk("policy", "v1", "Eviction"), ["create"]),
                "log" => (extra, Gvk("", "v1", "Pod"), ["get"]),
                "exec" => (extra, Gvk("", "v1", "PodExecOptions"), ["create", "get"]),
                "attach" => (extra, Gvk("", "v1", "PodAttachOptions"), ["create", "get"]),
                "portforward" => (extra, Gvk("", "v1", "PodPortForwardOptions"), ["create", "get"]),
                "proxy" => (extra, Gvk("", "v1", t.Kind == "Pod" ? "PodProxyOptions" : "NodeProxyOptions"), ["create", "delete", "get", "patch", "update"]),
                "finalize" => (extra, Gvk("", "v1", "Namespace"), ["update"]),
                "ephemeralcontainers" => (extra, Gvk("", "v1", "Pod"), StatusVerbs),
                _ => (extra, Gvk(t.Group, t.Version, t.Kind), ["get"]),
            };
        }
    }

    private sealed record GroupInfo(string Name, IReadOnlyList<string> Versions);

    /// <summary>Groups in registration order; versions by Kubernetes' version priority (v1 &gt; v1beta1 &gt; v1alpha1).</summary>
    private static List<GroupInfo> Groups(CatalogSnapshot catalog)
    {
        var order = new List<string>();
        var versions = new Dictionary<string, List<string>>();
        foreach (var t in catalog.Types)
        {
            if (!versions.TryGetValue(t.Group, out var list))
            {
                list = [];
                versions[t.Group] = list;
                order.Add(t.Group);
            }

            if (!list.Contains(t.Version))
            {
                list.Add(t.Version);
            }
        }

        return [.. order.Select(g => new GroupInfo(g, [.. versions[g].OrderBy(v => v, VersionPriority.Instance)]))];
    }

    private static JsonObject Group(GroupInfo g)
    {
        var versions = new JsonArray();
        foreach (var v in g.Versions)
        {
            versions.Add(new JsonObject { ["groupVersion"] = $"{g.Name}/{v}", ["version"] = v });
        }

        return new JsonObject
        {
            ["name"] = g.Name,
            ["versions"] = versions,
            ["preferredVersion"] = new JsonObject { ["groupVersion"] = $"{g.Name}/{g.Versions[0]}", ["version"] = g.Versions[0] },
        };
    }

    private static JsonObject Gvk(string group, string version, string kind) => new() { ["group"] = group, ["version"] = version, ["kind"] = kind };

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);

    /// <summary>apimachinery's CompareKubeAwareVersionStrings: GA before beta before alpha, higher numbers first.</summary>
    internal sealed partial class VersionPriority : IComparer<string>
    {
        public static readonly VersionPriority Instance = new();

        public int Compare(string? x, string? y)
        {
            var a = Parse(x ?? "");
            var b = Parse(y ?? "");
            if (a.Kube != b.Kube)
            {
                return a.Kube ? -1 : 1;
            }

            if (!a.Kube)
            {
                return string.CompareOrdinal(x, y);
            }

            if (a.Stage != b.Stage)
            {
                return b.Stage.CompareTo(a.Stage);
            }

            if (a.Major != b.Major)
            {
                return b.Major.CompareTo(a.Major);
            }

            return b.Minor.CompareTo(a.Minor);
        }

        private static (bool Kube, int Stage, int Major, int Minor) Parse(string v)
        {
            var m = KubeVersion().Match(v);
            if (!m.Success)
            {
                return (false, 0, 0, 0);
            }

            var stage = m.Groups[2].Value switch { "" => 2, "beta" => 1, _ => 0 };
            var minor = m.Groups[3].Success && m.Groups[3].Value.Length > 0 ? int.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
            return (true, stage, int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), minor);
        }

        [GeneratedRegex("^v([1-9][0-9]*)(?:(alpha|beta)([0-9]*))?$")]
        private static partial Regex KubeVersion();
    }
}
