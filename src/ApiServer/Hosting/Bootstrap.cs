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
