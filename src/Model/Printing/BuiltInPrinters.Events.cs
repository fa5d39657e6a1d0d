using System.Text.Json.Nodes;
using static Kura.Model.Printing.ColumnPrinter;

namespace Kura.Model.Printing;

/// <summary>
/// Events: printers.go printEvent. events.k8s.io/v1 Events share the core Event storage and are
/// printed after conversion to it (pkg/apis/events/v1 conversion: regarding → involvedObject,
/// note → message, deprecatedSource/FirstTimestamp/LastTimestamp/Count → source/…).
/// LAST SEEN comes first and NAME is a wide-only last column.
/// </summary>
public static partial class BuiltInPrinters
{
    private sealed record EventFields(
        string Name, string Type, string Reason, JsonNode? Regarding, JsonNode? Source, string Message,
        string? FirstTimestamp, string? LastTimestamp, long Count, string? EventTime, JsonNode? Series,
        string ReportingController, string ReportingInstance);

    private static ColumnPrinter CoreEvent() => EventPrinter(o => new EventFields(
        NameOf(o), S(o, "type"), S(o, "reason"), o["involvedObject"], o["source"], S(o, "message"),
        Str(o, "firstTimestamp"), Str(o, "lastTimestamp"), Int(o, "count"), Str(o, "eventTime"), o["series"],
        S(o, "reportingComponent"), S(o, "reportingInstance")));

    private static ColumnPrinter EventsEvent() => EventPrinter(o => new EventFields(
        NameOf(o), S(o, "type"), S(o, "reason"), o["regarding"], o["deprecatedSource"], S(o, "note"),
        Str(o, "deprecatedFirstTimestamp"), Str(o, "deprecatedLastTimestamp"), Int(o, "deprecatedCount"), Str(o, "eventTime"), o["series"],
        S(o, "reportingController"), S(o, "reportingInstance")));

    private static ColumnPrinter EventPrinter(Func<JsonObject, EventFields> read) => new(
        [
            Text("Last Seen", "Time since the event was last observed."),
            Text("Type", "Normal or Warning."),
            Text("Reason", "Short machine-readable reason."),
            Text("Object", "Object the event is about."),
            Text("Subobject", "Part of the object the event is about.", 1),
            Text("Source", "Component (and host) that reported the event.", 1),
            Text("Message", "Human-readable description."),
            Text("First Seen", "Time since the event was first observed.", 1),
            Text("Count", "How many times the event occurred.", 1),
            Name(priority: 1),
        ],
        (o, now) => EventRow(read(o), now));

    private static object?[] EventRow(EventFields e, DateTimeOffset now)
    {
        var first = HumanDuration.ParseNonZero(e.FirstTimestamp) is { } f ? HumanDuration.Since(f, now) : HumanDuration.Since(e.EventTime, now);
        var last = HumanDuration.ParseNonZero(e.LastTimestamp) is { } l ? HumanDuration.Since(l, now) : first;
        var count = e.Count;
        if (e.Series is JsonObject series)
        {
            last = HumanDuration.Since(Str(series, "lastObservedTime"), now);
            count = Int(series, "count");
        }
        else if (count == 0)
        {
            // Singleton events of the new API carry no count.
            count = 1;
        }

        var kind = S(e.Regarding, "kind").ToLowerInvariant();
        var target = S(e.Regarding, "name") is { Length: > 0 } name ? $"{kind}/{name}" : kind;

        // formatEventSource: component (else reportingController), then ", host" (else reportingInstance) when non-empty.
        var component = S(e.Source, "component") is { Length: > 0 } c ? c : e.ReportingController;
        var host = S(e.Source, "host") is { Length: > 0 } h ? h : e.ReportingInstance;
        var source = host.Length == 0 ? component : $"{component}, {host}";

        return [last, e.Type, e.Reason, target, S(e.Regarding, "fieldPath"), source, e.Message.Trim(), first, count, e.Name];
    }
}
