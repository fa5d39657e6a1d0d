using System.Text;
using System.Text.Json.Nodes;
using static Kura.Model.Printing.ColumnPrinter;

namespace Kura.Model.Printing;

/// <summary>Core (v1) kinds other than Pod, PV, PVC and Event: printers.go printNamespace … printResourceQuota.</summary>
public static partial class BuiltInPrinters
{
    private static ColumnPrinter Namespace() => new(
        [Name(), Text("Status", "Lifecycle phase of the namespace."), Age()],
        (o, now) => [NameOf(o), S(o, "status", "phase"), AgeOf(o, now)]);

    private static ColumnPrinter ConfigMap() => new(
        [Name(), Text("Data", "Number of entries in data and binaryData."), Age()],
        (o, now) => [NameOf(o), Count(o["data"]) + Count(o["binaryData"]), AgeOf(o, now)]);

    private static ColumnPrinter Secret() => new(
        [Name(), Text("Type", "Kind of secret, which fixes the keys it must hold."), Text("Data", "Number of entries in data."), Age()],
        (o, now) => [NameOf(o), S(o, "type"), Count(o["data"]), AgeOf(o, now)]);

    private static ColumnPrinter ServiceAccount() => new(
        [Name(), Text("Secrets", "Number of secrets listed for the service account."), Age()],
        (o, now) => [NameOf(o), Count(o["secrets"]), AgeOf(o, now)]);

    private static ColumnPrinter Lease() => new(
        [Name(), Text("Holder", "Identity currently holding the lease."), Age()],
        (o, now) => [NameOf(o), S(o, "spec", "holderIdentity"), AgeOf(o, now)]);

    private static ColumnPrinter Endpoints() => new(
        [Name(), Text("Endpoints", "Up to three address:port pairs of the endpoints."), Age()],
        (o, now) => [NameOf(o), FormatEndpoints(o), AgeOf(o, now)]);

    private static ColumnPrinter Node() => new(
        [
            Name(),
            Text("Status", "Readiness of the node, and whether scheduling is disabled."),
            Text("Roles", "Roles taken from the node's role labels."),
            Age(),
            Text("Version", "Kubelet version the node reports."),
            Text("Internal-IP", "First internal address of the node.", 1),
            Text("External-IP", "First external address of the node.", 1),
            Text("OS-Image", "Operating system image the node reports.", 1),
            Text("Kernel-Version", "Kernel version the node reports.", 1),
            Text("Container-Runtime", "Container runtime and version the node reports.", 1),
        ],
        (o, now) =>
        {
            // The condition map keeps the last condition of each type; only Ready is shown.
            var ready = Objects(o, "status", "conditions").LastOrDefault(c => S(c, "type") == "Ready");
            var status = new List<string> { ready is null ? "Unknown" : S(ready, "status") == "True" ? "Ready" : "NotReady" };
            if (Bool(o, "spec", "unschedulable") == true)
            {
                status.Add("SchedulingDisabled");
            }

            var roles = string.Join(",", NodeRoles(o));
            string Address(string type) => Objects(o, "status", "addresses").FirstOrDefault(a => S(a, "type") == type) is { } a ? S(a, "address") : "<none>";
            string OrUnknown(string field) => S(o, "status", "nodeInfo", field) is { Length: > 0 } v ? v : "<unknown>";
            return
            [
                NameOf(o), string.Join(",", status), roles.Length == 0 ? "<none>" : roles, AgeOf(o, now), S(o, "status", "nodeInfo", "kubeletVersion"),
                Address("InternalIP"), Address("ExternalIP"), OrUnknown("osImage"), OrUnknown("kernelVersion"), OrUnknown("containerRuntimeVersion"),
            ];
        });

    private static ColumnPrinter Service() => new(
        [
            Name(),
            Text("Type", "How the service is exposed."),
            Text("Cluster-IP", "Virtual IP of the service inside the cluster."),
            Text("External-IP", "Addresses the service is reachable on from outside."),
            Text("Port(s)", "Service ports, with node ports where allocated."),
            Age(),
            Text("Selector", "Pod labels the service routes to.", 1),
        ],
        (o, now) =>
        {
            var ports = string.Join(",", Objects(o, "spec", "ports").Select(p =>
            {
                var protocol = Str(p, "protocol") ?? "TCP";
                return Int(p, "nodePort") > 0 ? $"{Int(p, "port")}:{Int(p, "nodePort")}/{protocol}" : $"{Int(p, "port")}/{protocol}";
            }));
            return [NameOf(o), ServiceType(o), ClusterIp(o), ExternalIp(o), ports.Length == 0 ? "<none>" : ports, AgeOf(o, now), FormatLabels(o["spec"]?["selector"])];
        });

