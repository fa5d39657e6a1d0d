using System.Text.Json.Nodes;
using Kura.ApiServer.Handlers;
using Kura.Model.Registry;

namespace Kura.ApiServer.Admission;

public enum AdmissionOperation
{
    Create,
    Update,
    Delete,
}

/// <summary>One write on its way to the store. Mutating plugins change <see cref="Object"/>; validating ones throw ApiException.</summary>
public sealed record AdmissionRequest(
    AdmissionOperation Operation,
    ResourceType Type,
    string? Namespace,
    string Name,
    JsonObject Object,
    JsonObject? OldObject,
    string? Subresource,
    ObjectService Objects);

/// <summary>An admission plugin (kube-apiserver's admission chain: mutating first, then validating).</summary>
public interface IAdmissionPlugin
{
    /// <summary>Mutating phase: may change the object.</summary>
    void Mutate(AdmissionRequest request)
    {
    }

    /// <summary>Validating phase: throws ApiException to refuse.</summary>
    void Validate(AdmissionRequest request)
    {
    }
}
