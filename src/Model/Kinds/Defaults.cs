using System.Text.Json.Nodes;
using Kura.Model.Validation;

namespace Kura.Model.Kinds;

/// <summary>Pod spec defaults and checks shared by pods and pod templates.</summary>
public static class Defaults
{
    public static void PodSpec(JsonObject spec)
    {
        spec["restartPolicy"] ??= "Always";
        spec["dnsPolicy"] ??= "ClusterFirst";
        spec["terminationGracePeriodSeconds"] ??= 30;
        spec["schedulerName"] ??= "default-scheduler";
        spec["securityContext"] ??= new JsonObject();
        foreach (var list in new[] { "containers", "initContainers" })
        {
            foreach (var c in (spec[list] as JsonArray)?.OfType<JsonObject>() ?? [])
            {
                c["terminationMessagePath"] ??= "/dev/termination-log";
                c["terminationMessagePolicy"] ??= "File";
                if (c["imagePullPolicy"] is null)
                {
                    var image = c["image"]?.GetValue<string>() ?? "";
                    var lastSegment = image[(image.LastIndexOf('/') + 1)..];
                    var tagged = lastSegment.Contains(':', StringComparison.Ordinal) && !lastSegment.EndsWith(":latest", StringComparison.Ordinal);
                    c["imagePullPolicy"] = tagged || image.Contains('@', StringComparison.Ordinal) ? "IfNotPresent" : "Always";
                }

                c["resources"] ??= new JsonObject();
                foreach (var port in (c["ports"] as JsonArray)?.OfType<JsonObject>() ?? [])
                {
                    port["protocol"] ??= "TCP";
                }
            }
        }
    }

    public static void ValidatePodSpec(JsonObject? spec, string path, List<FieldError> errors, IEnumerable<string>? extraVolumes = null)
    {
        if (spec is null)
        {
            errors.Add(FieldError.Required(path));
            return;
        }

        // A StatefulSet's volumeClaimTemplates are volumes of its pods too.
        var volumes = new HashSet<string>(extraVolumes ?? []);
        if (spec["volumes"] is JsonArray vols)
        {
            for (var i = 0; i < vols.Count; i++)
            {
                var name = vols[i]?["name"]?.GetValue<string>() ?? "";
                if (name.Length == 0)
                {
                    errors.Add(FieldError.Required($"{path}.volumes[{i}].name"));
                }
                else if (!volumes.Add(name))
                {
                    errors.Add(FieldError.Duplicate($"{path}.volumes[{i}].name", name));
                }
            }
        }

        if (spec["containers"] is not JsonArray containers || containers.Count == 0)
        {
            errors.Add(FieldError.Required($"{path}.containers"));
            return;
        }

        var names = new HashSet<string>();
        for (var i = 0; i < containers.Count; i++)
        {
            var c = containers[i] as JsonObject ?? [];
            var name = c["name"]?.GetValue<string>() ?? "";
            if (name.Length == 0)
            {
                errors.Add(FieldError.Required($"{path}.containers[{i}].name"));
            }
            else if (!names.Add(name))
            {
                errors.Add(FieldError.Duplicate($"{path}.containers[{i}].name", name));
            }

            if (string.IsNullOrEmpty(c["image"]?.GetValue<string>()))
            {
                errors.Add(FieldError.Required($"{path}.containers[{i}].image"));
            }

            if (c["volumeMounts"] is JsonArray mounts)
            {
                for (var m = 0; m < mounts.Count; m++)
                {
                    var mountName = mounts[m]?["name"]?.GetValue<string>() ?? "";
                    if (!volumes.Contains(mountName))
                    {
                        errors.Add(FieldError.NotFound($"{path}.containers[{i}].volumeMounts[{m}].name", mountName));
                    }

                    if (string.IsNullOrEmpty(mounts[m]?["mountPath"]?.GetValue<string>()))
                    {
                        errors.Add(FieldError.Required($"{path}.containers[{i}].volumeMounts[{m}].mountPath"));
                    }
                }
            }
        }
    }
}
