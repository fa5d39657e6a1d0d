using System.Text;
using System.Text.Json.Nodes;
using Kura.Client;
using Kura.Drivers.Host;
using Kura.Model.Errors;

namespace Kura.Node.Volumes;

/// <summary>
/// Sets up and tears down a pod's volumes on this node (the kubelet's volume manager):
/// emptyDir (tmpfs for medium Memory), hostPath with its type checks, configMap, secret,
/// downwardAPI and projected payloads written atomically, and claims — through CSI, or bind
/// mounts for `local` and `hostPath` PersistentVolumes.
/// </summary>
public sealed class VolumeManager(KubeClient api, CsiVolumes csi, TimeProvider time)
{
    /// <summary>Prepares every volume of the pod; a failure names the volume and says why.</summary>
    public async Task<IReadOnlyDictionary<string, PodVolume>> SetUpAsync(JsonObject pod, string podDirectory, CancellationToken ct)
    {
        var result = new Dictionary<string, PodVolume>(StringComparer.Ordinal);
        foreach (var volume in pod["spec"]?["volumes"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            var name = volume["name"]!.GetValue<string>();
            try
            {
                result[name] = await SetUpOneAsync(pod, volume, name, podDirectory, ct);
            }
            catch (VolumeSetupException e)
            {
                throw new VolumeSetupFailedException(name, e.Operation, e.Message);
            }
        }

        return result;
    }

    /// <summary>Refreshes configMap/secret/downwardAPI/projected payloads (objects may have changed).</summary>
    public async Task RefreshAsync(JsonObject pod, string podDirectory, CancellationToken ct)
    {
        foreach (var volume in pod["spec"]?["volumes"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            if (volume["configMap"] is not null || volume["secret"] is not null || volume["downwardAPI"] is not null || volume["projected"] is not null)
            {
                try
                {
                    await SetUpOneAsync(pod, volume, volume["name"]!.GetValue<string>(), podDirectory, ct);
                }
                catch (VolumeSetupException)
                {
                    // Keep the last good payload, as the kubelet does.
                }
            }
        }
    }

    /// <summary>Unpublishes CSI volumes, unmounts tmpfs volumes and removes the pod's directory.</summary>
    public async Task TearDownAsync(IEnumerable<PodVolume> volumes, string podDirectory, Func<CsiPublication, bool> stillUsedOnNode, CancellationToken ct)
    {
        foreach (var v in volumes)
        {
            if (v.Csi is { } publication)
            {
                await csi.UnpublishAsync(publication, ct);
                if (!stillUsedOnNode(publication))
                {
                    await csi.UnstageAsync(publication, ct);
                }
            }
        }

        var emptyDirs = Path.Combine(podDirectory, "volumes", "kubernetes.io~empty-dir");
        if (Directory.Exists(emptyDirs))
        {
            foreach (var dir in Directory.EnumerateDirectories(emptyDirs))
            {
                await HostTools.UnmountAllAsync(dir);
            }
        }
    }

    private async Task<PodVolume> SetUpOneAsync(JsonObject pod, JsonObject volume, string name, string podDirectory, CancellationToken ct)
    {
        var ns = pod["metadata"]!["namespace"]!.GetValue<string>();
        string Dir(string plugin) => Path.Combine(podDirectory, "volumes", plugin, name);
        if (volume["emptyDir"] is JsonObject emptyDir)
        {
            var dir = Dir("kubernetes.io~empty-dir");
            Directory.CreateDirectory(dir);
            if (emptyDir["medium"]?.GetValue<string>() == "Memory" && !HostTools.IsMountPoint(dir))
            {
                var size = emptyDir["sizeLimit"] is { } limit ? Model.Quantities.Quantity.Parse(limit.GetValue<string>()).Value : 0;
                await HostTools.RunAsync("mount", "-t", "tmpfs", "-o", size > 0 ? $"size={size}" : "mode=0777", "tmpfs", dir);
            }

            File.SetUnixFileMode(dir, (UnixFileMode)0x1FF);
            return new PodVolume(name, dir, false);
        }

        if (volume["hostPath"] is JsonObject hostPath)
        {
            var path = hostPath["path"]!.GetValue<string>();
            HostPathVolume.Check(path, hostPath["type"]?.GetValue<string>());
            return new PodVolume(name, path, false);
        }

        if (volume["configMap"] is JsonObject configMap)
        {
            var dir = Dir("kubernetes.io~configmap");
            AtomicWriter.Write(dir, await ConfigMapFilesAsync(ns, configMap, ct), time);
            return new PodVolume(name, dir, true);
        }

        if (volume["secret"] is JsonObject secret)
        {
            var dir = Dir("kubernetes.io~secret");
            AtomicWriter.Write(dir, await SecretFilesAsync(ns, secret, ct), time);
            return new PodVolume(name, dir, true);
        }

        if (volume["downwardAPI"] is JsonObject downward)
        {
            var dir = Dir("kubernetes.io~downward-api");
            AtomicWriter.Write(dir, DownwardFiles(pod, downward["items"]?.AsArray(), Mode(downward["defaultMode"], 0x1A4)), time);
            return new PodVolume(name, dir, true);
        }

        if (volume["projected"] is JsonObject projected)
        {
            var dir = Dir("kubernetes.io~projected");
            AtomicWriter.Write(dir, await ProjectedFilesAsync(pod, ns, projected, ct), time);
            return new PodVolume(name, dir, true);
        }

        if (volume["persistentVolumeClaim"] is JsonObject claimSource)
        {
            return await SetUpClaimAsync(ns, name, claimSource, podDirectory, ct);
        }

        if (volume["csi"] is not null || volume["ephemeral"] is not null)
        {
            throw new VolumeSetupException("inline CSI and generic ephemeral volumes are not supported by Kura's node agent yet");
        }

        throw new VolumeSetupException("this volume type is not supported by Kura's node agent");
    }

    private async Task<PodVolume> SetUpClaimAsync(string ns, string name, JsonObject source, string podDirectory, CancellationToken ct)
    {
        var claimName = source["claimName"]!.GetValue<string>();
        var readOnly = source["readOnly"]?.GetValue<bool>() ?? false;
        var claim = await api.GetAsync(ResourceRef.PersistentVolumeClaims, ns, claimName, ct)
            ?? throw new VolumeSetupException($"persistentvolumeclaim \"{claimName}\" not found");
        var pvName = claim["spec"]?["volumeName"]?.GetValue<string>();
        if (claim["status"]?["phase"]?.GetValue<string>() != "Bound" || string.IsNullOrEmpty(pvName))
        {
            throw new VolumeSetupException($"error processing PVC {ns}/{claimName}: PVC is not bound");
        }

        var pv = await api.GetAsync(ResourceRef.PersistentVolumes, null, pvName, ct)
            ?? throw new VolumeSetupException($"persistentvolume \"{pvName}\" not found");
        var spec = pv["spec"]!.AsObject();
        if (spec["csi"] is not null)
        {
            var publication = await csi.PublishAsync(pv, podDirectory, readOnly, ct);
            return new PodVolume(name, publication.TargetPath, readOnly, publication);
        }

        if (spec["local"]?["path"]?.GetValue<string>() is { } localPath)
        {
            if (!Directory.Exists(localPath) && !File.Exists(localPath))
            {
                throw new VolumeSetupException($"path \"{localPath}\" does not exist");
            }

            return new PodVolume(name, localPath, readOnly);
        }

        if (spec["hostPath"] is JsonObject hostPath)
        {
            var path = hostPath["path"]!.GetValue<string>();
            HostPathVolume.Check(path, hostPath["type"]?.GetValue<string>());
            return new PodVolume(name, path, readOnly);
        }

        throw new VolumeSetupException($"persistentvolume \"{pvName}\" has a volume source Kura's node agent cannot mount");
    }

    private async Task<List<VolumeFile>> ConfigMapFilesAsync(string ns, JsonObject source, CancellationToken ct, int? projectedMode = null)
    {
        var name = source["name"]?.GetValue<string>() ?? "";
        var optional = source["optional"]?.GetValue<bool>() ?? false;
        var cm = await GetOrNullAsync(ResourceRef.ConfigMaps, ns, name, ct);
        if (cm is null)
        {
            return optional ? [] : throw new VolumeSetupException($"configmap \"{name}\" not found");
        }

        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (k, v) in cm["data"]?.AsObject() ?? [])
        {
            data[k] = Encoding.UTF8.GetBytes(v?.GetValue<string>() ?? "");
        }

        foreach (var (k, v) in cm["binaryData"]?.AsObject() ?? [])
        {
            data[k] = Convert.FromBase64String(v?.GetValue<string>() ?? "");
        }

        return Project(data, source["items"]?.AsArray(), projectedMode ?? Mode(source["defaultMode"], 0x1A4), optional, "configmap");
    }

    private async Task<List<VolumeFile>> SecretFilesAsync(string ns, JsonObject source, CancellationToken ct, int? projectedMode = null)
    {
        var name = source["secretName"]?.GetValue<string>() ?? source["name"]?.GetValue<string>() ?? "";
        var optional = source["optional"]?.GetValue<bool>() ?? false;
        var secret = await GetOrNullAsync(ResourceRef.Secrets, ns, name, ct);
        if (secret is null)
        {
            return optional ? [] : throw new VolumeSetupException($"secret \"{name}\" not found");
        }

        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (k, v) in secret["data"]?.AsObject() ?? [])
        {
            data[k] = Convert.FromBase64String(v?.GetValue<string>() ?? "");
        }

        return Project(data, source["items"]?.AsArray(), projectedMode ?? Mode(source["defaultMode"], 0x1A4), optional, "secret");
    }

