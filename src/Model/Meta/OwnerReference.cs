using System.Text.Json.Nodes;

namespace Kura.Model.Meta;

/// <summary>metav1.OwnerReference: the object that owns this one, for garbage collection and controllers.</summary>
public sealed record OwnerReference(string ApiVersion, string Kind, string Name, string Uid, bool? Controller = null, bool? BlockOwnerDeletion = null)
{
    /// <summary>metav1.NewControllerRef: a controlling, deletion-blocking reference to <paramref name="owner"/>.</summary>
    public static OwnerReference ControllerRefTo(JsonObject owner) =>
        new(Obj.ApiVersion(owner), Obj.Kind(owner), Obj.Name(owner), Obj.Uid(owner), Controller: true, BlockOwnerDeletion: true);

    public bool IsController => Controller == true;

    public static OwnerReference FromJson(JsonObject json) => new(
        Obj.GetString(json, "apiVersion") ?? "",
        Obj.GetString(json, "kind") ?? "",
        Obj.GetString(json, "name") ?? "",
        Obj.GetString(json, "uid") ?? "",
        Obj.GetBool(json, "controller"),
        Obj.GetBool(json, "blockOwnerDeletion"));

    /// <summary>In Kubernetes' field order; unset booleans are left out.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["apiVersion"] = ApiVersion,
            ["kind"] = Kind,
            ["name"] = Name,
            ["uid"] = Uid,
        };
        if (Controller is { } c)
        {
            json["controller"] = c;
        }

        if (BlockOwnerDeletion is { } b)
        {
            json["blockOwnerDeletion"] = b;
        }

        return json;
    }
}
