using System.Text.Json.Nodes;
using Kura.Model.Errors;
using Kura.Model.Quantities;

namespace Kura.ApiServer.Admission;

/// <summary>
/// The storage admission plugins of kube-apiserver:
/// DefaultStorageClass (plugin/pkg/admission/storage/storageclass/setdefault),
/// StorageObjectInUseProtection (…/storageobjectinuseprotection) and
/// PersistentVolumeClaimResize (…/persistentvolume/resize).
/// </summary>
public sealed class StorageAdmission : IAdmissionPlugin
{
    public const string PvcProtectionFinalizer = "kubernetes.io/pvc-protection";
    public const string PvProtectionFinalizer = "kubernetes.io/pv-protection";
    public const string DefaultClassAnnotation = "storageclass.kubernetes.io/is-default-class";
    public const string BetaDefaultClassAnnotation = "storageclass.beta.kubernetes.io/is-default-class";
    public const string BetaClassAnnotation = "volume.beta.kubernetes.io/storage-class";

    public void Mutate(AdmissionRequest request)
    {
        if (request.Type.Group.Length != 0 || request.Operation != AdmissionOperation.Create)
        {
            return;
        }

        switch (request.Type.Kind)
        {
            case "PersistentVolumeClaim":
                SetDefaultClass(request);
                AddFinalizer(request.Object, PvcProtectionFinalizer);
                break;
            case "PersistentVolume":
                AddFinalizer(request.Object, PvProtectionFinalizer);
                break;
        }
    }

    public void Validate(AdmissionRequest request)
    {
        if (request.Type.Group.Length != 0 || request.Type.Kind != "PersistentVolumeClaim" || request.Operation != AdmissionOperation.Update
            || request.Subresource is not null || request.OldObject is null)
        {
            return;
        }

        var newSize = Request(request.Object);
        var oldSize = Request(request.OldObject);
        if (newSize is null || oldSize is null || newSize.Value.CompareTo(oldSize.Value) <= 0)
        {
            return;
        }

        if (request.OldObject["status"]?["phase"]?.GetValue<string>() != "Bound")
        {
            throw ApiException.Forbidden("", "persistentvolumeclaims", request.Name, "only bound persistent volume claims can be expanded");
        }

        var className = ClassOf(request.OldObject);
        var allowed = false;
        if (!string.IsNullOrEmpty(className))
        {
            var scType = request.Objects.Type("storage.k8s.io", "StorageClass");
            allowed = request.Objects.TryGet(scType, null, className)?.Object["allowVolumeExpansion"] is JsonValue v && v.GetValue<bool>();
        }

        if (!allowed)
        {
            throw ApiException.Forbidden("", "persistentvolumeclaims", request.Name, "only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize");
        }
    }

    /// <summary>A claim with no class at all (not even "") gets the default class at creation.</summary>
    private static void SetDefaultClass(AdmissionRequest request)
    {
        var spec = request.Object["spec"] as JsonObject;
        if (spec is null || spec.ContainsKey("storageClassName") && spec["storageClassName"] is not null)
        {
            return;
        }

        if (request.Object["metadata"]?["annotations"]?[BetaClassAnnotation] is not null)
        {
            return;
        }

        var name = DefaultClassName(request.Objects);
        if (name is not null)
        {
            spec["storageClassName"] = name;
        }
    }

    /// <summary>The default class: newest creationTimestamp among the annotated ones, then the first name.</summary>
    public static string? DefaultClassName(Handlers.ObjectService objects)
    {
        var scType = objects.Type("storage.k8s.io", "StorageClass");
        return objects.List(scType, null).Items
            .Select(i => i.Object)
            .Where(IsDefaultClass)
            .OrderByDescending(o => o["metadata"]?["creationTimestamp"]?.GetValue<string>() ?? "", StringComparer.Ordinal)
            .ThenBy(o => o["metadata"]?["name"]?.GetValue<string>(), StringComparer.Ordinal)
            .Select(o => o["metadata"]?["name"]?.GetValue<string>())
            .FirstOrDefault();
    }

    public static bool IsDefaultClass(JsonObject sc)
    {
        var annotations = sc["metadata"]?["annotations"];
        return annotations?[DefaultClassAnnotation]?.GetValue<string>() == "true"
            || annotations?[BetaDefaultClassAnnotation]?.GetValue<string>() == "true";
    }

    private static string? ClassOf(JsonObject pvc) =>
        pvc["metadata"]?["annotations"]?[BetaClassAnnotation]?.GetValue<string>() ?? pvc["spec"]?["storageClassName"]?.GetValue<string>();

    private static Quantity? Request(JsonObject pvc) =>
        pvc["spec"]?["resources"]?["requests"]?["storage"] is JsonValue v && Quantity.TryParse(v.ToString(), out var q) ? q : null;

    private static void AddFinalizer(JsonObject obj, string finalizer)
    {
        var meta = obj["metadata"] as JsonObject ?? [];
        obj["metadata"] = meta;
        if (meta["finalizers"] is not JsonArray list)
        {
            list = [];
            meta["finalizers"] = list;
        }

        if (!list.Any(f => f?.GetValue<string>() == finalizer))
        {
            list.Add(finalizer);
        }
    }
}
