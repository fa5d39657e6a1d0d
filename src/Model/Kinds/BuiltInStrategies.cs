using Kura.Model.Registry;

namespace Kura.Model.Kinds;

/// <summary>Create/update strategies (defaulting, validation) for the built-in kinds (placeholder).</summary>
public static class BuiltInStrategies
{
    public static IResourceStrategy For(string group, string kind, bool hasStatus) => new PassThroughStrategy(hasStatus);
}
