using System.Text.Json.Nodes;
using Kura.Model.Registry;

namespace Kura.Model.CustomResources;

/// <summary>One version of a CRD as the API server serves it, with the schema fragment it registers.</summary>
public sealed record ServedVersion(ResourceType Type, bool Served, bool Storage, IReadOnlyDictionary<string, JsonObject> Schemas);
