using System.Text.Json.Nodes;

namespace Kura.Controllers.Tests.Scheduling;

/// <summary>Nodes, pods, claims and volumes in Kubernetes' JSON shape, built from short JSON snippets.</summary>
internal static class SchedulingFixtures
{
    public static JsonObject Node(string name, string cpu = "2", string memory = "4Gi", string pods = "110", string ready = "True",
        string? taints = null, string? labels = null, bool unschedulable = false)
    {
        var node = JsonNode.Parse($$$"""
            {"metadata": {"name": "{{{name}}}", "labels": {{{labels ?? "{}"}}}, "creationTimestamp": "2026-01-01T00:00:00Z"},
             "spec": {"taints": {{{taints ?? "[]"}}}},
             "status": {"allocatable": {"cpu": "{{{cpu}}}", "memory": "{{{memory}}}", "pods": "{{{pods}}}"},
                        "conditions": [{"type": "Ready", "status": "{{{ready}}}", "lastHeartbeatTime": "2026-01-01T00:00:00Z"}]}}
            """)!.AsObject();
        ((JsonObject)node["metadata"]!["labels"]!)["kubernetes.io/hostname"] = name;
        if (unschedulable)
        {
            node["spec"]!["unschedulable"] = true;
        }

        return node;
    }

    public static JsonObject Pod(string name, string? cpu = null, string? spec = null)
    {
        var pod = JsonNode.Parse($$$"""
            {"metadata": {"name": "{{{name}}}", "namespace": "default", "uid": "uid-{{{name}}}"},
             "spec": {{{spec ?? "{}"}}}}
            """)!.AsObject();
        var container = new JsonObject { ["name"] = "c", ["image"] = "busybox" };
        if (cpu is not null)
        {
            container["resources"] = new JsonObject { ["requests"] = new JsonObject { ["cpu"] = cpu } };
        }

        ((JsonObject)pod["spec"]!)["containers"] = new JsonArray(container);
        return pod;
    }

    public static JsonObject Claim(string name, string? volume = null, string storageClass = "", string? selectedNode = null)
    {
        var claim = JsonNode.Parse($$$"""
            {"metadata": {"name": "{{{name}}}", "namespace": "default", "uid": "uid-{{{name}}}", "annotations": {}},
             "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}, "storageClassName": "{{{storageClass}}}"}}
            """)!.AsObject();
        if (volume is not null)
        {
            claim["spec"]!["volumeName"] = volume;
            claim["metadata"]!["annotations"]!["pv.kubernetes.io/bind-completed"] = "yes";
        }

        if (selectedNode is not null)
        {
            claim["metadata"]!["annotations"]!["volume.kubernetes.io/selected-node"] = selectedNode;
        }

        return claim;
    }

    public static JsonObject Volume(string name, string onNode, string storageClass = "", string? claim = null) =>
        JsonNode.Parse($$$"""
            {"metadata": {"name": "{{{name}}}"},
             "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"], "storageClassName": "{{{storageClass}}}",
                      {{{(claim is null ? "" : "\"claimRef\": {\"name\": \"" + claim + "\", \"namespace\": \"default\"},")}}}
                      "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In", "values": ["{{{onNode}}}"]}]}]} } },
             "status": {"phase": "{{{(claim is null ? "Available" : "Bound")}}}"}}
            """)!.AsObject();

    public static JsonObject Class(string name, string provisioner, string mode = "WaitForFirstConsumer", string? allowedTopologies = null) =>
        JsonNode.Parse($$$"""
            {"metadata": {"name": "{{{name}}}"}, "provisioner": "{{{provisioner}}}", "volumeBindingMode": "{{{mode}}}"
             {{{(allowedTopologies is null ? "" : ", \"allowedTopologies\": " + allowedTopologies)}}}}
            """)!.AsObject();

    public static JsonArray Volumes(params string[] claims) =>
        new([.. claims.Select(c => (JsonNode)new JsonObject { ["name"] = c, ["persistentVolumeClaim"] = new JsonObject { ["claimName"] = c } })]);
}
