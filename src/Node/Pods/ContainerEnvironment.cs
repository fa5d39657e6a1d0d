using System.Text;
using System.Text.Json.Nodes;
using Kura.Client;
using Kura.Model.Errors;
using Kura.Node.Volumes;

namespace Kura.Node.Pods;

/// <summary>A container cannot be configured (the kubelet's CreateContainerConfigError).</summary>
public sealed class ContainerConfigException(string message) : Exception(message);

/// <summary>
/// A container's environment: the image's, then envFrom, then env with valueFrom
/// (configMapKeyRef, secretKeyRef, fieldRef) and `$(VAR)` expansion, with the kubelet's error
/// texts for what is missing (pkg/kubelet/kubelet_pods.go makeEnvironmentVariables).
/// </summary>
public sealed class ContainerEnvironment(KubeClient api)
{
    public async Task<IReadOnlyList<string>> ResolveAsync(JsonObject pod, JsonObject container, IReadOnlyList<string> imageEnv, CancellationToken ct)
    {
        var ns = pod["metadata"]!["namespace"]!.GetValue<string>();
        var vars = new Dictionary<string, string>(StringComparer.Ordinal);
        var order = new List<string>();
        void Set(string k, string v)
        {
            if (!vars.ContainsKey(k))
            {
                order.Add(k);
            }

            vars[k] = v;
        }

        foreach (var entry in imageEnv)
        {
            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                Set(entry[..eq], entry[(eq + 1)..]);
            }
        }

        var cache = new Dictionary<string, JsonObject?>(StringComparer.Ordinal);
        foreach (var from in container["envFrom"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            var prefix = from["prefix"]?.GetValue<string>() ?? "";
            var (source, kind, isSecret) = from["configMapRef"] is JsonObject cm ? (cm, "configmap", false) : (from["secretRef"]!.AsObject(), "secret", true);
            var name = source["name"]?.GetValue<string>() ?? "";
            var obj = await GetAsync(isSecret, ns, name, cache, ct);
            if (obj is null)
            {
                if (source["optional"]?.GetValue<bool>() == true)
                {
                    continue;
                }

                throw new ContainerConfigException($"{kind} \"{name}\" not found");
            }

            foreach (var (k, v) in Data(obj, isSecret))
            {
                Set(prefix + k, v);
            }
        }

        foreach (var env in container["env"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            var name = env["name"]!.GetValue<string>();
            if (env["valueFrom"] is not JsonObject valueFrom)
            {
                Set(name, ContainerCommand.Expand(env["value"]?.GetValue<string>() ?? "", vars));
                continue;
            }

            if (valueFrom["fieldRef"]?["fieldPath"]?.GetValue<string>() is { } fieldPath)
            {
                Set(name, VolumeManager.DownwardValue(pod, fieldPath));
                continue;
            }

            var isSecret = valueFrom["secretKeyRef"] is not null;
            if ((isSecret ? valueFrom["secretKeyRef"] : valueFrom["configMapKeyRef"]) is not JsonObject reference)
            {
                throw new ContainerConfigException($"env {name}: only value, fieldRef, configMapKeyRef and secretKeyRef are supported by Kura's node agent");
            }

            var objectName = reference["name"]?.GetValue<string>() ?? "";
            var key = reference["key"]!.GetValue<string>();
            var optional = reference["optional"]?.GetValue<bool>() == true;
            var found = await GetAsync(isSecret, ns, objectName, cache, ct);
            var kindName = isSecret ? "Secret" : "ConfigMap";
            if (found is null)
            {
                if (optional)
                {
                    continue;
                }

                throw new ContainerConfigException($"{(isSecret ? "secret" : "configmap")} \"{objectName}\" not found");
            }

            var data = Data(found, isSecret);
            if (!data.TryGetValue(key, out var value))
            {
                if (optional)
                {
                    continue;
                }

                throw new ContainerConfigException($"couldn't find key {key} in {kindName} {ns}/{objectName}");
            }

            Set(name, value);
        }

        return [.. order.Select(k => $"{k}={vars[k]}")];
    }

    private static Dictionary<string, string> Data(JsonObject obj, bool secret)
    {
        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in obj["data"]?.AsObject() ?? [])
        {
            var text = v?.GetValue<string>() ?? "";
            data[k] = secret ? Encoding.UTF8.GetString(Convert.FromBase64String(text)) : text;
        }

        return data;
    }

    private async Task<JsonObject?> GetAsync(bool secret, string ns, string name, Dictionary<string, JsonObject?> cache, CancellationToken ct)
    {
        var key = (secret ? "s/" : "c/") + name;
        if (cache.TryGetValue(key, out var hit))
        {
            return hit;
        }

        try
        {
            return cache[key] = await api.GetAsync(secret ? ResourceRef.Secrets : ResourceRef.ConfigMaps, ns, name, ct);
        }
        catch (ApiException e) when (e.Code == 404)
        {
            return cache[key] = null;
        }
    }
}
