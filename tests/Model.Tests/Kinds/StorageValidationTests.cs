using System.Text.Json.Nodes;
using Kura.Model.Kinds;

namespace Kura.Model.Tests.Kinds;

/// <summary>Storage kinds' validation with Kubernetes' field paths and messages, table-driven.</summary>
public sealed class StorageValidationTests
{
    private static JsonObject Parse(string json) => (JsonObject)JsonNode.Parse(json)!;

    public static TheoryData<string, string, string[]> VolumeCases() => new()
    {
        { "valid hostPath volume", """{"metadata":{"name":"v"},"spec":{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"],"hostPath":{"path":"/x"}}}""", [] },
        { "no capacity", """{"metadata":{"name":"v"},"spec":{"accessModes":["ReadWriteOnce"],"hostPath":{"path":"/x"}}}""", ["spec.capacity: Required value"] },
        { "no access modes", """{"metadata":{"name":"v"},"spec":{"capacity":{"storage":"1Gi"},"hostPath":{"path":"/x"}}}""", ["spec.accessModes: Required value"] },
        { "no source", """{"metadata":{"name":"v"},"spec":{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"]}}""", ["spec: Required value: must specify a volume type"] },
        { "two sources", """{"metadata":{"name":"v"},"spec":{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"],"hostPath":{"path":"/x"},"nfs":{"server":"s","path":"/p"}}}""", ["spec.nfs: Forbidden: may not specify more than 1 volume type"] },
        { "bad access mode", """{"metadata":{"name":"v"},"spec":{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteSometimes"],"hostPath":{"path":"/x"}}}""", ["spec.accessModes: Unsupported value: \"ReadWriteSometimes\": supported values: \"ReadOnlyMany\", \"ReadWriteMany\", \"ReadWriteOnce\", \"ReadWriteOncePod\""] },
        { "csi without handle", """{"metadata":{"name":"v"},"spec":{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"],"csi":{"driver":"d"}}}""", ["spec.csi.volumeHandle: Required value"] },
        { "local without affinity", """{"metadata":{"name":"v"},"spec":{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"],"local":{"path":"/x"}}}""", ["spec.nodeAffinity: Required value: Local volume requires node affinity"] },
        { "bad name", """{"metadata":{"name":"Bad_Name"},"spec":{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"],"hostPath":{"path":"/x"}}}""", ["metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"] },
    };

    [Theory]
    [MemberData(nameof(VolumeCases))]
    public void PersistentVolume_ValidateCreate(string name, string json, string[] expected)
    {
        var errors = new PersistentVolumeStrategy().ValidateCreate(Parse(json)).Select(e => e.ToString()).ToArray();
        Assert.True(expected.SequenceEqual(errors), $"{name}: {string.Join(" | ", errors)}");
    }

    [Fact]
    public void PersistentVolume_Defaults_RetainAndFilesystem()
    {
        var pv = Parse("""{"metadata":{"name":"v"},"spec":{}}""");
        new PersistentVolumeStrategy().Default(pv);
        Assert.Equal("Retain", pv["spec"]!["persistentVolumeReclaimPolicy"]!.GetValue<string>());
        Assert.Equal("Filesystem", pv["spec"]!["volumeMode"]!.GetValue<string>());
    }

    public static TheoryData<string, string, string, string[]> ClaimUpdateCases() => new()
    {
        { "grow request", """{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}""", """{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"2Gi"}}}""", [] },
        { "shrink request", """{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"2Gi"}}}""", """{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}""", ["spec.resources.requests.storage: Forbidden: field can not be less than previous value"] },
        { "change access modes", """{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}""", """{"accessModes":["ReadWriteMany"],"resources":{"requests":{"storage":"1Gi"}}}""", ["spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"] },
        { "set volumeName once", """{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}""", """{"accessModes":["ReadWriteOnce"],"volumeName":"v","resources":{"requests":{"storage":"1Gi"}}}""", [] },
    };

    [Theory]
    [MemberData(nameof(ClaimUpdateCases))]
    public void PersistentVolumeClaim_ValidateUpdate(string name, string oldSpec, string newSpec, string[] expected)
    {
        var old = Parse($$"""{"metadata":{"name":"c","namespace":"default"},"spec":{{oldSpec}}}""");
        var now = Parse($$"""{"metadata":{"name":"c","namespace":"default"},"spec":{{newSpec}}}""");
        var errors = new PersistentVolumeClaimStrategy().ValidateUpdate(now, old).Select(e => e.ToString()).ToArray();
        Assert.True(expected.SequenceEqual(errors), $"{name}: {string.Join(" | ", errors)}");
    }

    [Theory]
    [InlineData("parameters", """{"parameters":{"a":"2"}}""", "parameters: Forbidden: updates to parameters are forbidden.")]
    [InlineData("provisioner", """{"provisioner":"other.example.com"}""", "provisioner: Forbidden: updates to provisioner are forbidden.")]
    [InlineData("reclaimPolicy", """{"reclaimPolicy":"Retain"}""", "reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.")]
    public void StorageClass_ImmutableFields(string field, string change, string expected)
    {
        var old = Parse("""{"metadata":{"name":"sc"},"provisioner":"example.com/x","parameters":{"a":"1"},"reclaimPolicy":"Delete","volumeBindingMode":"Immediate"}""");
        var now = (JsonObject)old.DeepClone();
        foreach (var (k, v) in Parse(change))
        {
            now[k] = v?.DeepClone();
        }

        var errors = new StorageClassStrategy().ValidateUpdate(now, old).Select(e => e.ToString()).ToList();
        Assert.True(errors.Contains(expected), $"{field}: {string.Join(" | ", errors)}");
    }

    [Fact]
    public void Deployment_SelectorMustMatchTemplate()
    {
        var d = Parse("""{"metadata":{"name":"d","namespace":"default"},"spec":{"selector":{"matchLabels":{"app":"a"}},"template":{"metadata":{"labels":{"app":"b"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}}""");
        var errors = new WorkloadStrategy("Deployment").ValidateCreate(d).Select(e => e.ToString()).ToList();
        Assert.Equal(["spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"b\"}: `selector` does not match template `labels`"], errors);
    }
}
