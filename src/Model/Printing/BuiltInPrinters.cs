using System.Text.Json.Nodes;

namespace Kura.Model.Printing;

/// <summary>Server-side printers for the built-in kinds (placeholder until the full column sets land).</summary>
public static class BuiltInPrinters
{
    /// <summary>The printer for a built-in kind; <see cref="DefaultPrinter"/> when there is no specific one.</summary>
    public static ITablePrinter For(string group, string kind) => DefaultPrinter.Instance;
}

/// <summary>NAME and AGE only: what Kubernetes prints for kinds without their own columns.</summary>
public sealed class DefaultPrinter : ITablePrinter
{
    public static readonly DefaultPrinter Instance = new();

    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        new("Name", "string", "name", "Name must be unique within a namespace."),
        new("Age", "string", "", "CreationTimestamp is a timestamp representing the server time when this object was created."),
    ];

    public IReadOnlyList<object?> Row(JsonObject obj, DateTimeOffset now)
    {
        var meta = obj["metadata"] as JsonObject;
        var name = meta?["name"]?.GetValue<string>() ?? "";
        var created = meta?["creationTimestamp"]?.GetValue<string>();
        var age = created is not null && DateTimeOffset.TryParse(created, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t)
            ? ((int)(now - t).TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture) + "s"
            : "<unknown>";
        return [name, age];
    }
}
