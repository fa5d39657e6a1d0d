using System.Text.Json.Nodes;

namespace Kura.Model.Printing;

/// <summary>NAME and AGE only: the fallback for kinds without their own columns.</summary>
public sealed class DefaultPrinter : ITablePrinter
{
    public static readonly DefaultPrinter Instance = new();

    public IReadOnlyList<TableColumn> Columns { get; } = [ColumnPrinter.Name(), ColumnPrinter.Age()];

    public IReadOnlyList<object?> Row(JsonObject obj, DateTimeOffset now) => [ColumnPrinter.NameOf(obj), ColumnPrinter.AgeOf(obj, now)];
}
