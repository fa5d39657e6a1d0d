using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Kura.Controllers.Workloads;

/// <summary>
/// Pods and names made from a controller's pod template, as kube-controller-manager makes them:
/// the template hash (pod-template-hash, controller-revision-hash), random name suffixes, the
/// controller ownerReference that ties a pod to its owner, and the pod predicates the workload
/// controllers share (active, ready, available: k8s.io/kubernetes/pkg/api/v1/pod).
/// </summary>
public static class PodTemplates
{
    public const string PodTemplateHashLabel = "pod-template-hash";

    /// <summary>The alphabet Kubernetes uses for generated names: no vowels, no look-alike digits (k8s.io/apimachinery rand).</summary>
    private const string Alphanumerics = "bcdfghjklmnpqrstvwxz2456789";

    /// <summary>
    /// A short stable hash of a template (controller.ComputeHash): FNV-1a 32 over a canonical
    /// rendering (object keys sorted, so the same template always hashes the same whatever the
    /// order its JSON arrived in), plus the collision count, spelled with the safe alphabet.
    /// </summary>
    public static string Hash(JsonNode? template, long? collisionCount = null)
    {
        var text = Canonical(template) + (collisionCount is long c ? c.ToString(CultureInfo.InvariantCulture) : "");
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return SafeEncode(hash.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>JSON with object keys in ordinal order, for hashing and semantic comparison.</summary>
    public static string Canonical(JsonNode? node)
    {
        var sb = new StringBuilder();
        Write(node, sb);
        return sb.ToString();
    }

    /// <summary>
    /// Whether two pod templates are equal once the pod-template-hash label is ignored
    /// (deploymentutil.EqualIgnoreHash): how a Deployment finds the ReplicaSet of its template.
    /// </summary>
    public static bool EqualIgnoreHash(JsonNode? a, JsonNode? b) => Canonical(Semantic(WithoutHash(a))) == Canonical(Semantic(WithoutHash(b)));

    /// <summary>
    /// The template as Go's typed structs see it (apiequality.Semantic): nulls and empty maps or
    /// lists are absent, as clients that round-trip through typed structs (kubectl rollout undo
    /// writes `creationTimestamp: null`, `resources: {}`) send them. emptyDir keeps its `{}`: there
    /// an empty object is a volume source, not an absent one.
    /// </summary>
    public static JsonNode? Semantic(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                var copy = new JsonObject();
                foreach (var (k, v) in o)
                {
                    var value = Semantic(v);
                    if (value is null || (k != "emptyDir" && value is JsonObject { Count: 0 }) || value is JsonArray { Count: 0 })
                    {
                        continue;
                    }

                    copy[k] = value;
                }

                return copy;
            case JsonArray a:
                return new JsonArray([.. a.Select(Semantic)]);
            default:
                return node?.DeepClone();
        }
    }

    /// <summary>A copy of the template without the pod-template-hash label (and without an emptied labels map).</summary>
    public static JsonNode? WithoutHash(JsonNode? template)
    {
        if (template?.DeepClone() is not JsonObject copy)
        {
            return template?.DeepClone();
        }

        if (copy["metadata"]?["labels"] is JsonObject labels)
        {
            labels.Remove(PodTemplateHashLabel);
            if (labels.Count == 0)
            {
                ((JsonObject)copy["metadata"]!).Remove("labels");
            }
        }

        return copy;
    }

    public static string RandomSuffix(int length = 5) =>
        string.Create(length, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = Alphanumerics[Random.Shared.Next(Alphanumerics.Length)];
            }
        });

    /// <summary>A pod for <paramref name="owner"/> from its template (controller.GetPodFromTemplate; the caller sets name or generateName).</summary>
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
        meta.Remove("creationTimestamp");
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = meta,
            ["spec"] = template["spec"]?.DeepClone() ?? new JsonObject(),
        };
    }

    /// <summary>metav1.NewControllerRef: controller and blockOwnerDeletion set.</summary>
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

    /// <summary>A JSON number as long, whether it was parsed (JsonElement) or built in code (int or long).</summary>
    public static long? Num(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<long>(out var l) => l,
        JsonValue v when v.TryGetValue<int>(out var i) => i,
        JsonValue v when v.TryGetValue<double>(out var d) => (long)d,
        _ => null,
    };

    public static string Phase(JsonObject pod) => pod["status"]?["phase"]?.GetValue<string>() ?? "";

    public static bool IsTerminating(JsonObject pod) => pod["metadata"]?["deletionTimestamp"] is not null;

    /// <summary>controller.IsPodActive: not finished and not being deleted.</summary>
    public static bool IsActive(JsonObject pod) => !IsTerminating(pod) && Phase(pod) is not ("Succeeded" or "Failed");

    public static bool IsReady(JsonObject pod) => ReadyCondition(pod)?["status"]?.GetValue<string>() == "True";

    /// <summary>When the Ready condition last turned True (podReadyTime), if it is True.</summary>
    public static DateTimeOffset? ReadySince(JsonObject pod) =>
        IsReady(pod) && ReadyCondition(pod)?["lastTransitionTime"]?.GetValue<string>() is { } t && DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, out var at) ? at : null;

    /// <summary>
    /// podutil.IsPodAvailable: ready for at least minReadySeconds (a ready pod without a transition
    /// time counts as available at once, as upstream treats a zero time).
    /// </summary>
    public static bool IsAvailable(JsonObject pod, int minReadySeconds, DateTimeOffset now)
    {
        if (!IsReady(pod))
        {
            return false;
        }

        return minReadySeconds == 0 || ReadySince(pod) is not { } since || since.AddSeconds(minReadySeconds) <= now;
    }

    /// <summary>How long until a ready pod becomes available, if it is ready and not yet available.</summary>
    public static TimeSpan? UntilAvailable(JsonObject pod, int minReadySeconds, DateTimeOffset now) =>
        IsReady(pod) && minReadySeconds > 0 && ReadySince(pod) is { } since && since.AddSeconds(minReadySeconds) > now
            ? since.AddSeconds(minReadySeconds) - now
            : null;

    public static DateTimeOffset Created(JsonObject obj) =>
        obj["metadata"]?["creationTimestamp"]?.GetValue<string>() is { } t && DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, out var at) ? at : DateTimeOffset.MinValue;

    private static JsonObject? ReadyCondition(JsonObject pod) =>
        (pod["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == "Ready");

    private static void Write(JsonNode? node, StringBuilder sb)
    {
        switch (node)
        {
            case JsonObject o:
                sb.Append('{');
                var first = true;
                foreach (var (k, v) in o.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    sb.Append(first ? "" : ",").Append(JsonValue.Create(k).ToJsonString()).Append(':');
                    Write(v, sb);
                    first = false;
                }

                sb.Append('}');
                break;
            case JsonArray a:
                sb.Append('[');
                for (var i = 0; i < a.Count; i++)
                {
                    sb.Append(i == 0 ? "" : ",");
                    Write(a[i], sb);
                }

                sb.Append(']');
                break;
            case null:
                sb.Append("null");
                break;
            default:
                sb.Append(node.ToJsonString());
                break;
        }
    }

    private static string SafeEncode(string s) =>
        string.Create(s.Length, s, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = Alphanumerics[source[i] % Alphanumerics.Length];
            }
        });
}