    private static ColumnPrinter ResourceQuota() => new(
        [
            Name(),
            Text("Request", "Used and hard amounts of the quota's non-limit resources."),
            Text("Limit", "Used and hard amounts of the quota's limits.* resources."),
            Age(),
        ],
        (o, now) =>
        {
            var request = new StringBuilder();
            var limit = new StringBuilder();
            var hard = o["status"]?["hard"] as JsonObject;
            foreach (var resource in (hard?.Select(kv => kv.Key) ?? []).Order(StringComparer.Ordinal))
            {
                var w = resource.Split('.') is { Length: > 1 } pieces && pieces[0] == "limits" ? limit : request;
                w.Append($"{resource}: {Str(o, "status", "used", resource) ?? "0"}/{Str(hard, resource) ?? "0"}, ");
            }

            return [NameOf(o), TrimSuffix(request.ToString(), ", "), TrimSuffix(limit.ToString(), ", "), AgeOf(o, now)];
        });

    /// <summary>findNodeRoles: node-role.kubernetes.io/&lt;role&gt; keys and kubernetes.io/role values, sorted and unique.</summary>
    private static IEnumerable<string> NodeRoles(JsonObject node)
    {
        const string prefix = "node-role.kubernetes.io/";
        var roles = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in Meta.Obj.Labels(node))
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal) && key.Length > prefix.Length)
            {
                roles.Add(key[prefix.Length..]);
            }
            else if (key == "kubernetes.io/role" && value.Length > 0)
            {
                roles.Add(value);
            }
        }

        return roles;
    }

    // The apiserver defaults spec.type; read an undefaulted object as ClusterIP.
    private static string ServiceType(JsonObject svc) => Str(svc, "spec", "type") is { Length: > 0 } t ? t : "ClusterIP";

    /// <summary>The first cluster IP; spec.clusterIP wins over clusterIPs as in the v1 conversion.</summary>
    private static string ClusterIp(JsonObject svc) =>
        Str(svc, "spec", "clusterIP") is { Length: > 0 } ip ? ip
        : Array(svc, "spec", "clusterIPs").FirstOrDefault() is JsonValue first ? Meta.Obj.AsString(first) : "<none>";

    /// <summary>getServiceExternalIP with wide=true (no clipping of load-balancer addresses).</summary>
    private static string ExternalIp(JsonObject svc)
    {
        var externalIps = Array(svc, "spec", "externalIPs").Select(Meta.Obj.AsString).ToList();
        switch (ServiceType(svc))
        {
            case "ClusterIP":
            case "NodePort":
                return externalIps.Count > 0 ? string.Join(",", externalIps) : "<none>";
            case "LoadBalancer":
                var lb = new SortedSet<string>(StringComparer.Ordinal);
                foreach (var ingress in Objects(svc, "status", "loadBalancer", "ingress"))
                {
                    if (S(ingress, "ip") is { Length: > 0 } ip)
                    {
                        lb.Add(ip);
                    }
                    else if (S(ingress, "hostname") is { Length: > 0 } host)
                    {
                        lb.Add(host);
                    }
                }

                if (externalIps.Count > 0)
                {
                    return string.Join(",", lb.Concat(externalIps));
                }

                return lb.Count > 0 ? string.Join(",", lb) : "<pending>";
            case "ExternalName":
                return S(svc, "spec", "externalName");
            default:
                return "<unknown>";
        }
    }

    /// <summary>formatEndpoints: the first three host:port pairs (or bare IPs for port-less subsets), then " + N more...".</summary>
    private static string FormatEndpoints(JsonObject endpoints)
    {
        var subsets = Objects(endpoints, "subsets").ToList();
        if (subsets.Count == 0)
        {
            return "<none>";
        }

        const int max = 3;
        var list = new List<string>();
        var more = false;
        var count = 0;
        foreach (var subset in subsets)
        {
            var addresses = Objects(subset, "addresses").Select(a => S(a, "ip")).ToList();
            var ports = Objects(subset, "ports").ToList();
            if (ports.Count == 0)
            {
                count += addresses.Count;
                Take(addresses);
                continue;
            }

            foreach (var port in ports)
            {
                count += addresses.Count;
                Take(addresses.Select(ip => JoinHostPort(ip, Int(port, "port"))));
            }
        }

        var text = string.Join(",", list);
        return more ? $"{text} + {count - max} more..." : text;

        void Take(IEnumerable<string> items)
        {
            foreach (var item in items)
            {
                if (list.Count == max)
                {
                    more = true;
                    break;
                }

                list.Add(item);
            }
        }
    }

    private static string TrimSuffix(string text, string suffix) => text.EndsWith(suffix, StringComparison.Ordinal) ? text[..^suffix.Length] : text;

    /// <summary>net.JoinHostPort: IPv6 hosts in brackets.</summary>
    private static string JoinHostPort(string host, long port) => host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{Itoa(port)}" : $"{host}:{Itoa(port)}";
}
