namespace Kura.Model.Schemas;

/// <summary>OpenAPI schemas of the built-in kinds (placeholder: empty until the schema set lands).</summary>
public static class BuiltInSchemas
{
    public static SchemaSet Load() => new();
}
