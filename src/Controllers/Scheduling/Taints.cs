using System.Text.Json.Nodes;
using Kura.Model.Meta;

namespace Kura.Controllers.Scheduling;

/// <summary>A node taint (core/v1 Taint).</summary>
public sealed record Taint(string Key, string Value, string Effect, DateTimeOffset? TimeAdded = null)
{
    public static IReadOnlyList<Taint> Of(JsonObject node) =>
        (node["spec"]?["taints"] as JsonArray)?.OfType<JsonObject>().Select(FromJson).ToList() ?? [];

    public static Taint FromJson(JsonObject t) => new(
        Obj.GetString(t, "key") ?? "",
        Obj.GetString(t, "value") ?? "",
        Obj.GetString(t, "effect") ?? "",
        Obj.ParseTime(Obj.GetString(t, "timeAdded")));

    public JsonObject ToJson()
    {
        var json = new JsonObject { ["key"] = Key };
        if (Value.Length > 0)
        {
            json["value"] = Value;
        }

        json["effect"] = Effect;
        if (TimeAdded is { } added)
        {
            json["timeAdded"] = Obj.Rfc3339(added);
        }

        return json;
    }

    /// <summary>Same key and effect (MatchTaint: the identity of a taint on a node).</summary>
    public bool SameAs(Taint other) => Key == other.Key && Effect == other.Effect;

    public override string ToString() => Value.Length > 0 ? $"{Key}={Value}:{Effect}" : $"{Key}:{Effect}";
}

/// <summary>A pod toleration (core/v1 Toleration).</summary>
public sealed record Toleration(string Key, string Operator, string Value, string Effect, long? Seconds = null)
{
    public static IReadOnlyList<Toleration> Of(JsonObject pod) =>
        (pod["spec"]?["tolerations"] as JsonArray)?.OfType<JsonObject>().Select(t => new Toleration(
            Obj.GetString(t, "key") ?? "",
            Obj.GetString(t, "operator") ?? "",
            Obj.GetString(t, "value") ?? "",
            Obj.GetString(t, "effect") ?? "",
            Obj.GetInt64(t, "tolerationSeconds"))).ToList() ?? [];

    /// <summary>ToleratesTaint (k8s.io/api/core/v1/toleration.go): an empty effect or key matches all, Exists ignores the value.</summary>
    public bool Tolerates(Taint taint)
    {
        if (Effect.Length > 0 && Effect != taint.Effect)
        {
            return false;
        }

        if (Key.Length > 0 && Key != taint.Key)
        {
            return false;
        }

        return Operator switch
        {
            "" or "Equal" => Value == taint.Value,
            "Exists" => true,
            _ => false,
        };
    }
}

public static class TaintMatching
{
    /// <summary>FindMatchingUntoleratedTaint: the first taint passing <paramref name="filter"/> that no toleration tolerates.</summary>
    public static Taint? FirstUntolerated(IEnumerable<Taint> taints, IReadOnlyList<Toleration> tolerations, Func<Taint, bool> filter) =>
        taints.Where(filter).FirstOrDefault(t => !tolerations.Any(tol => tol.Tolerates(t)));

    public static bool IsScheduleBlocking(Taint t) => t.Effect is SchedulingNames.NoSchedule or SchedulingNames.NoExecute;
}
