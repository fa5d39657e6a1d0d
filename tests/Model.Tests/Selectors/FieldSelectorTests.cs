using System.Text.Json.Nodes;
using Kura.Model.Selectors;

namespace Kura.Model.Tests.Selectors;

// Cases modelled on apimachinery's fields/selector_test.go.
public sealed class FieldSelectorTests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("a=b", "a=b")]
    [InlineData("a==b", "a=b")]
    [InlineData("a!=b", "a!=b")]
    [InlineData("b=c,a=b", "a=b,b=c")]
    [InlineData("a=b,,c=d", "a=b,c=d")]
    [InlineData("involvedObject.namespace=", "involvedObject.namespace=")]
    [InlineData(@"x=a\,b", @"x=a\,b")]
    [InlineData(@"x=a\=b", @"x=a\=b")]
    [InlineData(@"x=a\\b", @"x=a\\b")]
    [InlineData("x=a!b", "x=a!b")]
    public void TryParse_ValidSelector_RoundTrips(string text, string expected)
    {
        Assert.True(FieldSelector.TryParse(text, out var s, out var error), error);
        Assert.Equal(expected, s.ToString());
    }

    [Theory]
    [InlineData("a", "invalid selector: 'a'; can't understand 'a'")]
    [InlineData("a=b,c", "invalid selector: 'a=b,c'; can't understand 'c'")]
    [InlineData(@"x=a\b", @"invalid field selector: invalid escape sequence: \b")]
    [InlineData(@"x=a\", @"invalid field selector: invalid escape sequence: \")]
    [InlineData("x=a=b", "invalid field selector: unescaped character in value: 61")]
    public void TryParse_InvalidSelector_FailsWithKubernetesMessage(string text, string message)
    {
        Assert.False(FieldSelector.TryParse(text, out _, out var error));
        Assert.Equal(message, error);
    }

    [Fact]
    public void TryParse_EscapedValues_AreUnescaped()
    {
        Assert.True(FieldSelector.TryParse(@"x=a\,b\=c\\d,y!=", out var s, out _));
        Assert.Equal([new FieldRequirement("x", true, @"a,b=c\d"), new FieldRequirement("y", false, "")], s.Requirements);
    }

    [Theory]
    [InlineData("a=b", true)]
    [InlineData("a==b", true)]
    [InlineData("a!=b", false)]
    [InlineData("a=b,c=", true)]
    [InlineData("c!=x", true)]
    [InlineData("a=b,c=d", false)]
    public void Matches_Fields_MissingReadsAsEmpty(string text, bool expected)
    {
        Assert.True(FieldSelector.TryParse(text, out var s, out _));
        Assert.Equal(expected, s.Matches(f => f == "a" ? "b" : null));
    }

    [Fact]
    public void RequiresExactMatch_NameTerm_ReturnsValue()
    {
        Assert.True(FieldSelector.TryParse("metadata.name=web,status.phase!=Failed", out var s, out _));
        Assert.True(s.RequiresExactMatch("metadata.name", out var name));
        Assert.Equal("web", name);
        Assert.False(s.RequiresExactMatch("status.phase", out _));
    }

    private const string Pod = """
        {"metadata":{"name":"web-0","namespace":"default"},
         "spec":{"nodeName":"node-1","restartPolicy":"Always","schedulerName":"default-scheduler","serviceAccountName":"default"},
         "status":{"phase":"Running","podIP":"10.0.0.5","podIPs":[{"ip":"10.0.0.5"}]}}
        """;

    private const string CoreEvent = """
        {"metadata":{"name":"e1","namespace":"default"},
         "involvedObject":{"kind":"PersistentVolume","name":"pv-1","uid":"u-1","apiVersion":"v1","resourceVersion":"7"},
         "reason":"ProvisioningSucceeded","type":"Normal","source":{"component":"persistentvolume-controller"},"reportingComponent":"kura"}
        """;

    [Theory]
    [InlineData("", "Pod", Pod, "metadata.name", "web-0")]
    [InlineData("", "Pod", Pod, "metadata.namespace", "default")]
    [InlineData("", "Pod", Pod, "spec.nodeName", "node-1")]
    [InlineData("", "Pod", Pod, "spec.host", "node-1")]
    [InlineData("", "Pod", Pod, "spec.restartPolicy", "Always")]
    [InlineData("", "Pod", Pod, "spec.schedulerName", "default-scheduler")]
    [InlineData("", "Pod", Pod, "spec.serviceAccountName", "default")]
    [InlineData("", "Pod", Pod, "spec.hostNetwork", "false")]
    [InlineData("", "Pod", Pod, "status.phase", "Running")]
    [InlineData("", "Pod", Pod, "status.podIP", "10.0.0.5")]
    [InlineData("", "Pod", Pod, "status.nominatedNodeName", "")]
    [InlineData("", "Event", CoreEvent, "involvedObject.kind", "PersistentVolume")]
    [InlineData("", "Event", CoreEvent, "involvedObject.namespace", "")]
    [InlineData("", "Event", CoreEvent, "involvedObject.name", "pv-1")]
    [InlineData("", "Event", CoreEvent, "involvedObject.uid", "u-1")]
    [InlineData("", "Event", CoreEvent, "involvedObject.apiVersion", "v1")]
    [InlineData("", "Event", CoreEvent, "involvedObject.resourceVersion", "7")]
    [InlineData("", "Event", CoreEvent, "involvedObject.fieldPath", "")]
    [InlineData("", "Event", CoreEvent, "reason", "ProvisioningSucceeded")]
    [InlineData("", "Event", CoreEvent, "reportingComponent", "kura")]
    [InlineData("", "Event", CoreEvent, "source", "persistentvolume-controller")]
    [InlineData("", "Event", CoreEvent, "type", "Normal")]
    [InlineData("", "Event", """{"reportingComponent":"kura"}""", "source", "kura")]
    [InlineData("events.k8s.io", "Event", """{"regarding":{"kind":"Pod","name":"p"},"reportingController":"kubelet"}""", "regarding.kind", "Pod")]
    [InlineData("events.k8s.io", "Event", """{"regarding":{"kind":"Pod","name":"p"},"reportingController":"kubelet"}""", "regarding.namespace", "")]
    [InlineData("events.k8s.io", "Event", """{"regarding":{"kind":"Pod","name":"p"},"reportingController":"kubelet"}""", "reportingController", "kubelet")]
    [InlineData("", "Node", """{"metadata":{"name":"n1"}}""", "spec.unschedulable", "false")]
    [InlineData("", "Node", """{"spec":{"unschedulable":true}}""", "spec.unschedulable", "true")]
    [InlineData("", "PersistentVolume", """{"status":{"phase":"Bound"}}""", "status.phase", "Bound")]
    [InlineData("", "PersistentVolume", """{"metadata":{"name":"pv"}}""", "metadata.namespace", "")]
    [InlineData("", "PersistentVolumeClaim", """{"status":{"phase":"Pending"}}""", "status.phase", "Pending")]
    [InlineData("", "Namespace", """{"status":{"phase":"Active"}}""", "status.phase", "Active")]
    [InlineData("", "Secret", """{"type":"Opaque"}""", "type", "Opaque")]
    [InlineData("storage.k8s.io", "StorageClass", """{"metadata":{"name":"fast"}}""", "metadata.name", "fast")]
    public void TryGet_SupportedField_ReturnsValue(string group, string kind, string json, string field, string expected)
    {
        Assert.True(FieldSelectorFields.TryGet(group, kind, JsonNode.Parse(json)!.AsObject(), field, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("", "Pod", "spec.containers")]
    [InlineData("", "PersistentVolume", "spec.capacity")]
    [InlineData("storage.k8s.io", "StorageClass", "provisioner")]
    [InlineData("", "Event", "regarding.kind")]
    [InlineData("events.k8s.io", "Event", "involvedObject.kind")]
    public void TryGet_UnsupportedField_ReturnsFalse(string group, string kind, string field)
    {
        Assert.False(FieldSelectorFields.TryGet(group, kind, [], field, out _));
        Assert.Equal($"field label not supported: {field}", FieldSelectorFields.UnsupportedMessage(field));
    }

    [Fact]
    public void Matches_DescribeEventsSelector_SelectsClusterObjectEvents()
    {
        // kubectl describe pv asks for events with an empty involvedObject.namespace.
        Assert.True(FieldSelector.TryParse("involvedObject.kind=PersistentVolume,involvedObject.name=pv-1,involvedObject.namespace=,involvedObject.uid=u-1", out var s, out _));
        var ev = JsonNode.Parse(CoreEvent)!.AsObject();
        Assert.True(s.Matches(f => FieldSelectorFields.TryGet("", "Event", ev, f, out var v) ? v : null));
    }
}
