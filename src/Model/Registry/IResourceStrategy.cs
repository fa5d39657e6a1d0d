using System.Text.Json.Nodes;
using Kura.Model.Validation;

namespace Kura.Model.Registry;

/// <summary>
/// Per-kind behaviour on create and update, as Kubernetes' registry strategies do it:
/// field resets, defaulting and validation. Objects are plain JSON; the strategy may mutate
/// the object it is given (never a cached one: callers pass copies).
/// </summary>
public interface IResourceStrategy
{
    /// <summary>Clears what a client may not set on create (e.g. status for kinds with a status subresource).</summary>
    void PrepareForCreate(JsonObject obj);

    /// <summary>Carries over what a client may not change through this endpoint (e.g. status on the main resource).</summary>
    void PrepareForUpdate(JsonObject obj, JsonObject old);

    /// <summary>Fills in API defaults (Kubernetes' defaults.go).</summary>
    void Default(JsonObject obj);

    IReadOnlyList<FieldError> ValidateCreate(JsonObject obj);

    IReadOnlyList<FieldError> ValidateUpdate(JsonObject obj, JsonObject old);
}

/// <summary>A strategy that only resets status on create when asked, with no defaults or validation.</summary>
public class PassThroughStrategy(bool hasStatus) : IResourceStrategy
{
    public virtual void PrepareForCreate(JsonObject obj)
    {
        if (hasStatus)
        {
            obj.Remove("status");
        }
    }

    public virtual void PrepareForUpdate(JsonObject obj, JsonObject old)
    {
        if (hasStatus)
        {
            obj.Remove("status");
            if (old["status"] is JsonNode status)
            {
                obj["status"] = status.DeepClone();
            }
        }
    }

    public virtual void Default(JsonObject obj)
    {
    }

    public virtual IReadOnlyList<FieldError> ValidateCreate(JsonObject obj) => [];

    public virtual IReadOnlyList<FieldError> ValidateUpdate(JsonObject obj, JsonObject old) => [];
}
