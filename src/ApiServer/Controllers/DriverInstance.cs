using System.Text.Json.Nodes;

namespace Kura.ApiServer.Controllers;

/// <summary>
/// Which node's instance of a node-local CSI driver a controller talks to. Node-local volumes
/// live on one node, so each node's driver serves the claims that selected it and the volumes
/// whose node affinity names it; the primary instance also takes claims with no node chosen
/// (Immediate binding). A driver without topology has one, primary, instance.
/// </summary>
public sealed record DriverInstance(string? NodeId, string? TopologyKey, bool Primary)
{
    public static readonly DriverInstance Single = new(null, null, true);

    /// <summary>Whether this instance provisions for a claim with this selected node (or none).</summary>
    public bool ServesSelectedNode(string? selectedNode) =>
        NodeId is null || (string.IsNullOrEmpty(selectedNode) ? Primary : selectedNode == NodeId);

    /// <summary>Whether this instance holds the volume: its PV's node affinity names this node.</summary>
    public bool Holds(JsonObject pv)
    {
        if (NodeId is null || TopologyKey is null)
        {
            return true;
        }

        var values = (pv["spec"]?["nodeAffinity"]?["required"]?["nodeSelectorTerms"] as JsonArray)?.OfType<JsonObject>()
            .SelectMany(t => (t["matchExpressions"] as JsonArray)?.OfType<JsonObject>() ?? [])
            .Where(e => e["key"]?.GetValue<string>() == TopologyKey)
            .SelectMany(e => (e["values"] as JsonArray)?.Select(v => v?.GetValue<string>()) ?? [])
            .ToList() ?? [];
        return values.Count == 0 ? Primary : values.Contains(NodeId);
    }
}
