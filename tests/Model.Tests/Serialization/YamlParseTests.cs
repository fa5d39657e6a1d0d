using System.Text.Json.Nodes;
using Kura.Model.Serialization;

namespace Kura.Model.Tests.Serialization;

public sealed class YamlParseTests
{
    // Plain scalars typed as go-yaml v2 (sigs.k8s.io/yaml) types them; quoted ones stay strings.
    [Theory]
    [InlineData("v: true", """{"v":true}""")]
    [InlineData("v: False", """{"v":false}""")]
    [InlineData("v: yes", """{"v":true}""")]
    [InlineData("v: off", """{"v":false}""")]
    [InlineData("v: y", """{"v":true}""")]
    [InlineData("v: 'true'", """{"v":"true"}""")]
    [InlineData("v: \"10\"", """{"v":"10"}""")]
    [InlineData("v: 10", """{"v":10}""")]
    [InlineData("v: -3", """{"v":-3}""")]
    [InlineData("v: +3", """{"v":3}""")]
    [InlineData("v: 0x1F", """{"v":31}""")]
    [InlineData("v: 010", """{"v":8}""")]
    [InlineData("v: 0o10", """{"v":8}""")]
    [InlineData("v: 1_000", """{"v":1000}""")]
    [InlineData("v: 1.5", """{"v":1.5}""")]
    [InlineData("v: .5", """{"v":0.5}""")]
    [InlineData("v: 1e3", """{"v":1000}""")]
    [InlineData("v: 18446744073709551615", """{"v":18446744073709551615}""")]
    [InlineData("v: null", """{"v":null}""")]
    [InlineData("v: ~", """{"v":null}""")]
    [InlineData("v:", """{"v":null}""")]
    [InlineData("v: 10Gi", """{"v":"10Gi"}""")]
    [InlineData("v: 1.2.3", """{"v":"1.2.3"}""")]
    [InlineData("v: 2024-01-02", """{"v":"2024-01-02"}""")]
    [InlineData("v: 2024-01-02T03:04:05Z", """{"v":"2024-01-02T03:04:05Z"}""")]
    [InlineData("v: !!str 123", """{"v":"123"}""")]
    [InlineData("v: |\n  a\n  b\n", """{"v":"a\nb\n"}""")]
    [InlineData("v: >-\n  a\n  b\n", """{"v":"a b"}""")]
    [InlineData("v: [1, a, true]", """{"v":[1,"a",true]}""")]
    [InlineData("v: {a: 1}", """{"v":{"a":1}}""")]
    [InlineData("1: a\ntrue: b", """{"1":"a","true":"b"}""")]
    [InlineData("a: 1\na: 2", """{"a":2}""")]
    [InlineData("base: &b {a: 1, b: 2}\nderived:\n  <<: *b\n  b: 3", """{"base":{"a":1,"b":2},"derived":{"a":1,"b":3}}""")]
    [InlineData("m:\n  <<: [{a: 1}, {a: 2, c: 3}]", """{"m":{"c":3,"a":1}}""")]
    [InlineData("y: 1\nno: 2", """{"true":1,"false":2}""")]
    [InlineData("a: &x [1, 2]\nb: *x", """{"a":[1,2],"b":[1,2]}""")]
    public void ParseDocuments_Scalar_TypedLikeKubernetes(string yaml, string json)
    {
        var docs = Yaml.ParseDocuments(yaml);
        var doc = Assert.Single(docs);
        Assert.Equal(json, doc!.ToJsonString());
    }

    [Fact]
    public void ParseDocuments_MultiDocumentStream_ReturnsEachInOrder()
    {
        const string yaml = """
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata:
              name: data
            spec:
              accessModes:
              - ReadWriteOnce
              resources:
                requests:
                  storage: 1Gi
            ---
            # a comment-only document body
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: app
            """;
        var docs = Yaml.ParseDocuments(yaml);
        Assert.Equal(3, docs.Count);
        Assert.Equal("data", docs[0]!["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal("1Gi", docs[0]!["spec"]!["resources"]!["requests"]!["storage"]!.GetValue<string>());
        Assert.Null(docs[1]);
        Assert.Equal("Pod", docs[2]!["kind"]!.GetValue<string>());
    }

    [Fact]
    public void ParseDocuments_EmptyText_HasNoDocuments() => Assert.Empty(Yaml.ParseDocuments(""));

    [Theory]
    [InlineData("a: b: c", 1)]
    [InlineData("a:\n  - x\n  y: z", 3)]
    [InlineData("a: [1, 2", 1)]
    [InlineData("a: 'x", 1)]
    [InlineData("a: *missing", 1)]
    public void ParseDocuments_MalformedYaml_ThrowsWithLine(string yaml, int line)
    {
        var e = Assert.Throws<YamlFormatException>(() => Yaml.ParseDocuments(yaml));
        Assert.StartsWith("yaml: line ", e.Message, StringComparison.Ordinal);
        Assert.True(e.Line >= line, e.Message);
        Assert.Contains("column", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseDocumentsStrict_DuplicateKey_Throws()
    {
        var e = Assert.Throws<YamlFormatException>(() => Yaml.ParseDocumentsStrict("a: 1\na: 2"));
        Assert.Equal("yaml: line 2, column 1: key \"a\" already set in map", e.Message);
    }

    [Fact]
    public void ParseDocuments_ExponentialAliases_AreRefused()
    {
        var yaml = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
        for (var i = 1; i < 9; i++)
        {
            yaml += $"{(char)('a' + i)}: &{(char)('a' + i)} [*{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}]\n";
        }

        var e = Assert.Throws<YamlFormatException>(() => Yaml.ParseDocuments(yaml));
        Assert.Contains("excessive aliasing", e.Message, StringComparison.Ordinal);
    }
}
