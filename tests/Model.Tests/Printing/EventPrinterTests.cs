namespace Kura.Model.Tests.Printing;

/// <summary>printEvent for core/v1 Events and events.k8s.io/v1 Events (converted to the core form).</summary>
public sealed class EventPrinterTests
{
    public static TheoryData<string, object?[]> CoreEvents => new()
    {
        {
            """
            {"metadata":{"name":"data.17a2","namespace":"default","creationTimestamp":"2025-01-01T11:50:00Z"},
             "involvedObject":{"kind":"PersistentVolumeClaim","namespace":"default","name":"data","uid":"u"},
             "reason":"ProvisioningSucceeded","message":"Successfully provisioned volume pvc-0d4f\n","type":"Normal",
             "source":{"component":"local.csi.kura.io_kura"},"firstTimestamp":"2025-01-01T11:50:00Z","lastTimestamp":"2025-01-01T11:58:00Z","count":3}
            """,
            ["2m", "Normal", "ProvisioningSucceeded", "persistentvolumeclaim/data", "", "local.csi.kura.io_kura", "Successfully provisioned volume pvc-0d4f", "10m", 3L, "data.17a2"]
        },
        {
            // Host appended to the component; fieldPath is the subobject.
            """
            {"metadata":{"name":"web-0.1"},"involvedObject":{"kind":"Pod","name":"web-0","fieldPath":"spec.containers{app}"},
             "reason":"BackOff","message":"Back-off restarting failed container","type":"Warning",
             "source":{"component":"kubelet","host":"node-1"},"firstTimestamp":"2025-01-01T11:00:00Z","lastTimestamp":"2025-01-01T11:59:30Z","count":12}
            """,
            ["30s", "Warning", "BackOff", "pod/web-0", "spec.containers{app}", "kubelet, node-1", "Back-off restarting failed container", "60m", 12L, "web-0.1"]
        },
        {
            // New-style event written through core/v1: eventTime stands in for both timestamps, count 0 reads 1,
            // reportingComponent/reportingInstance stand in for the source.
            """
            {"metadata":{"name":"e3"},"involvedObject":{"kind":"Node","name":"node-1"},"reason":"Starting","message":" ","type":"Normal",
             "eventTime":"2025-01-01T11:57:00.123456Z","reportingComponent":"kura-controller","reportingInstance":"kura-host"}
            """,
            ["2m59s", "Normal", "Starting", "node/node-1", "", "kura-controller, kura-host", "", "2m59s", 1L, "e3"]
        },
        {
            // A series overrides LAST SEEN and COUNT.
            """
            {"metadata":{"name":"e4"},"involvedObject":{"kind":"Pod"},"reason":"R","type":"Warning",
             "eventTime":"2025-01-01T11:00:00.000000Z","series":{"count":7,"lastObservedTime":"2025-01-01T11:59:00.000000Z"}}
            """,
            ["60s", "Warning", "R", "pod", "", "", "", "60m", 7L, "e4"]
        },
        {
            """{"metadata":{"name":"e5"}}""",
            ["<unknown>", "", "", "", "", "", "", "<unknown>", 1L, "e5"]
        },
    };

    [Theory]
    [MemberData(nameof(CoreEvents))]
    public void Row_CoreEvent_MatchesPrintEvent(string json, object?[] expected)
    {
        Assert.Equal(expected, PrintingKit.Row("", "Event", json));
    }

    public static TheoryData<string, object?[]> EventsApiEvents => new()
    {
        {
            """
            {"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":"data.17a3","namespace":"default"},
             "eventTime":"2025-01-01T11:55:00.000000Z","reportingController":"kura.io/attacher","reportingInstance":"kura-host",
             "action":"Attach","reason":"Attached","regarding":{"kind":"VolumeAttachment","name":"csi-3f2a"},"note":"Volume attached","type":"Normal"}
            """,
            ["5m", "Normal", "Attached", "volumeattachment/csi-3f2a", "", "kura.io/attacher, kura-host", "Volume attached", "5m", 1L, "data.17a3"]
        },
        {
            """
            {"metadata":{"name":"legacy"},"regarding":{"kind":"Pod","name":"p","fieldPath":"spec.containers{c}"},"note":"n","type":"Normal","reason":"Pulled",
             "deprecatedSource":{"component":"kubelet","host":"node-1"},"deprecatedFirstTimestamp":"2025-01-01T10:00:00Z","deprecatedLastTimestamp":"2025-01-01T11:00:00Z","deprecatedCount":4,
             "reportingController":"ignored","eventTime":null}
            """,
            ["60m", "Normal", "Pulled", "pod/p", "spec.containers{c}", "kubelet, node-1", "n", "120m", 4L, "legacy"]
        },
        {
            """
            {"metadata":{"name":"series"},"regarding":{"kind":"Node","name":"n1"},"note":"flapping","type":"Warning","reason":"NodeNotReady",
             "eventTime":"2025-01-01T09:00:00.000000Z","series":{"count":42,"lastObservedTime":"2025-01-01T11:59:50.000000Z"},"reportingController":"node-controller"}
            """,
            ["10s", "Warning", "NodeNotReady", "node/n1", "", "node-controller", "flapping", "3h", 42L, "series"]
        },
    };

    [Theory]
    [MemberData(nameof(EventsApiEvents))]
    public void Row_EventsApiEvent_PrintsLikeConvertedCoreEvent(string json, object?[] expected)
    {
        Assert.Equal(expected, PrintingKit.Row("events.k8s.io", "Event", json));
    }
}
