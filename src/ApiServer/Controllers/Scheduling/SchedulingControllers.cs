using Kura.ApiServer.Handlers;
using Kura.ApiServer.Hosting;

namespace Kura.ApiServer.Controllers.Scheduling;

/// <summary>The scheduler and the node lifecycle controller of the embedded control plane.</summary>
public static class SchedulingControllers
{
    public static IEnumerable<StoreController> Create(ObjectService objects, ApiServerOptions options) =>
        [new SchedulerController(objects), new NodeLifecycleController(objects, options.NodeMonitorGracePeriod)];
}
