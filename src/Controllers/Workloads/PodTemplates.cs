using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Kura.Controllers.Workloads;

/// <summary>
/// Pods and names made from a controller's pod template, as kube-controller-manager makes them:
/// the template hash (pod-template-hash, controller-revision-hash), random name suffixes, and the
/// controller ownerReference that ties a pod to its owner for adoption and garbage collection.
/// </summary>
public static class PodTemplates
{
    public const string PodTemplateHashLabel = "pod-template-hash";

    /// <summary>The alphabet Kubernetes uses for generated names: no vowels, no look-alike digits (k8s.io/apimachinery rand).</summary>
    private const string Alphanumerics = "bcdfghjklmnpqrstvwxz2456789";

    /// <summary>A short stable hash of a template (FNV-1a 32 over its JSON, spelled with the safe alphabet).</summary>
    public static string Hash(JsonNode? template, long? collisionCount = null)
    {
        var text = (template?.ToJsonString() ?? "") + (collisionCount is long c ? c.ToString(CultureInfo.InvariantCulture) : "");
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return SafeEncode(hash.ToString(CultureInfo.InvariantCulture));
    }

    public static string RandomSuffix(int length = 5) =>
        string.Create(length, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = Alphanumerics[Random.Shared.Next(Alphanumerics.Length)];
            }
        });

    /// <summary>A pod for <paramref name="owner"/> from its template (the caller sets name or generateName).</summary>
    public static JsonObject NewPod(JsonObject template, JsonObject owner, IReadOnlyDictionary<string, string>? extraLabels = null)
    {
        var meta = template["metadata"]?.DeepClone() as JsonObject ?? [];
        var labels = meta["labels"] as JsonObject ?? [];
        foreach (var (k, v) in extraLabels ?? new Dictionary<string, string>())
        {
            labels[k] = v;
        }

        meta["labels"] = labels;
        meta["namespace"] = owner["metadata"]!["namespace"]!.DeepClone();
        meta["ownerReferences"] = new JsonArray(ControllerRef(owner));
        meta.Remove("name");
        meta.Remove("generateName");
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = meta,
            ["spec"] = template["spec"]?.DeepClone() ?? new JsonObject(),
        };
    }

    public static JsonObject ControllerRef(JsonObject owner) => new()
    {
        ["apiVersion"] = owner["apiVersion"]?.DeepClone(),
        ["kind"] = owner["kind"]?.DeepClone(),
        ["name"] = owner["metadata"]!["name"]!.DeepClone(),
        ["uid"] = owner["metadata"]!["uid"]!.DeepClone(),
        ["controller"] = true,
        ["blockOwnerDeletion"] = true,
    };

    /// <summary>The uid of the object's controller (the ownerReference with controller: true), if any.</summary>
    public static string? ControllerUid(JsonObject obj) =>
        (obj["metadata"]?["ownerReferences"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(r => r["controller"]?.GetValue<bool>() == true)?["uid"]?.GetValue<string>();

    public static bool IsActive(JsonObject pod) =>
        pod["metadata"]?["deletionTimestamp"] is null && pod["status"]?["phase"]?.GetValue<string>() is not ("Succeeded" or "Failed");

    public static bool IsReady(JsonObject pod) =>
        (pod["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().Any(c => c["type"]?.GetValue<string>() == "Ready" && c["status"]?.GetValue<string>() == "True") == true;

    private static string SafeEncode(string s) =>
        string.Create(s.Length, s, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = Alphanumerics[source[i] % Alphanumerics.Length];
            }
        });
}
