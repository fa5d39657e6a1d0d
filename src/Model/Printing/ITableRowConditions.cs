using System.Text.Json.Nodes;

namespace Kura.Model.Printing;

/// <summary>
/// Optional companion of <see cref="ITablePrinter"/>: the row's conditions (metav1.TableRowCondition),
/// which printers.go sets only for finished pods ({type: Completed, status: True, reason: Succeeded|Failed}).
/// </summary>
public interface ITableRowConditions
{
    /// <summary>The conditions array for one object's row, or null for none.</summary>
    JsonArray? Conditions(JsonObject obj);
}