    private async Task<List<VolumeFile>> ProjectedFilesAsync(JsonObject pod, string ns, JsonObject projected, CancellationToken ct)
    {
        var mode = Mode(projected["defaultMode"], 0x1A4);
        var files = new List<VolumeFile>();
        foreach (var source in projected["sources"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            if (source["configMap"] is JsonObject cm)
            {
                files.AddRange(await ConfigMapFilesAsync(ns, cm, ct, mode));
            }
            else if (source["secret"] is JsonObject secret)
            {
                files.AddRange(await SecretFilesAsync(ns, secret, ct, mode));
            }
            else if (source["downwardAPI"] is JsonObject downward)
            {
                files.AddRange(DownwardFiles(pod, downward["items"]?.AsArray(), mode));
            }
            else if (source["serviceAccountToken"] is not null)
            {
                throw new VolumeSetupException("serviceAccountToken projections are not supported by Kura's node agent yet");
            }
        }

        return files;
    }

    private static List<VolumeFile> Project(Dictionary<string, byte[]> data, JsonArray? items, int mode, bool optional, string kind)
    {
        if (items is null || items.Count == 0)
        {
            return [.. data.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => new VolumeFile(d.Key, d.Value, mode))];
        }

        var files = new List<VolumeFile>();
        foreach (var item in items.OfType<JsonObject>())
        {
            var key = item["key"]!.GetValue<string>();
            if (!data.TryGetValue(key, out var content))
            {
                if (optional)
                {
                    continue;
                }

                throw new VolumeSetupException($"{kind} references non-existent config key: {key}");
            }

            files.Add(new VolumeFile(item["path"]!.GetValue<string>(), content, Mode(item["mode"], mode)));
        }

        return files;
    }

