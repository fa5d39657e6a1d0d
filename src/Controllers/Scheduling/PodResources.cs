using System.Text.Json.Nodes;
using Kura.Model.Quantities;

namespace Kura.Controllers.Scheduling;

/// <summary>
/// Resource amounts as the scheduler counts them (framework.Resource): cpu in millicores, every
/// other resource in its base unit, "pods" as a count.
/// </summary>
public sealed class ResourceAmounts
{
    public const string Cpu = "cpu";
    public const string Memory = "memory";
    public const string EphemeralStorage = "ephemeral-storage";
    public const string Pods = "pods";

    // schedutil.DefaultMilliCPURequest / DefaultMemoryRequest: used for scoring only.
    public const long DefaultMilliCpu = 100;
    public const long DefaultMemory = 200L * 1024 * 1024;

    private readonly Dictionary<string, long> _values = new(StringComparer.Ordinal);

    public long this[string resource] => _values.GetValueOrDefault(resource);

    public IEnumerable<string> Names => _values.Keys;

    public bool Has(string resource) => _values.ContainsKey(resource);

    public void Add(string resource, long amount) => _values[resource] = _values.GetValueOrDefault(resource) + amount;

    public void Max(string resource, long amount) => _values[resource] = Math.Max(_values.GetValueOrDefault(resource), amount);

    public void AddAll(ResourceAmounts other)
    {
        foreach (var (k, v) in other._values)
        {
            Add(k, v);
        }
    }

    /// <summary>A ResourceList (requests, limits, allocatable) in scheduler units.</summary>
    public static ResourceAmounts FromList(JsonNode? list)
    {
        var amounts = new ResourceAmounts();
        if (list is not JsonObject o)
        {
            return amounts;
        }

        foreach (var (name, value) in o)
        {
            if (value is not null && Quantity.TryParse(value.ToString(), out var q))
            {
                amounts._values[name] = name == Cpu ? q.MilliValue : q.Value;
            }
        }

        return amounts;
    }

    /// <summary>A node's status.allocatable (nothing when the node reports none).</summary>
    public static ResourceAmounts Allocatable(JsonObject node) => FromList(node["status"]?["allocatable"]);

    /// <summary>
    /// PodRequests (component-helpers/resource): the sum over containers, at least the largest
    /// init container, plus the pod overhead. A container's limit stands in for a missing request,
    /// as API defaulting does.
    /// </summary>
    public static ResourceAmounts PodRequests(JsonObject pod, bool nonZero = false)
    {
        var total = new ResourceAmounts();
        foreach (var c in Containers(pod, "containers"))
        {
            total.AddAll(ContainerRequests(c, nonZero));
        }

        foreach (var c in Containers(pod, "initContainers"))
        {
            var init = ContainerRequests(c, nonZero);
            foreach (var name in init.Names)
            {
                total.Max(name, init[name]);
            }
        }

        total.AddAll(FromList(pod["spec"]?["overhead"]));
        return total;
    }

    private static IEnumerable<JsonObject> Containers(JsonObject pod, string field) =>
        (pod["spec"]?[field] as JsonArray)?.OfType<JsonObject>() ?? [];

    private static ResourceAmounts ContainerRequests(JsonObject container, bool nonZero)
    {
        var requests = FromList(container["resources"]?["requests"]);
        var limits = FromList(container["resources"]?["limits"]);
        foreach (var name in limits.Names.Where(n => !requests.Has(n)).ToList())
        {
            requests.Add(name, limits[name]);
        }

        if (nonZero)
        {
            if (!requests.Has(Cpu))
            {
                requests.Add(Cpu, DefaultMilliCpu);
            }

            if (!requests.Has(Memory))
            {
                requests.Add(Memory, DefaultMemory);
            }
        }

        return requests;
    }
}
