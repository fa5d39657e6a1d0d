using System.Text.Json.Nodes;
using Kura.ApiServer.Handlers;
using Kura.Model.CustomResources;
using Kura.Model.Errors;

namespace Kura.ApiServer.Hosting;

/// <summary>What exists on every fresh server: the system namespaces and the snapshot CRDs.</summary>
public static class Bootstrap
{
    public static readonly string[] SystemNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

    public static async Task EnsureAsync(ObjectService objects, CancellationToken ct)
    {
        var nsType = objects.Type("", "Namespace");
        foreach (var name in SystemNamespaces)
        {
            if (objects.TryGet(nsType, null, name) is null)
            {
                await CreateQuietlyAsync(objects, nsType, new JsonObject { ["metadata"] = new JsonObject { ["name"] = name } }, ct);
            }
        }

        var crdType = objects.Type("apiextensions.k8s.io", "CustomResourceDefinition");
        foreach (var crd in BuiltInCrds.All())
        {
            var name = crd["metadata"]!["name"]!.GetValue<string>();
            if (objects.TryGet(crdType, null, name) is null)
            {
                await CreateQuietlyAsync(objects, crdType, (JsonObject)crd.DeepClone(), ct);
            }
        }
    }

    /// <summary>CSIDriver and CSINode objects for the embedded drivers, and the default StorageClass.</summary>
    public static async Task EnsureDriversAsync(ObjectService objects, IReadOnlyList<CsiDriverEndpoint> drivers, bool defaultClass, string bindingMode, CancellationToken ct)
    {
        var csiDriverType = objects.Type("storage.k8s.io", "CSIDriver");
        var csiNodeType = objects.Type("storage.k8s.io", "CSINode");
        foreach (var driver in drivers)
        {
            if (objects.TryGet(csiDriverType, null, driver.Name) is null)
            {
                await CreateQuietlyAsync(objects, csiDriverType, new JsonObject
                {
                    ["metadata"] = new JsonObject { ["name"] = driver.Name },
                    ["spec"] = new JsonObject { ["attachRequired"] = false, ["podInfoOnMount"] = false, ["volumeLifecycleModes"] = new JsonArray("Persistent") },
                }, ct);
            }

            var entry = new JsonObject { ["name"] = driver.Name, ["nodeID"] = driver.NodeId, ["topologyKeys"] = new JsonArray(driver.TopologyKey) };
            if (objects.TryGet(csiNodeType, null, driver.NodeId) is null)
            {
                await CreateQuietlyAsync(objects, csiNodeType, new JsonObject { ["metadata"] = new JsonObject { ["name"] = driver.NodeId }, ["spec"] = new JsonObject { ["drivers"] = new JsonArray(entry) } }, ct);
            }
        }

        var scType = objects.Type("storage.k8s.io", "StorageClass");
        if (defaultClass && drivers.Count > 0 && objects.TryGet(scType, null, DefaultClassName) is null && Admission.StorageAdmission.DefaultClassName(objects) is null)
        {
            await CreateQuietlyAsync(objects, scType, new JsonObject
            {
                ["metadata"] = new JsonObject
                {
                    ["name"] = DefaultClassName,
                    ["annotations"] = new JsonObject { [Admission.StorageAdmission.DefaultClassAnnotation] = "true" },
                },
                ["provisioner"] = drivers[0].Name,
                ["reclaimPolicy"] = "Delete",
                // Node-local volumes: provision where the first pod is scheduled (as local-path and
                // OpenEBS LocalPV do), so the pod and its data land on the same node.
                ["volumeBindingMode"] = bindingMode,
                ["allowVolumeExpansion"] = true,
            }, ct);
        }

        var vsClassType = objects.Type("snapshot.storage.k8s.io", "VolumeSnapshotClass");
        if (defaultClass && drivers.Count > 0 && objects.TryGet(vsClassType, null, DefaultSnapshotClassName) is null)
        {
            await CreateQuietlyAsync(objects, vsClassType, new JsonObject
            {
                ["apiVersion"] = "snapshot.storage.k8s.io/v1",
                ["kind"] = "VolumeSnapshotClass",
                ["metadata"] = new JsonObject
                {
                    ["name"] = DefaultSnapshotClassName,
                    ["annotations"] = new JsonObject { ["snapshot.storage.kubernetes.io/is-default-class"] = "true" },
                },
                ["driver"] = drivers[0].Name,
                ["deletionPolicy"] = "Delete",
            }, ct);
        }
    }

    /// <summary>The default snapshot class `kura up` installs for the local driver.</summary>
    public const string DefaultSnapshotClassName = "kura-local-snapshots";

    /// <summary>The default class `kura up` installs for node-local volumes.</summary>
    public const string DefaultClassName = "kura-local";

    private static async Task CreateQuietlyAsync(ObjectService objects, Model.Registry.ResourceType type, JsonObject obj, CancellationToken ct)
    {
        try
        {
            await objects.CreateAsync(type, null, obj, WriteOptions.Internal, ct);
        }
        catch (ApiException e) when (e.Code == 409)
        {
            // Created concurrently: fine.
        }
    }
}
