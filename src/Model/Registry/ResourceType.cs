using System.Text.Json.Nodes;
using Kura.Model.Printing;

namespace Kura.Model.Registry;

/// <summary>
/// One served resource: everything the API server, discovery, OpenAPI and printing need to
/// know about a kind. Built-in kinds and custom resources are described the same way
/// (design.md: "built-in kinds and CRDs go through one mechanism").
/// </summary>
public sealed class ResourceType
{
    /// <summary>API group; "" for the core group.</summary>
    public required string Group { get; init; }

    public required string Version { get; init; }

    public required string Kind { get; init; }

    /// <summary>Lower-case plural used in URLs, e.g. "persistentvolumeclaims".</summary>
    public required string Plural { get; init; }

    /// <summary>Lower-case singular, e.g. "persistentvolumeclaim".</summary>
    public required string Singular { get; init; }

    public required bool Namespaced { get; init; }

    public IReadOnlyList<string> ShortNames { get; init; } = [];

    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>Verbs advertised in discovery.</summary>
    public IReadOnlyList<string> Verbs { get; init; } = StandardVerbs;

    /// <summary>True when the kind has a status subresource (status is then ignored on the main resource).</summary>
    public bool HasStatus { get; init; }

    /// <summary>Scale subresource paths when served (Deployments, StatefulSets, CRDs that declare it).</summary>
    public ScaleSubresource? Scale { get; init; }

    /// <summary>Extra subresources served by other handlers (e.g. pods/log, pods/exec, pods/binding).</summary>
    public IReadOnlyList<string> ExtraSubresources { get; init; } = [];

    /// <summary>Name of the top-level schema in the <see cref="Schemas.SchemaSet"/>, e.g. "io.k8s.api.core.v1.PersistentVolume".</summary>
    public string? SchemaName { get; init; }

    /// <summary>Whether unknown fields are kept (x-kubernetes-preserve-unknown-fields at the root).</summary>
    public bool PreserveUnknownFields { get; init; }

    public required IResourceStrategy Strategy { get; init; }

    public required ITablePrinter Printer { get; init; }

    /// <summary>True for resources defined by a CustomResourceDefinition.</summary>
    public bool IsCustom { get; init; }

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public string GroupVersion => ApiVersion;

    public string ListKind => Kind + "List";

    /// <summary>"persistentvolumeclaims" or "deployments.apps": the resource name Kubernetes uses in messages.</summary>
    public string QualifiedResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    public static readonly IReadOnlyList<string> StandardVerbs =
        ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    public override string ToString() => $"{QualifiedResource}/{Version}";
}

/// <summary>JSON paths of a scale subresource, as in a CRD's subresources.scale.</summary>
public sealed record ScaleSubresource(string SpecReplicasPath, string StatusReplicasPath, string? LabelSelectorPath);
