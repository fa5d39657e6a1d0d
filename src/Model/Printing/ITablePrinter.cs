using System.Text.Json.Nodes;

namespace Kura.Model.Printing;

/// <summary>One column of a meta.k8s.io/v1 Table.</summary>
/// <param name="Name">Header as Kubernetes names it ("Name", "Capacity", "Access Modes"); kubectl upper-cases it.</param>
/// <param name="Type">OpenAPI type: string, integer, number, boolean, date.</param>
/// <param name="Format">"name" for the name column, otherwise usually "".</param>
/// <param name="Priority">0 = always shown, 1 = only with -o wide.</param>
public sealed record TableColumn(string Name, string Type, string Format, string Description, int Priority = 0);

/// <summary>
/// Server-side printing of one kind: the column set and one row per object, as
/// kubernetes/pkg/printers/internalversion/printers.go does it. Rows always include the
/// priority-1 (wide) cells.
/// </summary>
public interface ITablePrinter
{
    IReadOnlyList<TableColumn> Columns { get; }

    /// <summary>Cells for one object; each is a string, long, double, bool or null.</summary>
    IReadOnlyList<object?> Row(JsonObject obj, DateTimeOffset now);
}
