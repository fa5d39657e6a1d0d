using System.Text.Json.Nodes;
using Kura.Model.Serialization;

namespace Kura.Model.Tests.Serialization;

public sealed class YamlWriteTests
{
    // Strings go out plain unless a reader would take them for another type or misparse them.
    [Theory]
    [InlineData("web", "web")]
    [InlineData("10Gi", "10Gi")]
    [InlineData("kubernetes.io/pv-protection", "kubernetes.io/pv-protection")]
    [InlineData("a b", "a b")]
    [InlineData("a:b", "a:b")]
    [InlineData("a,b", "a,b")]
    [InlineData("-x", "-x")]
    [InlineData("true", "\"true\"")]
    [InlineData("yes", "\"yes\"")]
    [InlineData("y", "\"y\"")]
    [InlineData("null", "\"null\"")]
    [InlineData("~", "\"~\"")]
    [InlineData("10", "\"10\"")]
    [InlineData("1.5", "\"1.5\"")]
    [InlineData("0x1F", "\"0x1F\"")]
    [InlineData("1:20", "\"1:20\"")]
    [InlineData("2024-01-02T03:04:05Z", "\"2024-01-02T03:04:05Z\"")]
    [InlineData("", "\"\"")]
    [InlineData("a: b", "'a: b'")]
    [InlineData("x #y", "'x #y'")]
    [InlineData("- x", "'- x'")]
    [InlineData("*ref", "'*ref'")]
    [InlineData("{x}", "'{x}'")]
    [InlineData(" lead", "' lead'")]
    [InlineData("trail ", "'trail '")]
    [InlineData("it's", "it's")]
    [InlineData("'q'", "'''q'''")]
    [InlineData("tab\there", "\"tab\\there\"")]
    [InlineData("---", "'---'")]
    [InlineData("ünïcode", "ünïcode")]
    public void ToYaml_StringValue_QuotedOnlyWhenNeeded(string value, string expected) =>
        Assert.Equal($"v: {expected}\n", Yaml.ToYaml(new JsonObject { ["v"] = value }));

    [Fact]
    public void ToYaml_Object_BlockStyleInInsertionOrder()
    {
        var pv = JsonNode.Parse("""
            {"apiVersion":"v1","kind":"PersistentVolume",
             "metadata":{"name":"pv-1","labels":{"type":"local"},"finalizers":["kubernetes.io/pv-protection"],"annotations":{}},
             "spec":{"capacity":{"storage":"10Gi"},"accessModes":["ReadWriteOnce"],"hostPath":{"path":"/mnt/data"},"claimRef":null,
                     "mountOptions":[],"nodeAffinity":{"required":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"k","operator":"In","values":["a","b"]}]}]}}},
             "status":{"phase":"Available","replicas":3,"ready":true,"ratio":0.5}}
            """);
        const string expected = """
            apiVersion: v1
            kind: PersistentVolume
            metadata:
              name: pv-1
              labels:
                type: local
              finalizers:
              - kubernetes.io/pv-protection
              annotations: {}
            spec:
              capacity:
                storage: 10Gi
              accessModes:
              - ReadWriteOnce
              hostPath:
                path: /mnt/data
              claimRef: null
              mountOptions: []
              nodeAffinity:
                required:
                  nodeSelectorTerms:
                  - matchExpressions:
                    - key: k
                      operator: In
                      values:
                      - a
                      - b
            status:
              phase: Available
              replicas: 3
              ready: true
              ratio: 0.5

            """;
        Assert.Equal(expected.Replace("\r\n", "\n", StringComparison.Ordinal), Yaml.ToYaml(pv));
    }

    [Fact]
    public void ToYaml_SortKeys_OrdersKeysLikeKubectl()
    {
        var obj = new JsonObject { ["kind"] = "Pod", ["apiVersion"] = "v1", ["metadata"] = new JsonObject { ["namespace"] = "d", ["name"] = "p" } };
        Assert.Equal("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: d\n", Yaml.ToYaml(obj, sortKeys: true));
    }

    [Theory]
    [InlineData("line1\nline2\n", "v: |\n  line1\n  line2\n")]
    [InlineData("line1\nline2", "v: |-\n  line1\n  line2\n")]
    [InlineData("a\n\nb\n\n", "v: |+\n  a\n\n  b\n\n")]
    [InlineData("trailing \nspace", "v: \"trailing \\nspace\"\n")]
    [InlineData(" indented\nx", "v: \" indented\\nx\"\n")]
    public void ToYaml_MultilineString_UsesLiteralBlockWhenPossible(string value, string expected) =>
        Assert.Equal(expected, Yaml.ToYaml(new JsonObject { ["v"] = value }));

    [Fact]
    public void ToYaml_NestedSequences_IndentUnderDash()
    {
        var node = JsonNode.Parse("""{"a":[[1,2],[],{"b":"c","d":["e"]},"x\ny"]}""");
        Assert.Equal("a:\n- - 1\n  - 2\n- []\n- b: c\n  d:\n  - e\n- |-\n  x\n  y\n", Yaml.ToYaml(node));
    }

    [Theory]
    [InlineData("""{"true":1}""", "\"true\": 1\n")]
    [InlineData("""{"a b":1}""", "a b: 1\n")]
    [InlineData("""{"":1}""", "\"\": 1\n")]
    public void ToYaml_Keys_QuotedLikeValues(string json, string expected) =>
        Assert.Equal(expected, Yaml.ToYaml(JsonNode.Parse(json)));

    // Whatever ToYaml writes reads back as the same JSON.
    [Theory]
    [InlineData("""{"a":"true","b":"","c":"x: y","d":"l1\nl2\n","e":[{"f":null,"g":1.25,"h":[]}],"i":{},"j":"' \"","k":"#c","l":"tab\t","m":"end\n\n\n","n":"0o17","o":"2024-01-02"}""")]
    [InlineData("""{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}\n"}}""")]
    [InlineData("""[1,"2",[3,["4"]],{"5":[{"6":7}]}]""")]
    public void ToYaml_ThenParse_RoundTrips(string json)
    {
        var node = JsonNode.Parse(json);
        var yaml = Yaml.ToYaml(node);
        var back = Assert.Single(Yaml.ParseDocuments(yaml));
        Assert.True(JsonNode.DeepEquals(node, back), yaml);
    }
}
