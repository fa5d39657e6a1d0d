using System.Text.Json.Nodes;
using Kura.Model.Selectors;
using static Kura.Model.Printing.ColumnPrinter;

namespace Kura.Model.Printing;

/// <summary>apps/v1 kinds: printers.go printDeployment, printReplicaSet, printStatefulSet, printDaemonSet, printControllerRevision.</summary>
public static partial class BuiltInPrinters
{
    private static TableColumn ContainersColumn() => Text("Containers", "Container names of the pod template.", 1);

    private static TableColumn ImagesColumn() => Text("Images", "Container images of the pod template.", 1);

    private static TableColumn SelectorColumn() => Text("Selector", "Label selector for the managed pods.", 1);

    private static ColumnPrinter Deployment() => new(
        [
            Name(),
            Text("Ready", "Ready pods out of the desired replicas."),
            Text("Up-to-date", "Pods running the current template."),
            Text("Available", "Pods available to serve."),
            Age(), ContainersColumn(), ImagesColumn(), SelectorColumn(),
        ],
        (o, now) =>
        {
            // printDeployment prints Selector.String() itself: "" (not <none>) when empty, <invalid> when it fails to convert.
            var selector = LabelSelector.TryFromJson(o["spec"]?["selector"] as JsonObject, out var s, out _) ? s.ToString() : "<invalid>";
            var (names, images) = LayoutContainers(o["spec"]?["template"]?["spec"]);
            return
            [
                NameOf(o), $"{Int(o, "status", "readyReplicas")}/{Replicas(o)}", Int(o, "status", "updatedReplicas"), Int(o, "status", "availableReplicas"), AgeOf(o, now),
                names, images, selector,
            ];
        });

    private static ColumnPrinter ReplicaSet() => new(
        [
            Name(),
            Integer("Desired", "Replicas asked for."),
            Integer("Current", "Replicas that exist."),
            Integer("Ready", "Replicas that are ready."),
            Age(), ContainersColumn(), ImagesColumn(), SelectorColumn(),
        ],
        (o, now) =>
        {
            var (names, images) = LayoutContainers(o["spec"]?["template"]?["spec"]);
            return
            [
                NameOf(o), Replicas(o), Int(o, "status", "replicas"), Int(o, "status", "readyReplicas"), AgeOf(o, now),
                names, images, LabelSelector.Format(o["spec"]?["selector"] as JsonObject),
            ];
        });

    private static ColumnPrinter StatefulSet() => new(
        [Name(), Text("Ready", "Ready pods out of the desired replicas."), Age(), ContainersColumn(), ImagesColumn()],
        (o, now) =>
        {
            var (names, images) = LayoutContainers(o["spec"]?["template"]?["spec"]);
            return [NameOf(o), $"{Int(o, "status", "readyReplicas")}/{Replicas(o)}", AgeOf(o, now), names, images];
        });

    private static ColumnPrinter DaemonSet() => new(
        [
            Name(),
            Integer("Desired", "Nodes that should run the daemon pod."),
            Integer("Current", "Nodes running the daemon pod."),
            Integer("Ready", "Nodes whose daemon pod is ready."),
            Integer("Up-to-date", "Nodes running the current template."),
            Integer("Available", "Nodes whose daemon pod is available."),
            Text("Node Selector", "Node labels the daemon pods require."),
            Age(), ContainersColumn(), ImagesColumn(), SelectorColumn(),
        ],
        (o, now) =>
        {
            var (names, images) = LayoutContainers(o["spec"]?["template"]?["spec"]);
            return
            [
                NameOf(o), Int(o, "status", "desiredNumberScheduled"), Int(o, "status", "currentNumberScheduled"), Int(o, "status", "numberReady"),
                Int(o, "status", "updatedNumberScheduled"), Int(o, "status", "numberAvailable"), FormatLabels(o["spec"]?["template"]?["spec"]?["nodeSelector"]),
                AgeOf(o, now), names, images, LabelSelector.Format(o["spec"]?["selector"] as JsonObject),
            ];
        });

    private static ColumnPrinter ControllerRevision() => new(
        [Name(), Text("Controller", "Kind and name of the owning controller."), Text("Revision", "Revision number."), Age()],
        (o, now) => [NameOf(o), ControllerOf(o), Int(o, "revision"), AgeOf(o, now)]);

    // The apiserver defaults spec.replicas to 1.
    private static long Replicas(JsonObject o) => Has(o, "spec", "replicas") ? Int(o, "spec", "replicas") : 1;

    /// <summary>
    /// metav1.GetControllerOf and formatResourceName: "kind.group/name" in lower case ("kind/name" for
    /// the core group), the bare name when the reference has neither group nor kind, "&lt;none&gt;" without one.
    /// </summary>
    private static string ControllerOf(JsonObject o)
    {
        if (Objects(o, "metadata", "ownerReferences").FirstOrDefault(r => Bool(r, "controller") == true) is not { } owner)
        {
            return "<none>";
        }

        var apiVersion = S(owner, "apiVersion");
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        var group = slash < 0 ? "" : apiVersion[..slash];
        var kind = S(owner, "kind");
        var name = S(owner, "name");
        if (group.Length == 0 && kind.Length == 0)
        {
            return name;
        }

        var groupKind = group.Length == 0 ? kind : $"{kind}.{group}";
        return $"{groupKind.ToLowerInvariant()}/{name}";
    }
}
