using System.Text.Json.Nodes;
using static Kura.Model.Printing.ColumnPrinter;

namespace Kura.Model.Printing;

/// <summary>
/// RoleBinding and ClusterRoleBinding: printers.go printRoleBinding / printClusterRoleBinding.
/// Role and ClusterRole have no printer there and use the default NAME / CREATED AT table.
/// </summary>
public static partial class BuiltInPrinters
{
    private static ColumnPrinter RoleBinding(string what) => new(
        [
            Name(),
            Text("Role", "Kind/name of the role granted."),
            Age(),
            Text("Users", $"Users named in the {what}.", 1),
            Text("Groups", $"Groups named in the {what}.", 1),
            Text("ServiceAccounts", $"Service accounts (namespace/name) named in the {what}.", 1),
        ],
        (o, now) =>
        {
            // rbac.SubjectsStrings: subjects of other kinds are not shown.
            var subjects = Objects(o, "subjects").ToList();
            string Of(string kind, Func<JsonObject, string> format) => string.Join(", ", subjects.Where(s => S(s, "kind") == kind).Select(format));
            return
            [
                NameOf(o), $"{S(o, "roleRef", "kind")}/{S(o, "roleRef", "name")}", AgeOf(o, now),
                Of("User", s => S(s, "name")), Of("Group", s => S(s, "name")), Of("ServiceAccount", s => $"{S(s, "namespace")}/{S(s, "name")}"),
            ];
        });
}
