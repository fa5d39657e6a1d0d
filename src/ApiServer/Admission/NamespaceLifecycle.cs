using Kura.Model.Errors;

namespace Kura.ApiServer.Admission;

/// <summary>
/// plugin/pkg/admission/namespace/lifecycle: no new content in a missing or terminating
/// namespace, and the system namespaces cannot be deleted.
/// </summary>
public sealed class NamespaceLifecycle : IAdmissionPlugin
{
    public static readonly string[] Immortal = ["default", "kube-system", "kube-public"];

    public void Validate(AdmissionRequest request)
    {
        var type = request.Type;
        if (type.Group.Length == 0 && type.Kind == "Namespace")
        {
            if (request.Operation == AdmissionOperation.Delete && Immortal.Contains(request.Name))
            {
                throw ApiException.Forbidden("", "namespaces", request.Name, "this namespace may not be deleted");
            }

            return;
        }

        if (!type.Namespaced || request.Operation != AdmissionOperation.Create || request.Namespace is null)
        {
            return;
        }

        var nsType = request.Objects.Type("", "Namespace");
        var ns = request.Objects.TryGet(nsType, null, request.Namespace) ?? throw ApiException.NotFound("", "namespaces", request.Namespace);
        // Events may still be written into a terminating namespace, as Kubernetes allows.
        if (ns.Object["metadata"]?["deletionTimestamp"] is not null && type.Kind != "Event")
        {
            throw ApiException.Forbidden(type.Group, type.Plural, request.Name, $"unable to create new content in namespace {request.Namespace} because it is being terminated");
        }
    }
}