    private static List<VolumeFile> DownwardFiles(JsonObject pod, JsonArray? items, int mode)
    {
        var files = new List<VolumeFile>();
        foreach (var item in items?.OfType<JsonObject>() ?? [])
        {
            var path = item["path"]!.GetValue<string>();
            var fieldPath = item["fieldRef"]?["fieldPath"]?.GetValue<string>();
            var value = fieldPath is null
                ? throw new VolumeSetupException($"downwardAPI item {path}: only fieldRef is supported by Kura's node agent")
                : DownwardValue(pod, fieldPath);
            files.Add(new VolumeFile(path, Encoding.UTF8.GetBytes(value), Mode(item["mode"], mode)));
        }

        return files;
    }

    /// <summary>The value a downward API fieldRef resolves to (labels/annotations as k="v" lines, sorted).</summary>
    public static string DownwardValue(JsonObject pod, string fieldPath)
    {
        static string Lines(JsonNode? map) => string.Join('\n', (map?.AsObject() ?? []).OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key}=\"{p.Value?.GetValue<string>()?.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)}\""));
        return fieldPath switch
        {
            "metadata.labels" => Lines(pod["metadata"]?["labels"]),
            "metadata.annotations" => Lines(pod["metadata"]?["annotations"]),
            _ when fieldPath.StartsWith("metadata.labels['", StringComparison.Ordinal) => pod["metadata"]?["labels"]?[fieldPath[17..^2]]?.GetValue<string>() ?? "",
            _ when fieldPath.StartsWith("metadata.annotations['", StringComparison.Ordinal) => pod["metadata"]?["annotations"]?[fieldPath[22..^2]]?.GetValue<string>() ?? "",
            "metadata.name" or "metadata.namespace" or "metadata.uid" => pod["metadata"]?[fieldPath[9..]]?.GetValue<string>() ?? "",
            "spec.nodeName" or "spec.serviceAccountName" => pod["spec"]?[fieldPath[5..]]?.GetValue<string>() ?? "",
            "status.hostIP" or "status.podIP" => pod["status"]?[fieldPath[7..]]?.GetValue<string>() ?? "",
            _ => throw new VolumeSetupException($"unsupported fieldPath: {fieldPath}"),
        };
    }

    private static int Mode(JsonNode? node, int fallback) => node is null ? fallback : (int)node.GetValue<long>();

    private async Task<JsonObject?> GetOrNullAsync(ResourceRef resource, string ns, string name, CancellationToken ct)
    {
        try
        {
            return await api.GetAsync(resource, ns, name, ct);
        }
        catch (ApiException e) when (e.Code == 404)
        {
            return null;
        }
    }
}

/// <summary>A named volume failed to set up (FailedMount: `{Operation} failed for volume "{Volume}" : {Reason}`).</summary>
public sealed class VolumeSetupFailedException(string volume, string operation, string reason)
    : Exception($"{operation} failed for volume \"{volume}\" : {reason}")
{
    public string Volume => volume;
}
