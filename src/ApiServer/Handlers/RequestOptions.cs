namespace Kura.ApiServer.Handlers;

/// <summary>How unknown fields in a request body are treated (the fieldValidation query parameter).</summary>
public enum FieldValidation
{
    Ignore,
    Warn,
    Strict,
}

/// <summary>Options common to writes: dryRun=All, fieldManager, fieldValidation, force (apply).</summary>
public sealed record WriteOptions(bool DryRun = false, string? FieldManager = null, FieldValidation FieldValidation = FieldValidation.Ignore, bool Force = false)
{
    /// <summary>Options for the server's own controllers: unknown fields are pruned silently.</summary>
    public static WriteOptions Internal => new(FieldManager: "kura-apiserver");

    /// <summary>Set for server-side apply, which keeps managedFields itself.</summary>
    public bool IsApply { get; init; }

    /// <summary>Warnings to return to the client in Warning headers (fieldValidation=Warn).</summary>
    public List<string> Warnings { get; } = [];
}

public enum PropagationPolicy
{
    Background,
    Foreground,
    Orphan,
}

/// <summary>meta/v1 DeleteOptions as far as Kura honours them.</summary>
public sealed record DeleteOptions(
    PropagationPolicy? Propagation = null,
    long? GracePeriodSeconds = null,
    string? PreconditionUid = null,
    string? PreconditionResourceVersion = null,
    bool DryRun = false);
