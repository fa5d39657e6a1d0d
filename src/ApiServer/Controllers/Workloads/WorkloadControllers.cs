using Kura.ApiServer.Handlers;

namespace Kura.ApiServer.Controllers.Workloads;

/// <summary>The workload controllers the embedded control plane runs (the kube-controller-manager role).</summary>
public static class WorkloadControllers
{
    public static IEnumerable<StoreController> Create(ObjectService objects) =>
        [new ReplicaSetController(objects), new DeploymentController(objects), new StatefulSetController(objects)];
}
