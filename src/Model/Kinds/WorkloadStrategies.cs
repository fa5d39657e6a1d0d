using System.Text.Json.Nodes;
using Kura.Model.Selectors;
using Kura.Model.Validation;

namespace Kura.Model.Kinds;

/// <summary>Pod defaults Kubernetes applies (pkg/apis/core/v1/defaults.go) and the basic checks.</summary>
public sealed class PodStrategy() : StrategyBase(hasStatus: true, namespaced: true)
{
    public override void PrepareForCreate(JsonObject obj)
    {
        base.PrepareForCreate(obj);
        obj["status"] = new JsonObject { ["phase"] = "Pending", ["qosClass"] = "BestEffort" };
    }

    public override void Default(JsonObject obj)
    {
        if (obj["spec"] is JsonObject spec)
        {
            Defaults.PodSpec(spec);
        }
    }

    protected override void ValidateSpec(JsonObject obj, List<FieldError> errors) =>
        Defaults.ValidatePodSpec(obj["spec"] as JsonObject, "spec", errors);
}

/// <summary>Deployments, ReplicaSets, StatefulSets and DaemonSets: defaults and the selector rules.</summary>
public sealed class WorkloadStrategy(string kind) : StrategyBase(hasStatus: true, namespaced: true)
{
    public override void Default(JsonObject obj)
    {
        if (obj["spec"] is not JsonObject spec)
        {
            return;
        }

        if (kind != "DaemonSet")
        {
            spec["replicas"] ??= 1;
        }

        spec["revisionHistoryLimit"] ??= 10;
        switch (kind)
        {
            case "Deployment":
                spec["progressDeadlineSeconds"] ??= 600;
                spec["strategy"] ??= new JsonObject { ["type"] = "RollingUpdate", ["rollingUpdate"] = new JsonObject { ["maxUnavailable"] = "25%", ["maxSurge"] = "25%" } };
                break;
            case "StatefulSet":
                spec["podManagementPolicy"] ??= "OrderedReady";
                spec["updateStrategy"] ??= new JsonObject { ["type"] = "RollingUpdate", ["rollingUpdate"] = new JsonObject { ["partition"] = 0 } };
                spec["persistentVolumeClaimRetentionPolicy"] ??= new JsonObject { ["whenDeleted"] = "Retain", ["whenScaled"] = "Retain" };
                if (spec["volumeClaimTemplates"] is JsonArray templates)
                {
                    foreach (var t in templates.OfType<JsonObject>())
                    {
                        if (t["spec"] is JsonObject ts)
                        {
                            ts["volumeMode"] ??= "Filesystem";
                        }
                    }
                }

                break;
            case "DaemonSet":
                spec["updateStrategy"] ??= new JsonObject { ["type"] = "RollingUpdate", ["rollingUpdate"] = new JsonObject { ["maxUnavailable"] = 1, ["maxSurge"] = 0 } };
                break;
        }

        if (spec["template"]?["spec"] is JsonObject podSpec)
        {
            Defaults.PodSpec(podSpec);
        }
    }

    protected override void ValidateSpec(JsonObject obj, List<FieldError> errors)
    {
        var spec = obj["spec"] as JsonObject ?? [];
        if (spec["selector"] is not JsonObject selector)
        {
            errors.Add(FieldError.Required("spec.selector"));
            return;
        }

        var labels = spec["template"]?["metadata"]?["labels"] as JsonObject;
        if (LabelSelector.FromJson(selector) is { IsEmpty: true })
        {
            errors.Add(FieldError.Invalid("spec.selector", selector, "empty selector is invalid for deployment"));
        }
        else if (!LabelSelector.FromJson(selector).Matches(labels))
        {
            var shown = labels is null ? "map[string]string(nil)" : "map[string]string{" + string.Join(", ", labels.Select(kv => $"\"{kv.Key}\":\"{kv.Value}\"")) + "}";
            errors.Add(new FieldError(FieldErrorType.Invalid, "spec.template.metadata.labels", shown + ": `selector` does not match template `labels`"));
        }

        var claimTemplates = (spec["volumeClaimTemplates"] as JsonArray)?.OfType<JsonObject>().Select(t => t["metadata"]?["name"]?.GetValue<string>() ?? "") ?? [];
        Defaults.ValidatePodSpec(spec["template"]?["spec"] as JsonObject, "spec.template.spec", errors, kind == "StatefulSet" ? claimTemplates : null);
    }

    protected override void ValidateSpecUpdate(JsonObject obj, JsonObject old, List<FieldError> errors) =>
        Immutable(obj["spec"]?["selector"], old["spec"]?["selector"], "spec.selector", errors);
}
