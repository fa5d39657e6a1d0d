using System.Text.Json.Nodes;
using Kura.Model.Serialization;

namespace Kura.Model.CustomResources;

/// <summary>CRDs every Kura server installs at start-up: the snapshot.storage.k8s.io/v1 kinds.</summary>
public static class BuiltInCrds
{
    private static readonly Lazy<IReadOnlyList<JsonObject>> Crds = new(Load);

    /// <summary>Fresh copies of the built-in CRD manifests.</summary>
    public static IReadOnlyList<JsonObject> All() => [.. Crds.Value.Select(c => (JsonObject)c.DeepClone())];

    private static IReadOnlyList<JsonObject> Load()
    {
        var assembly = typeof(BuiltInCrds).Assembly;
        var result = new List<JsonObject>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.Contains(".CustomResources.BuiltIn.", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            foreach (var doc in Yaml.ParseDocuments(reader.ReadToEnd()))
            {
                if (doc is JsonObject crd)
                {
                    result.Add(crd);
                }
            }
        }

        return result;
    }
}
